"""Markdown bodies: safe HTML for pages, plain text blocks for checks and text reuse."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, mdTrim

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


# --- The fast path ---------------------------------------------------------------------------
# Most bodies are plain paragraphs and ATX headings ("# Title") with no markup at all. For
# those the parser's result is known without running it: a paragraph is its lines joined by
# "\n" and trimmed, a heading is the text after its hashes, trimmed. `plain_blocks` says
# whether a body is that simple, refusing anything the CommonMark rules in use could read
# differently: inline markup, escapes, entities and autolinks (\ ` * _ [ ] < > & ~), tabs and
# line ends other than "\n", a NUL, lines opening with a space (indents, blank lines of
# spaces), a list or quote marker, a thematic break or setext underline, or a hash that does
# not open a plain heading (a closing hash sequence included), and spaces before a line end
# (hard breaks). Everything else goes to markdown-it (the markdown_* functions);
# tests/test_render.py checks both agree.
# Three scans (one character class, one search anchored on line starts, one substring test)
# cost about 1/15 of a parse.
_MARKUP_CHARS = re.compile(r"[\\`*_\[\]<>&~\t\r\x00\x0b\x0c]")
_MARKUP_LINE = re.compile(r"\n(?:[ +\-=>|]|[0-9]+[.)]|#(?!#{0,5} [^#\n]*[^#\s][^#\n]*(?:\n|\Z)))")


def plain_blocks(body: str) -> list[tuple[int, str, int]] | None:
    """(heading level or 0 for a paragraph, text, line after the block) for each block, as
    markdown-it reads it; None when the body may hold markup."""
    if _MARKUP_CHARS.search(body) or " \n" in body or body.endswith(" ") or _MARKUP_LINE.search("\n" + body):
        return None
    result = []
    paragraph: list[str] = []
    start = 0
    for number, line in enumerate(body.split("\n")):
        if not line or line[0] == "#":
            if paragraph:
                result.append((0, mdTrim("\n".join(paragraph)), number))
                paragraph = []
            if line:
                level = len(line) - len(line.lstrip("#"))
                result.append((level, mdTrim(line[level:]), number + 1))
        else:
            if not paragraph:
                start = number
            paragraph.append(line)
    if paragraph:
        result.append((0, mdTrim("\n".join(paragraph)), start + len(paragraph)))
    return result


def _plain_html(found: list[tuple[int, str, int]]) -> str:
    return "".join(f"<h{level}>{escapeHtml(text)}</h{level}>\n" if level else f"<p>{escapeHtml(text)}</p>\n"
                   for level, text, _ in found)


def to_html(body: str) -> str:
    found = plain_blocks(body)
    if found is not None:
        return _plain_html(found)
    return markdown_html(body)


def markdown_html(body: str) -> str:
    """to_html, through markdown-it whatever the body."""
    return _parser().render(body)


def blocks(body: str) -> list[tuple[str, str]]:
    """The text blocks of a body as (kind, plain text): kind is "heading" or "paragraph"."""
    found = plain_blocks(body)
    if found is not None:
        return [("heading" if level else "paragraph", text) for level, text, _ in found if text.strip()]
    return markdown_blocks(body)


def markdown_blocks(body: str) -> list[tuple[str, str]]:
    """blocks, through markdown-it whatever the body."""
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
    found = plain_blocks(body)
    if found is not None:
        if found and found[0][0] == 1:
            return found[0][1], "".join(body.splitlines(keepends=True)[found[0][2]:])
        return None, body
    return markdown_split_headline(body)


def markdown_split_headline(body: str) -> tuple[str | None, str]:
    """split_headline, through markdown-it whatever the body."""
    tokens = _parser().parse(body)
    if len(tokens) >= 2 and tokens[0].type == "heading_open" and tokens[0].tag == "h1" and tokens[0].map:
        plain = "".join(_plain(child) for child in tokens[1].children or [])
        lines = body.splitlines(keepends=True)
        return plain, "".join(lines[tokens[0].map[1]:])
    return None, body
