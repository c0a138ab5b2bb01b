"""One article file: its front matter split off and parsed field by field (fields.FIELDS), its
body read into paragraphs, every problem reported with its line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import frontmatter

from .. import markup, safeyaml
from ..model import Article, Diagnostic
from ..paths import display_path
from ..text import SLUG, fold_for_search, slugify
from .fields import FIELDS, Context, date_consistency
from .files import read_text_file
from .problems import Report, did_you_mean

_FRONTMATTER_HANDLER = frontmatter.YAMLHandler()


def _split_front_matter(text: str) -> tuple[str, int, str, int] | None:
    """(front matter, its first line, body, the body's first line), or None without front matter.

    python-frontmatter finds the '---' fences; the YAML itself is read by safeyaml so that
    errors keep their line in the file.
    """
    fence = _FRONTMATTER_HANDLER.FM_BOUNDARY
    opening = fence.match(text)
    if not opening:
        return None
    closing = fence.search(text, opening.end())
    if not closing:
        return None
    front = text[opening.end():closing.start()]
    first_line = text.count("\n", 0, opening.end()) + 1
    return front, first_line, text[closing.end():], text.count("\n", 0, closing.end()) + 1


def load_article(path: Path, context: Context,
                 problems: list[Diagnostic]) -> tuple[Article | None, safeyaml.Lines | None]:
    """The article in the file at `path` and its front matter's lines, or (None, None) when an
    error was found; every problem goes to `problems`."""
    ctx = dataclasses.replace(context, capture_text=None, capture_bytes=None)  # this article's own
    shown = display_path(path, ctx.project)
    text = read_text_file(path, shown, problems, "article file", ctx.project)
    if text is None:
        return None, None
    split = _split_front_matter(text)
    if split is None:
        problems.append(Diagnostic(shown, 1, None, "no front matter",
                                   "start the file with a line '---', the YAML fields, and another '---'"))
        return None, None
    front, first_line, body, body_line = split
    data, lines, found = safeyaml.parse(front, shown, first_line=first_line)
    problems.extend(found)
    if found and data is None:
        return None, None
    report = Report(shown, lines, problems)
    if not isinstance(data, dict):
        report.error(None, "front matter must be a mapping of fields",
                     "write lines such as 'title: ...'")
        return None, None
    before = len(problems)
    slug = data.get("slug", path.stem)
    if not isinstance(slug, str) or not SLUG.match(slug):
        where = "field 'slug'" if "slug" in data else f"file name '{path.name}'"
        report.error("slug" if "slug" in data else None,
                     f"{where} does not give a valid slug: {slug!r}",
                     f"use lowercase letters, digits and hyphens, e.g. '{slugify(str(slug)) or 'article'}'")
    values = {}
    for name, (required, parse) in FIELDS.items():
        if name not in data:
            if required:
                report.error(name, "missing required field", f"add '{name}: ...' to the front matter")
            continue
        values[name] = parse(data[name], report, ctx)
    for unknown in sorted(set(data) - set(FIELDS) - {"slug"}):
        report.warn(unknown, "unknown field",
                    did_you_mean(unknown, FIELDS) or "known fields: " + ", ".join(FIELDS))
    date = date_consistency(values, report)
    paragraphs = tuple(block for _, block in markup.blocks(body))
    if not paragraphs:
        problems.append(Diagnostic(shown, body_line, None,
                                   "the article has no body text", "paste the article's text below the front matter"))
    if ctx.capture_text is not None:
        _check_quotes_in_body(values.get("claims", ()), paragraphs, report)
    if any(p.severity == "error" for p in problems[before:]):
        return None, None
    return Article(
        slug=slug, path=path, title=values["title"], url=values["url"], capture=values["capture"],
        date=date, publisher=values["publisher"], original=values.get("original"),
        credit=values.get("credit", ""), language=values.get("language", ""), people=values.get("people", ()),
        claims=values.get("claims", ()),
        reprint_of=values.get("reprint_of", ()), not_reprint_of=values.get("not_reprint_of", ()),
        body=body, paragraphs=paragraphs, author=values.get("author", ""), captured=values.get("captured", ""),
        archive=values.get("archive"),
    ), lines


def _check_quotes_in_body(claims, paragraphs, report) -> None:
    if not any(claim.quote for claim in claims):
        return
    folded = fold_for_search("\n".join(paragraphs))
    for index, claim in enumerate(claims):
        if claim.quote and fold_for_search(claim.quote) not in folded:
            report.error(f"claims[{index}].quote", "the quote does not occur in the article body",
                         "copy the sentence verbatim from the body", "claims", index, "quote")
