"""Read the articles and the two registries, validate them, and collect every problem.

Nothing is written until everything here has passed (see pipeline.build), so a bad article
never leaves half a site.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import os
import re
from dataclasses import dataclass, field
from hashlib import blake2b
from pathlib import Path
from urllib.parse import urlsplit

import frontmatter

from . import markup, safeyaml
from . import workers as pool
from .incremental import article_digest
from .paths import display_path, is_within
from .model import (
    DATE_PRECISIONS, ORIGINAL_RELATIONS, SOURCE_KINDS, STANCES, UNNAMED,
    Actor, Article, Claim, Diagnostic, Original, PubDate, Source, WebArchiveRecord,
)
from .capture import HTML_SUFFIXES  # a saved page's capture: read in its own encoding, gunzipped
from .text import fold_for_search, slugify

ACTORS_FILE = "actors.yaml"
SOURCES_FILE = "sources.yaml"
CAPTURES_DIR = "captures"
REVIEW = "review"  # registry field marking an entry that `build.py add` proposed
MAX_FILE_BYTES = 2_000_000  # a long article is ~100 kB; anything far bigger is a mistake
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FRONTMATTER_HANDLER = frontmatter.YAMLHandler()
PARALLEL_MIN = 400  # fewer articles to parse than this take longer to hand to worker processes


@dataclass(frozen=True)
class Archive:
    articles: tuple[Article, ...]
    actors: dict[str, Actor]
    sources: dict[str, Source]
    warnings: tuple[Diagnostic, ...]
    # path -> (digest of everything the article was parsed from, article, its diagnostics,
    # its line map, incremental.article_digest): what the next build may reuse
    parsed: dict = field(default_factory=dict, repr=False, compare=False)


class _Report:
    """Collects diagnostics for one file, so each check reads as one line."""

    def __init__(self, path: str, lines: safeyaml.Lines, sink: list[Diagnostic]):
        self.path, self.lines, self.sink = path, lines, sink

    def error(self, field, message, hint="", *keys):
        key_path = keys or ((field,) if field else ())
        self.sink.append(Diagnostic(self.path, self.lines.of(*key_path), field, message, hint))

    def warn(self, field, message, hint="", *keys):
        key_path = keys or ((field,) if field else ())
        self.sink.append(Diagnostic(self.path, self.lines.of(*key_path), field, message, hint,
                                    severity="warning"))


def _did_you_mean(value: str, known) -> str:
    close = difflib.get_close_matches(str(value), sorted(known), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def link_leaves_project(path: Path, project: Path) -> Path | None:
    """Where a symbolic link at `path` leads when that is outside the project, else None."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    return None if is_within(target, project) else target


def check_links(folder: Path, project: Path, problems: list[Diagnostic]) -> None:
    """Report every symbolic link under `folder` that leads outside the project."""
    if not folder.is_dir():
        return
    for current, folders, files in os.walk(folder):
        for name in sorted(folders + files):
            path = Path(current) / name
            target = link_leaves_project(path, project)
            if target is not None:
                problems.append(Diagnostic(display_path(path, project), None, None,
                                           f"symbolic link leading outside the project ({target}); not followed",
                                           "copy the file into the project instead of linking to it"))


