"""Markdown bodies: safe HTML for pages, plain text blocks for checks and text reuse."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt

_SAFE_SCHEMES = ("http:", "https:", "mailto:")


def _validate_link(url: str) -> bool:
    # Only web and mail links, or links without a scheme; javascript:, data:, vbscript: and
    # any other scheme are refused (markdown-it then leaves the text unlinked).
    lowered = "".join(url.split()).lower()
    if ":" not in lowered.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return True
    return lowered.startswith(_SAFE_SCHEMES)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "commonmark" with html off: raw HTML in an article is shown as text, never as markup.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link
    return md


def to_html(body: str) -> str:
    return _parser().render(body)


def blocks(body: str) -> list[tuple[str, str]]:
    """The text blocks of a body as (kind, plain text): kind is "heading" or "paragraph"."""
    result = []
    tokens = _parser().parse(body)
    for index, token in enumerate(tokens):
        if token.type != "inline":
            continue
        opener = tokens[index - 1].type if index else ""
        kind = "heading" if opener == "heading_open" else "paragraph"
        text = "".join(_plain(child) for child in token.children or [])
        if text.strip():
            result.append((kind, text))
    return result


def _plain(token) -> str:
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return "\n"
    return ""


def split_headline(body: str) -> tuple[str | None, str]:
    """(headline, rest of the body) when the body opens with a level-1 heading, else (None, body).

    Pages print the headline themselves, above the metadata, so it is taken out of the body.
    """
    tokens = _parser().parse(body)
    if len(tokens) >= 2 and tokens[0].type == "heading_open" and tokens[0].tag == "h1" and tokens[0].map:
        plain = "".join(_plain(child) for child in tokens[1].children or [])
        lines = body.splitlines(keepends=True)
        return plain, "".join(lines[tokens[0].map[1]:])
    return None, body
