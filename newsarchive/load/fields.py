"""The table of front matter fields (FIELDS): each field has exactly one function that parses
and validates it."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..capture import HTML_SUFFIXES  # a saved page's capture: read in its own encoding, gunzipped
from ..model import (
    DATE_PRECISIONS, ORIGINAL_RELATIONS, STANCES, UNNAMED,
    Actor, Claim, Diagnostic, Original, PubDate, Source, WebArchiveRecord,
)
from ..text import SLUG, slugify
from .files import read_page_capture, read_text_file
from .problems import did_you_mean, type_hint

CAPTURES_DIR = "captures"


@dataclass
class Context:
    """What a field parser reads besides its value: the registries and where files are, and,
    once `capture:` is read, the capture (for the checks of `claims` and `archive`)."""

    actors: dict[str, Actor]
    sources: dict[str, Source]
    articles_dir: Path
    project: Path
    capture_text: str | None = None  # the capture's text (a saved page's HTML), when it could be read
    capture_bytes: tuple[str, bytes] | None = None  # a saved page's name and bytes, as read


def _f_title(value, report, ctx):
    if not isinstance(value, str) or not value.strip():
        report.error("title", f"expected text, got {value!r}", type_hint(value) or "put the title in quotes")
        return None
    return " ".join(value.split())


def _f_url(value, report, ctx):
    if not isinstance(value, str) or urlsplit(value.strip()).scheme not in ("http", "https") \
            or not urlsplit(value.strip()).netloc:
        report.error("url", f"expected the http(s) address the capture came from, got {value!r}",
                     "write the full address, https://...")
        return None
    return value.strip()


def _f_capture(value, report, ctx):
    if not isinstance(value, str) or not value.strip():
        report.error("capture", f"expected a file name under {CAPTURES_DIR}/, got {value!r}")
        return None
    relative = Path(value.strip())
    if relative.is_absolute() or ".." in relative.parts or relative.parts[:1] != (CAPTURES_DIR,):
        report.error("capture", f"capture must be a file under {CAPTURES_DIR}/, got {value!r}",
                     f"keep the capture in articles/{CAPTURES_DIR}/ and write '{CAPTURES_DIR}/NAME.txt'")
        return None
    found: list[Diagnostic] = []
    if relative.name.lower().endswith(HTML_SUFFIXES):
        page = read_page_capture(ctx.articles_dir / relative, value, found, ctx.project)
        text = page[0] if page else None
        ctx.capture_bytes = (value, page[1]) if page else None
    else:
        text = read_text_file(ctx.articles_dir / relative, value, found, "capture file", ctx.project)
    for problem in found:
        report.error("capture", f"{problem.message} ({value})", problem.hint)
    ctx.capture_text = text
    return relative.as_posix()


def _f_captured(value, report, ctx):
    """When the page was captured: an ISO 8601 time (UTC), never the publication date."""
    if isinstance(value, _dt.datetime):
        moment = value if value.tzinfo is None else value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    text = value.strip() if isinstance(value, str) else ""
    try:
        moment = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        report.error("captured", f"expected the time the page was captured, e.g. 2024-05-01T12:00:00Z, got {value!r}",
                     "write an ISO 8601 time in UTC (the WARC-Date of the record)")
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    if moment > _dt.datetime.now(_dt.timezone.utc).replace(tzinfo=None) + _dt.timedelta(days=1):
        report.error("captured", f"{text} is in the future", "check the year")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _f_archive(value, report, ctx):
    """The web-archive record the capture is the payload of: file, record, payload_digest. The
    capture's bytes must have that digest (kept verbatim, provably)."""
    from ..capture.archive import digest_matches

    if not isinstance(value, dict):
        report.error("archive", "expected file, record and payload_digest of the web-archive record")
        return None
    for unknown in sorted(set(value) - {"file", "record", "payload_digest"}):
        report.warn(f"archive.{unknown}", "unknown field", "", "archive", unknown)
    fields = {}
    for key in ("file", "record", "payload_digest"):
        item = value.get(key)
        if not isinstance(item, str) or not item.strip():
            report.error(f"archive.{key}", f"missing or not text: {item!r}", "", "archive", key)
            return None
        fields[key] = item.strip()
    kept = ctx.capture_bytes
    if kept is not None and digest_matches(kept[1], fields["payload_digest"]) is False:
        report.error("archive.payload_digest", f"the bytes of {kept[0]} do not have this payload digest: the "
                     "capture is not the record's payload as archived", "restore the capture from the web archive",
                     "archive", "payload_digest")
    return WebArchiveRecord(**fields)