def read_text_file(path: Path, shown: str, problems: list[Diagnostic], what: str,
                   project: Path | None) -> str | None:
    """Read a UTF-8 text file, or report why not. With a project, a symbolic link leading
    outside it is refused; a file named on the command line (project None) may be anywhere."""
    outside = link_leaves_project(path, project) if project is not None else None
    if outside is not None:
        problems.append(Diagnostic(shown, None, None,
                                   f"{what} is a symbolic link leading outside the project ({outside}); "
                                   "not followed", "copy the file into the project instead of linking to it"))
        return None
    if not path.is_file():
        problems.append(Diagnostic(shown, None, None, f"{what} is missing"))
        return None
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.append(Diagnostic(shown, None, None,
                                   f"{what} is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",
                                   "is this really one article?"))
        return None
    raw = path.read_bytes()
    if not raw.strip():
        problems.append(Diagnostic(shown, None, None, f"{what} is empty"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        problems.append(Diagnostic(shown, None, None, f"{what} is not UTF-8 text (byte {err.start})",
                                   "save the file as UTF-8"))
        return None
    if "\x00" in text:
        problems.append(Diagnostic(shown, None, None, f"{what} contains NUL bytes; it looks binary"))
        return None
    return text


# --- registries -------------------------------------------------------------------------

def _text_field(report, entry, key, keypath, required=True) -> str:
    value = entry.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            report.error(key, "missing or empty", f"add '{key}: ...'", *keypath)
        return ""
    if not isinstance(value, str):
        report.error(key, f"expected text, got {value!r}", _type_hint(value) or "put the value in quotes",
                     *(keypath + (key,)))
        return ""
    return value.strip()


def _text_list(report, entry, key, keypath) -> tuple[str, ...]:
    value = entry.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        report.error(key, "expected a list of text values", f"write '{key}: [a, b]'", *(keypath + (key,)))
        return ()
    return tuple(v.strip() for v in value)


def _review_note(report, entry, entry_id) -> None:
    """An entry proposed by `build.py add` carries `review:` until a person has checked it."""
    if REVIEW not in entry:
        return
    note = entry[REVIEW]
    if not isinstance(note, str):
        report.error(f"{entry_id}.{REVIEW}", "expected text saying why the entry was proposed", "",
                     entry_id, REVIEW)
        return
    report.warn(f"{entry_id}.{REVIEW}", f"proposed by 'add', not yet reviewed ({' '.join(note.split())})",
                "check the entry against the article, then delete its 'review:' line", entry_id, REVIEW)


def _read_registry(path: Path, project: Path, problems: list[Diagnostic]):
    shown = display_path(path, project)
    text = read_text_file(path, shown, problems, "registry file", project)
    if text is None:
        return {}, None, shown
    data, lines, found = safeyaml.parse(text, shown)
    problems.extend(found)
    if data is None:
        return {}, lines, shown
    if not isinstance(data, dict):
        problems.append(Diagnostic(shown, lines.of(), None, "expected a mapping of id: entry"))
        return {}, lines, shown
    return data, lines, shown


def _registry_entries(path: Path, project: Path, problems: list[Diagnostic], what: str, fields: tuple[str, ...]):
    """Each well-formed entry of a registry as (id, entry, report); bad ids and entries are reported."""
    data, lines, shown = _read_registry(path, project, problems)
    for entry_id, entry in data.items():
        report = _Report(shown, lines, problems)
        if not isinstance(entry_id, str) or not SLUG.match(entry_id):
            report.error(str(entry_id), f"{what} id must be a slug (lowercase letters, digits, hyphens)",
                         f"try '{slugify(str(entry_id))}'", entry_id)
            continue
        if not isinstance(entry, dict):
            report.error(entry_id, "expected " + ", ".join(fields), "", entry_id)
            continue
        for unknown in sorted(set(entry) - set(fields) - {REVIEW}):
            report.warn(f"{entry_id}.{unknown}", "unknown field", "", entry_id, unknown)
        _review_note(report, entry, entry_id)
        yield entry_id, entry, report


def load_actors(path: Path, project: Path, problems: list[Diagnostic]) -> dict[str, Actor]:
    actors: dict[str, Actor] = {}
    by_name_slug: dict[str, str] = {}
    fields = ("name", "aliases", "role", "affiliation", "description")
    for actor_id, entry, report in _registry_entries(path, project, problems, "actor", fields):
        keypath = (actor_id,)
        actor = Actor(
            id=actor_id,
            name=_text_field(report, entry, "name", keypath),
            aliases=_text_list(report, entry, "aliases", keypath),
            role=_text_field(report, entry, "role", keypath),
            affiliation=_text_field(report, entry, "affiliation", keypath, required=False),
            description=_text_field(report, entry, "description", keypath),
        )
        name_slug = slugify(actor.name)
        if name_slug and name_slug in by_name_slug:
            report.error(f"{actor_id}.name",
                         f"name '{actor.name}' gives the same slug as actor '{by_name_slug[name_slug]}'",
                         "merge the two actors or tell them apart in the name", actor_id, "name")
        by_name_slug.setdefault(name_slug, actor_id)
        actors[actor_id] = actor
    return actors


def load_sources(path: Path, project: Path, problems: list[Diagnostic]) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    domain_owner: dict[str, str] = {}
    for source_id, entry, report in _registry_entries(path, project, problems, "source", ("name", "domains", "kind")):
        keypath = (source_id,)
        kind = _text_field(report, entry, "kind", keypath)
        if kind and kind not in SOURCE_KINDS:
            report.error(f"{source_id}.kind", f"unknown kind '{kind}'",
                         "use one of: " + ", ".join(SOURCE_KINDS), source_id, "kind")
        domains = tuple(d.lower() for d in _text_list(report, entry, "domains", keypath))
        for domain in domains:
            if domain in domain_owner:
                report.error(f"{source_id}.domains",
                             f"domain {domain} already belongs to '{domain_owner[domain]}'",
                             "a domain names one outlet", source_id, "domains")
            domain_owner.setdefault(domain, source_id)
        sources[source_id] = Source(id=source_id, name=_text_field(report, entry, "name", keypath),
                                    domains=domains, kind=kind)
    return sources


# --- articles: one parser per front matter field ----------------------------------------

def _type_hint(value) -> str:
    """Why YAML turned what looks like text into something else."""
    if isinstance(value, bool):
        return "YAML reads yes/no/on/off/true/false as true or false: put the value in quotes"
    if isinstance(value, (int, float, _dt.date)):
        return "YAML read this as a number or date: put the value in quotes"
    return ""


def _f_title(value, report, ctx):
    if not isinstance(value, str) or not value.strip():
        report.error("title", f"expected text, got {value!r}", _type_hint(value) or "put the title in quotes")
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
        text = _read_page_capture(ctx["articles_dir"] / relative, value, found, ctx)
    else:
        text = read_text_file(ctx["articles_dir"] / relative, value, found, "capture file", ctx["project"])
    for problem in found:
        report.error("capture", f"{problem.message} ({value})", problem.hint)
    ctx["capture_text"] = text
    return relative.as_posix()


def _read_page_capture(path: Path, shown: str, problems: list[Diagnostic], ctx: dict) -> str | None:
    """A saved page kept as the capture (.html, .html.gz): readable in its own encoding, and its
    bytes kept for the `archive:` payload digest check. Returns its HTML."""
    from .capture import CaptureError
    from .capture.html import MAX_PAGE_BYTES, decode, unpack

    outside = link_leaves_project(path, ctx["project"])
    if outside is not None:
        problems.append(Diagnostic(shown, None, None, f"capture file is a symbolic link leading outside the project "
                                   f"({outside}); not followed", "copy the file into the project instead"))
        return None
    if not path.is_file():
        problems.append(Diagnostic(shown, None, None, "capture file is missing"))
        return None
    if path.stat().st_size > MAX_PAGE_BYTES:
        problems.append(Diagnostic(shown, None, None, f"capture file is over the {MAX_PAGE_BYTES:,}-byte limit"))
        return None
    data = path.read_bytes()
    try:
        html = decode(unpack(data, shown), shown)[0]
    except CaptureError as failure:
        problems.append(Diagnostic(shown, None, None, f"capture file: {failure.message}", failure.hint))
        return None
    ctx["capture_data"] = (shown, data)
    return html


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
    from .capture.archive import digest_matches

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
    kept = ctx.get("capture_data")
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
            report.error(name, f"expected text, got {value!r}", _type_hint(value) or "put the value in quotes")
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
        report.error(field, f"expected a source id, got {value!r}", _type_hint(value)
                     or "use an id from articles/sources.yaml", *keys)
        return None
    if value not in ctx["sources"]:
        report.error(field, f"unknown source id '{value}'",
                     _did_you_mean(value, ctx["sources"]) or "add it to articles/sources.yaml", *keys)
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
        if not isinstance(actor_id, str) or actor_id not in ctx["actors"]:
            report.error("people", f"unknown actor id {actor_id!r}",
                         _did_you_mean(str(actor_id), ctx["actors"]) or "add the person to articles/actors.yaml",
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
        elif speaker and speaker not in ctx["actors"]:
            report.error(f"claims[{index}].speaker", f"unknown actor id '{speaker}'",
                         _did_you_mean(speaker, ctx["actors"]) or f"add them to actors.yaml or use '{UNNAMED}'",
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


def _date_consistency(values, report) -> PubDate:
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


def load_article(path: Path, ctx: dict, problems: list[Diagnostic]) -> Article | None:
    shown = display_path(path, ctx["project"])
    text = read_text_file(path, shown, problems, "article file", ctx["project"])
    if text is None:
        return None
    split = _split_front_matter(text)
    if split is None:
        problems.append(Diagnostic(shown, 1, None, "no front matter",
                                   "start the file with a line '---', the YAML fields, and another '---'"))
        return None
    front, first_line, body, body_line = split
    data, lines, found = safeyaml.parse(front, shown, first_line=first_line)
    problems.extend(found)
    if found and data is None:
        return None
    report = _Report(shown, lines, problems)
    if not isinstance(data, dict):
        report.error(None, "front matter must be a mapping of fields",
                     "write lines such as 'title: ...'")
        return None
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
                    _did_you_mean(unknown, FIELDS) or "known fields: " + ", ".join(FIELDS))
    date = _date_consistency(values, report)
    paragraphs = tuple(block for _, block in markup.blocks(body))
    if not paragraphs:
        problems.append(Diagnostic(shown, body_line, None,
                                   "the article has no body text", "paste the article's text below the front matter"))
    capture_text = ctx.pop("capture_text", None)
    ctx.pop("capture_data", None)
    if capture_text is not None:
        _check_quotes_in_body(values.get("claims", ()), paragraphs, report)
    if any(p.severity == "error" for p in problems[before:]):
        return None
    ctx["lines"][slug] = lines
    return Article(
        slug=slug, path=path, title=values["title"], url=values["url"], capture=values["capture"],
        date=date, publisher=values["publisher"], original=values.get("original"),
        credit=values.get("credit", ""), language=values.get("language", ""), people=values.get("people", ()),
        claims=values.get("claims", ()),
        reprint_of=values.get("reprint_of", ()), not_reprint_of=values.get("not_reprint_of", ()),
        body=body, paragraphs=paragraphs, author=values.get("author", ""), captured=values.get("captured", ""),
        archive=values.get("archive"),
    )


def _check_quotes_in_body(claims, paragraphs, report) -> None:
    if not any(claim.quote for claim in claims):
        return
    folded = fold_for_search("\n".join(paragraphs))
    for index, claim in enumerate(claims):
        if claim.quote and fold_for_search(claim.quote) not in folded:
            report.error(f"claims[{index}].quote", "the quote does not occur in the article body",
                         "copy the sentence verbatim from the body", "claims", index, "quote")


def _parsed_again(location: str, is_link: bool, known, inputs, registries: bytes):
    """The digest of what an article is parsed from, and its earlier parse when that still holds."""
    try:
        digest = inputs.of(location)
        capture = known[1].capture if known and known[1] is not None else None
        parts = [location.encode(), digest, registries, b"link" if is_link else b"file"]
        if capture:
            parts.append(inputs.of(os.path.join(os.path.dirname(location), capture)))
    except OSError:
        return None, None  # gone or unreadable: load_article says what is wrong
    key = blake2b(b"\0".join(parts), digest_size=16).digest()
    return key, (known if known and known[0] == key else None)


def _article_files(articles_dir: Path) -> list[tuple[str, bool]]:
    """Each `*.md` entry of the folder by name, and whether it is a symbolic link: what
    sorted(articles_dir.glob("*.md")) finds, from one read of the folder (globbing and sorting
    Paths cost a third of a second at 10,000 articles; names sort the same as strings)."""
    try:
        with os.scandir(articles_dir) as entries:
            return sorted((entry.name, entry.is_symlink()) for entry in entries if entry.name.endswith(".md"))
    except PermissionError:
        return []  # as Path.glob


REGISTRY_KEY = "registry:"  # how registries are told apart from articles in Archive.parsed


def _registry(loader, path: Path, project: Path, problems: list[Diagnostic], inputs, parsed, now_parsed):
    """A registry, read again only when its content changed since the previous build."""
    if inputs is None or not path.is_file():
        return loader(path, project, problems)
    key = REGISTRY_KEY + str(path)
    digest = inputs.of(path)
    known = (parsed or {}).get(key)
    if known is not None and known[0] == digest:
        result, found = known[1], known[2]
        problems.extend(found)
    else:
        before = len(problems)
        result = loader(path, project, problems)
        found = tuple(problems[before:])
    now_parsed[key] = (digest, result, found)
    return result


def load_archive(articles_dir: Path, project: Path, inputs=None, parsed: dict | None = None,
                 workers: int | None = None, parallel_min: int = PARALLEL_MIN,
                 ) -> tuple[Archive | None, list[Diagnostic]]:
    """Load everything; returns (archive, diagnostics). archive is None when any error was found.

    With `inputs` (incremental.FileDigests) and `parsed` (Archive.parsed of the previous build),
    an article whose file, capture and registries have the same content as then is not parsed
    again. At least `parallel_min` articles to parse are parsed by `workers` processes
    (workers.py)."""
    problems: list[Diagnostic] = []
    if not articles_dir.is_dir():
        problems.append(Diagnostic(display_path(articles_dir, project), None, None, "articles folder is missing",
                                   "create it, or set 'articles:' in config.yaml"))
        return None, problems
    now_parsed = {}
    actors = _registry(load_actors, articles_dir / ACTORS_FILE, project, problems, inputs, parsed, now_parsed)
    sources = _registry(load_sources, articles_dir / SOURCES_FILE, project, problems, inputs, parsed, now_parsed)
    ctx = {"actors": actors, "sources": sources, "articles_dir": articles_dir, "project": project}
    ctx["lines"] = {}
    articles: dict[str, Article] = {}
    registries = b""
    if inputs is not None:
        registries = b"".join(inputs.of(articles_dir / name) if (articles_dir / name).exists() else b"-"
                              for name in (ACTORS_FILE, SOURCES_FILE))
    folder = str(articles_dir)
    files = []  # (name, is_link, location, key, known)
    for name, is_link in _article_files(articles_dir):
        location = os.path.join(folder, name)  # str(articles_dir / name), without making the Path
        key, known = _parsed_again(location, is_link, (parsed or {}).get(location), inputs, registries) \
            if inputs is not None else (None, None)
        files.append((name, is_link, location, key, known))
    fresh = iter(_parse_articles([articles_dir / name for name, _, _, _, known in files if known is None], ctx,
                                 workers, parallel_min))
    for name, is_link, location, key, known in files:
        if known is not None:
            _, article, found, lines, _ = known
            problems.extend(found)
            if article is not None:
                ctx["lines"][article.slug] = lines
        else:
            article, found, lines = next(fresh)
            problems.extend(found)
            if article is not None:
                ctx["lines"][article.slug] = lines
            if key is not None and not any(p.severity == "error" for p in found):
                # now knowing its capture
                key, _ = _parsed_again(location, is_link, (key, article), inputs, registries)
        if key is not None and article is not None:
            summary = known[4] if known is not None else article_digest(article)
            now_parsed[location] = (key, article, found, lines, summary)
        if article is None:
            continue
        if article.slug in articles:
            other = display_path(articles[article.slug].path, project)
            problems.append(Diagnostic(display_path(article.path, project), ctx["lines"][article.slug].of("slug"), "slug",
                                       f"duplicate slug '{article.slug}': {other} has the same one",
                                       "give one of the two articles another slug"))
            continue
        articles[article.slug] = article
    _check_cross_references(articles, ctx["lines"], problems, project)
    errors = [p for p in problems if p.severity == "error"]
    warnings = tuple(p for p in problems if p.severity == "warning")
    if errors:
        return None, problems
    ordered = tuple(articles[slug] for slug in sorted(articles))
    return Archive(ordered, actors, sources, warnings, now_parsed), problems


def _parse_range(state, lo: int, hi: int) -> list[tuple[Article | None, tuple[Diagnostic, ...], object]]:
    """Parse articles lo..hi one by one: each with what was found wrong and its front matter's lines."""
    paths, context = state
    ctx = dict(context, lines={})
    parsed = []
    for path in paths[lo:hi]:
        found: list[Diagnostic] = []
        article = load_article(path, ctx, found)
        parsed.append((article, tuple(found), ctx["lines"].pop(article.slug) if article is not None else None))
    return parsed


def _parse_articles(paths: list[Path], ctx: dict, workers: int | None,
                    parallel_min: int) -> list[tuple[Article | None, tuple[Diagnostic, ...], object]]:
    """Parse the articles not known from the last build; a first build of a large archive
    parses them in worker processes (parsing is most of its loading)."""
    context = {key: value for key, value in ctx.items() if key != "lines"}
    return pool.run(_parse_range, (paths, context), len(paths), workers, parallel_min, smallest=50)


def _check_cross_references(articles: dict[str, Article], lines, problems, project) -> None:
    """Checks that need every article: slugs named in other articles, and shared captures."""
    capture_owner: dict[str, str] = {}
    for article in articles.values():
        refs = [("reprint_of", s) for s in article.reprint_of] + [("not_reprint_of", s) for s in article.not_reprint_of]
        if article.original and article.original.article:
            refs.append(("original.article", article.original.article))
        for name, slug in refs:
            line = lines[article.slug].of(*name.split("."))
            if slug == article.slug:
                problems.append(Diagnostic(display_path(article.path, project), line, name,
                                           "an article cannot reprint itself"))
            elif slug not in articles:
                problems.append(Diagnostic(display_path(article.path, project), line, name,
                                           f"no archived article has the slug '{slug}'",
                                           _did_you_mean(slug, articles) or "use the file name without .md"))
        if article.capture in capture_owner:
            problems.append(Diagnostic(display_path(article.path, project), lines[article.slug].of("capture"), "capture",
                                       f"capture {article.capture} already belongs to {capture_owner[article.capture]}",
                                       "each article keeps its own capture"))
        capture_owner.setdefault(article.capture, article.slug)
