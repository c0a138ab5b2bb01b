"""The files `add` writes: an article's front matter (each field with its review line when the
extraction is unsure) and body, registry entries proposed for review, the article's slug and its
capture's name."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

from . import extract as ex
from .extract.outlet import unique_id
from .load import CAPTURES_DIR, REVIEW
from .text import slugify

MAX_SLUG_WORDS = 9


def scalar(value) -> str:
    """One YAML scalar, quoted when plain text would be read as something else."""
    if value is None or value == "":
        return ""
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10 ** 9)
    return dumped.split("\n...")[0].strip()


def flow(items) -> str:
    return "[" + ", ".join(scalar(i) for i in items) + "]"


def escape_markdown(text: str) -> str:
    """Text that Markdown renders exactly as written (the loader compares quotes with it)."""
    text = re.sub(r"([\\`*_\[\]<>&])", r"\\\1", text)
    text = re.sub(r"^(\s*)([#>+\-=~|])", r"\1\\\2", text)
    text = re.sub(r"^(\s*\d+)([.)])(\s|$)", r"\1\\\2\3", text)
    return text


def _review(found: ex.Found, field: str) -> list[str]:
    return [] if found.confident else [f"# review {field}: {found.evidence}"[:300]]


def compose_article(result: ex.Extraction, url: str, capture_name: str) -> str:
    title, date, original = result["title"], result["date"], result["original"]
    lines = ["---",
             f"# Written by 'add' from {CAPTURES_DIR}/{capture_name}. Check each field against the",
             "# capture; the '# review' lines mark what was extracted with low confidence. Delete them when done."]
    lines += _review(title, "title")
    lines.append(f"title: {scalar(title.value)}")
    lines.append(f"url: {scalar(url.strip())}")
    lines.append(f"capture: {CAPTURES_DIR}/{capture_name}")
    lines += _review(date, "date")
    lines.append(f"date: {date.value.iso or ''}".rstrip())
    lines.append(f"date_precision: {date.value.precision}")
    lines.append(f"date_evidence: {scalar(date.evidence)}")
    lines += _review(result["publisher"], "publisher")
    lines.append(f"publisher: {result['publisher'].value}")
    lines += _review(result["language"], "language")
    if result["language"].value:
        lines.append(f"language: {result['language'].value}")
    if original.value is not None:
        lines += _review(original, "original")
        lines.append("original:")
        lines.append(f"  source: {original.value.source}")
        if original.value.article:
            lines.append(f"  article: {original.value.article}")
        lines.append(f"  relation: {original.value.relation}")
        lines.append(f"  evidence: {scalar(original.value.evidence)}")
    if result["credit"].value:
        lines.append(f"credit: {scalar(result['credit'].value)}")
    lines += _review(result["people"], "people")
    lines.append(f"people: {flow(result['people'].value)}")
    claims = result["claims"].value
    if claims:
        lines.append("claims:")
        for claim in claims:
            if not claim.confident:
                lines.append(f"  # review: {claim.evidence}")
            lines.append(f"  - id: {scalar(claim.id)}")
            lines.append(f"    speaker: {scalar(claim.speaker)}")
            if claim.speaker_label:
                lines.append(f"    speaker_label: {scalar(claim.speaker_label)}")
            lines.append(f"    stance: {claim.stance}")
            lines.append(f"    statement: {scalar(claim.statement)}")
            lines.append(f"    quote: {scalar(claim.quote)}")
    lines.append("---")
    lines.append("")
    body: ex.Body = result["body"].value
    if title.line is not None:
        lines += [f"# {escape_markdown(title.line.text)}", ""]
    for paragraph in body.paragraphs:
        lines += [escape_markdown(paragraph.text), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def compose_registry(existing: str, entries: list[tuple[str, list[tuple[str, str]]]], slug: str) -> str:
    """The registry file with new entries appended; each carries a review line (load.REVIEW)."""
    blocks = []
    for entry_id, fields in entries:
        lines = [f"# Proposed by 'add' for {slug}.md: check it, then delete the review line.",
                 f"{entry_id}:"]
        lines += [f"  {key}: {value}" for key, value in fields]
        blocks.append("\n".join(lines))
    return existing.rstrip("\n") + "\n\n" + "\n\n".join(blocks) + "\n"


def actor_entries(actors: tuple[ex.NewActor, ...], title: str, publisher: str):
    return [(a.id, [("name", scalar(a.name)), ("aliases", flow(a.aliases)), ("role", scalar(a.role)),
                    ("description", scalar(f"Named in “{title}” ({publisher}).")), (REVIEW, scalar(a.evidence))])
            for a in actors]


def source_entries(sources: tuple[ex.NewSource, ...]):
    return [(s.id, [("name", scalar(s.name)), ("domains", flow(s.domains)), ("kind", s.kind),
                    (REVIEW, scalar(s.evidence))]) for s in sources]


def choose_slug(title: str, taken: set[str], publisher: str) -> str:
    words = slugify(title).split("-")
    base = "-".join(words[:MAX_SLUG_WORDS]).strip("-") or "article"
    if base not in taken:
        return base
    return unique_id(f"{base}-{publisher}", taken)


def choose_capture_name(captures: Path, data: bytes, suffix: str = ".txt", after: int = -1) -> str:
    """NNN_<hash><suffix>: the next number after every capture's (text or saved page) and `after`."""
    numbers = [int(m.group(1)) for p in captures.iterdir() if (m := re.match(r"(\d+)_", p.name))] \
        if captures.is_dir() else []
    number = max(numbers) + 1 if numbers else len(list(captures.glob("*.txt")))
    number = max(number, after + 1)
    return f"{number:03d}_{hashlib.sha256(data).hexdigest()[:16]}{suffix}"


def compose_page_article(result: ex.Extraction, page, capture_name: str) -> str:
    """The article file of a saved page: as for a text capture, with the page's author and, for a
    page read from a web archive, when and from which archive record it was captured."""
    text = compose_article(result, page.url, capture_name)
    extra = []
    author = result.fields.get("author")
    if author is not None and author.value:
        extra.append(f"author: {scalar(author.value)}")
    if page.provenance is None and page.saved_at:
        extra += [f"captured: {scalar(page.saved_at)}",
                  "# The capture time (SingleFile's 'saved date' in the page) is not the publication date (date)."]
    if page.provenance is not None:
        record = page.provenance
        extra += [f"captured: {scalar(record.captured)}",
                  "# The capture time is when the page was saved, not when it was published (date).",
                  "archive:",
                  f"  file: {scalar(record.file)}",
                  f"  record: {scalar(record.record)}",
                  f"  payload_digest: {scalar(record.payload_digest)}"]
    line = f"capture: {CAPTURES_DIR}/{capture_name}\n"
    return text.replace(line, line + "".join(f"{e}\n" for e in extra), 1) if extra else text