def _f_date(value, report, ctx):
    if value is None:
        return None
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        text = value.strip()
        # [0-9], not \d: \d takes other scripts' digits ("２０１７"), which strptime reads as a year
        # but which sort after every ASCII date.
        for pattern, fmt in ((r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "%Y-%m-%d"), (r"[0-9]{4}-[0-9]{2}", "%Y-%m"),
                             (r"[0-9]{4}", "%Y")):
            if re.fullmatch(pattern, text):
                try:
                    _dt.datetime.strptime(text, fmt)
                except ValueError:
                    break
                return text
    report.error("date", f"invalid date {value!r}",
                 "write YYYY-MM-DD, YYYY-MM or YYYY, or leave it empty when the date is unknown")
    return None


def _f_text(name, required=True):
    def parse(value, report, ctx):
        if value is None or value == "":
            if required:
                report.error(name, "missing or empty")
            return ""
        if not isinstance(value, str):
            report.error(name, f"expected text, got {value!r}", type_hint(value) or "put the value in quotes")
            return ""
        return " ".join(value.split())
    return parse


def _f_language(value, report, ctx):
    if not isinstance(value, str) or not re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?", value):
        report.error("language", f"expected a language code such as en, de or pt-BR, got {value!r}",
                     "write the ISO 639 code of the language the article is written in")
        return ""
    return value


def _f_choice(name, choices):
    def parse(value, report, ctx):
        if value not in choices:
            report.error(name, f"expected one of {', '.join(choices)}, got {value!r}")
            return None
        return value
    return parse


def _f_source_id(value, report, ctx, field="publisher", keys=()):
    if not isinstance(value, str) or not value.strip():
        report.error(field, f"expected a source id, got {value!r}", type_hint(value)
                     or "use an id from articles/sources.yaml", *keys)
        return None
    if value not in ctx.sources:
        report.error(field, f"unknown source id '{value}'",
                     did_you_mean(value, ctx.sources) or "add it to articles/sources.yaml", *keys)
        return None
    return value


def _f_people(value, report, ctx):
    if value is None:
        return ()
    if not isinstance(value, list):
        report.error("people", f"expected a list of actor ids, got {value!r}", "write 'people: [id, id]'")
        return ()
    people = []
    for index, actor_id in enumerate(value):
        if not isinstance(actor_id, str) or actor_id not in ctx.actors:
            report.error("people", f"unknown actor id {actor_id!r}",
                         did_you_mean(str(actor_id), ctx.actors) or "add the person to articles/actors.yaml",
                         "people", index)
        elif actor_id in people:
            report.error("people", f"actor '{actor_id}' is listed twice", "", "people", index)
        else:
            people.append(actor_id)
    return tuple(people)


def _f_slug_list(name):
    def parse(value, report, ctx):
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            report.error(name, "expected a list of article slugs")
            return ()
        return tuple(value)  # checked against the loaded articles once all are read
    return parse


def _f_original(value, report, ctx):
    if value is None:
        return None
    if not isinstance(value, dict):
        report.error("original", "expected source, article, relation and evidence")
        return None
    keys = ("original",)
    for unknown in sorted(set(value) - {"source", "article", "relation", "evidence"}):
        report.warn(f"original.{unknown}", "unknown field", "", "original", unknown)
    source = _f_source_id(value.get("source"), report, ctx, "original.source", ("original", "source"))
    article = value.get("article")
    if article is not None and not isinstance(article, str):
        report.error("original.article", "expected an article slug", "", "original", "article")
        article = None
    relation = value.get("relation", "reprint")
    if relation not in ORIGINAL_RELATIONS:
        report.error("original.relation", f"expected one of {', '.join(ORIGINAL_RELATIONS)}, got {relation!r}",
                     "", "original", "relation")
    evidence = value.get("evidence")
    if not isinstance(evidence, str) or not evidence.strip():
        report.error("original.evidence", "missing: quote the words that name the original",
                     "", *keys)
        evidence = ""
    if source is None:
        return None
    return Original(source=source, article=article, relation=relation, evidence=" ".join(evidence.split()))


def _f_claims(value, report, ctx):
    if value is None:
        return ()
    if not isinstance(value, list):
        report.error("claims", "expected a list of claims")
        return ()
    claims = []
    for index, entry in enumerate(value):
        keys = ("claims", index)
        if not isinstance(entry, dict):
            report.error("claims", "each claim needs id, speaker, stance, statement and quote", "", *keys)
            continue
        for unknown in sorted(set(entry) - {"id", "speaker", "speaker_label", "stance", "statement", "quote"}):
            report.warn(f"claims[{index}].{unknown}", "unknown field", "", *keys, unknown)
        fields = {}
        for key in ("id", "speaker", "stance", "statement", "quote"):
            item = entry.get(key)
            if not isinstance(item, str) or not item.strip():
                report.error(f"claims[{index}].{key}", f"missing or not text: {item!r}", "", *keys, key)
                item = ""
            fields[key] = " ".join(item.split())
        label = entry.get("speaker_label") or ""
        if not isinstance(label, str):
            report.error(f"claims[{index}].speaker_label", "expected text", "", *keys, "speaker_label")
            label = ""
        if fields["id"] and not SLUG.match(fields["id"]):
            report.error(f"claims[{index}].id", f"claim id must be a slug, got {fields['id']!r}",
                         f"try '{slugify(fields['id'])}'", *keys, "id")
        if fields["stance"] and fields["stance"] not in STANCES:
            report.error(f"claims[{index}].stance", f"expected one of {', '.join(STANCES)}, "
                         f"got {fields['stance']!r}", "", *keys, "stance")
        speaker = fields["speaker"]
        if speaker == UNNAMED:
            if not label.strip():
                report.error(f"claims[{index}].speaker_label", "an unnamed speaker needs the words the text uses",
                             "e.g. speaker_label: a source close to the ministry", *keys)
        elif speaker and speaker not in ctx.actors:
            report.error(f"claims[{index}].speaker", f"unknown actor id '{speaker}'",
                         did_you_mean(speaker, ctx.actors) or f"add them to actors.yaml or use '{UNNAMED}'",
                         *keys, "speaker")
        claims.append(Claim(id=fields["id"], speaker=speaker, speaker_label=" ".join(label.split()),
                            stance=fields["stance"], statement=fields["statement"], quote=fields["quote"]))
    return tuple(claims)


# The table of field parsers: each front matter field has exactly one function.
FIELDS = {
    "title": (True, _f_title),
    "url": (True, _f_url),
    "capture": (True, _f_capture),
    "date": (False, _f_date),
    "date_precision": (True, _f_choice("date_precision", DATE_PRECISIONS)),
    "date_evidence": (True, _f_text("date_evidence")),
    "publisher": (True, _f_source_id),
    "original": (False, _f_original),
    "credit": (False, _f_text("credit", required=False)),
    "language": (False, _f_language),
    "people": (False, _f_people),
    "claims": (False, _f_claims),
    "author": (False, _f_text("author", required=False)),
    "captured": (False, _f_captured),
    "archive": (False, _f_archive),
    "reprint_of": (False, _f_slug_list("reprint_of")),
    "not_reprint_of": (False, _f_slug_list("not_reprint_of")),
}


def date_consistency(values, report) -> PubDate:
    iso, precision = values.get("date"), values.get("date_precision")
    evidence = values.get("date_evidence") or ""
    if precision is None:
        return PubDate(iso, "unknown", evidence)
    expected = {"day": 10, "month": 7, "year": 4, "unknown": None}[precision]
    if iso is None and expected is not None:
        report.error("date", f"missing, but date_precision is '{precision}'",
                     "give the date, or set date_precision: unknown")
    elif iso is not None and expected is None:
        report.error("date_precision", f"is 'unknown' but a date ({iso}) is given",
                     "set the precision to day, month or year")
    elif iso is not None and len(iso) != expected:
        report.error("date_precision", f"'{precision}' does not match the date {iso}",
                     "a day date is YYYY-MM-DD, a month YYYY-MM, a year YYYY")
    elif iso is not None and iso > _dt.date.today().isoformat()[: len(iso)]:
        report.error("date", f"{iso} is in the future", "check the year")
    return PubDate(iso, precision, evidence)
