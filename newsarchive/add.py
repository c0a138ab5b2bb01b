"""`add CAPTURE` (build.py add, newsarchive add): keep a capture and write its article(s).

A capture is a page's text (.txt, with --url), a saved page (.html, .html.gz) or a web archive
(.warc, .warc.gz, .wacz), whose every HTML response holding an article is added. One flow for all:

1. Read the capture into pages (capture/ for saved pages and archives; a text capture is one page)
   and check each: readable, an address, not already archived (same address or same bytes).
2. Extract each page's metadata (extract/, or capture/fields.py for a page's HTML), compose its
   article file (compose.py), and append any new actor or source to the registries with a `review:` line
   (the loader accepts it and warns until a person deletes it).
3. Validate the result by loading a scratch copy of the archive with every new file in it.
4. Only then write: the captures, the articles, the registries, each through a temporary file
   and os.replace. With --dry-run nothing is written.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import extract as ex
from .capture import CaptureError, CapturedPage, kind_of, read_stored, text_capture
from .extract.roles import site_lines
from .extract.outlet import host_of
from . import lock
from .config import Config
from .load import ACTORS_FILE, CAPTURES_DIR, SOURCES_FILE, load_archive, read_text_file
from .model import Diagnostic
from .compose import (actor_entries, choose_capture_name, choose_slug, compose_page_article, compose_registry,
                      source_entries)



class AddError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(f"{len(diagnostics)} problem(s)")
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class AddResult:
    status: str  # "added", "dry-run" or "already-archived"
    message: str
    summary: str = ""  # the review summary
    preview: str = ""  # the article file as it would be written (dry run)


@dataclass(frozen=True)
class Plan:
    """One new article: its slug, its capture's name and its file (the registries are the run's)."""

    slug: str
    capture_name: str
    article_text: str


# --- checks ---------------------------------------------------------------------------------

def _check_url(url: str) -> list[Diagnostic]:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [Diagnostic("--url", None, "url", f"not a web address: {url!r}",
                           "give the full address the page was captured from, https://...")]
    return []


def _read_capture(path: Path) -> tuple[str, bytes]:
    problems: list[Diagnostic] = []
    shown = str(path)
    text = read_text_file(path, shown, problems, "capture", project=None)
    if text is not None:
        controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
        if controls > max(2, len(text) // 200):
            problems.append(Diagnostic(shown, None, None, f"capture holds {controls} control characters; "
                                       "it looks binary", "save the page as plain text"))
    if problems:
        raise AddError([p if p.hint else Diagnostic(p.path, p.line, p.field, p.message,
                                                    "save the page's text as a UTF-8 .txt file and add that")
                        for p in problems])
    return text, path.read_bytes()


def normalized_address(url: str) -> str:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    path = re.sub(r"/+$", "", parts.path) or "/"
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def _same_site_captures(archive, articles_dir: Path, url: str) -> list[str]:
    """The texts of the archived captures taken from the same site as `url`."""
    host = host_of(url)
    texts = []
    for article in archive.articles:
        kept = articles_dir / article.capture
        if host_of(article.url) == host and kept.is_file():
            texts.append(stored_text(kept))
    return texts


def stored_text(kept: Path) -> str:
    """A stored capture's text: the file itself, or a saved page's text as a reader copies it."""
    try:
        return read_stored(kept, "").text
    except CaptureError:
        return ""


# --- the command ------------------------------------------------------------------------------

def _write_atomic(path: Path, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _write_article(articles: Path, planned: Plan, data: bytes) -> list[str]:
    """One article's capture (unless it is already there, saved into captures/ first) and file."""
    written = []
    capture = articles / CAPTURES_DIR / planned.capture_name
    capture.parent.mkdir(exist_ok=True)  # an archive whose captures/ folder git did not keep
    if not (capture.exists() and capture.read_bytes() == data):
        _write_atomic(capture, data)
        written.append(f"{CAPTURES_DIR}/{planned.capture_name}")
    _write_atomic(articles / f"{planned.slug}.md", planned.article_text.encode("utf-8"))
    written.append(f"{planned.slug}.md")
    return written


def add(config: Config, capture: Path, url: str | None, dry_run: bool = False, progress=None) -> AddResult:
    """Add a capture: a text capture (.txt, needs `url`), a saved page (.html, .html.gz; `url` or
    the page's canonical address) or a web archive (.warc, .warc.gz, .wacz; each record's own
    address). `progress(done)` is called as archive records are read."""
    kind = kind_of(capture)
    if kind == "text" and not (url or "").strip():
        raise AddError([Diagnostic("--url", None, "url", f"{capture}: a text capture needs the address it was "
                                   "captured from", "add --url https://... (a saved .html page may leave it out "
                                   "when it names its canonical address)")])
    if kind in ("warc", "wacz") and url:
        raise AddError([Diagnostic("--url", None, "url", f"{capture}: --url does not apply to a web archive; "
                                   "each record carries the address it was captured from", "leave --url out")])
    # No build may read the articles while we change them, and no other add may run.
    with lock.hold(config.articles, "an add"):
        return _add_pages(config, capture, kind, url, dry_run, progress)


# --- the review summary -----------------------------------------------------------------------

def _shorten(text: str, width: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 1] + "…"


def review_summary(result: ex.Extraction, planned: Plan, articles_name: str) -> str:
    flag = {True: "  ", False: "! "}
    rows = [f"{articles_name}/{planned.slug}.md  (capture {CAPTURES_DIR}/{planned.capture_name})",
            "  field       value / evidence   ('!' = low confidence: check it)"]

    def row(name, found, shown):
        rows.append(f"{flag[found.confident]}{name:<11} {_shorten(shown)}")
        rows.append(f"  {'':<11}   {_shorten(found.evidence, 110)}")

    body: ex.Body = result["body"].value
    row("title", result["title"], result["title"].value)
    date = result["date"].value
    row("date", result["date"], f"{date.iso or '(unknown)'} ({date.precision})")
    row("publisher", result["publisher"], result["publisher"].value)
    original = result["original"].value
    row("original", result["original"], "(none)" if original is None else
        f"{original.source} ({original.relation})" + (f" -> {original.article}" if original.article else ""))
    if result["credit"].value:
        row("credit", result["credit"], result["credit"].value)
    row("people", result["people"], ", ".join(result["people"].value) or "(none)")
    claims = result["claims"].value
    rows.append(f"{flag[result['claims'].confident]}{'claims':<11} {len(claims)} found")
    for claim in claims:
        who = claim.speaker if claim.speaker != "unnamed" else f"unnamed ({claim.speaker_label})"
        rows.append(f"{flag[claim.confident]}{'':<11} {claim.id}: {who} {claim.stance}: "
                    f"{_shorten(claim.quote, 60)}")
    row("body", result["body"], f"{len(body.paragraphs)} paragraphs kept, {len(body.removed)} lines left out")
    for line, reason in body.removed:
        rows.append(f"  {'':<11}   left out line {line.number} ({reason}): {_shorten(line.text, 50)}")
    for source in result.new_sources:
        rows.append(f"! NEW SOURCE {source.id}: {source.name} ({', '.join(source.domains) or 'no domain'}, "
                    f"{source.kind}) appended to {SOURCES_FILE} for review; {source.evidence}")
    for actor in result.new_actors:
        rows.append(f"! NEW ACTOR  {actor.id}: {actor.name}, {actor.role} - appended to {ACTORS_FILE} "
                    f"for review; {actor.evidence}")
    return "\n".join(rows)


# --- saved pages and web archives ----------------------------------------------------------------

MAX_SKIPPED_SHOWN = 200  # a crawl's thousands of images are counted, the first ones listed


@dataclass(frozen=True)
class _Planned:
    """One page to add: its article and registries, its capture spooled to a temporary file (a
    crawl's pages are not held in memory until the end), its review summary."""

    plan: Plan
    spooled: Path
    summary: str

    @property
    def data(self) -> bytes:
        return self.spooled.read_bytes()


def page_summary(page, result: ex.Extraction, plan: Plan, articles_name: str) -> str:
    """The review summary of a text capture, with where the page's address, author and capture
    time came from."""
    rows = review_summary(result, plan, articles_name).split("\n")
    sure = page.address_from != "" and "canonical" not in page.address_from
    extra = [f"{'  ' if sure else '! '}{'address':<11} {_shorten(page.url)}",
             f"  {'':<11}   {page.address_from}" + ("" if sure else "; a syndicated copy may name its "
                                                     "original's address here: check it")]
    author = result.fields.get("author")
    if author is not None:
        extra += [f"  {'author':<11} {_shorten(author.value or '(none)')}", f"  {'':<11}   {author.evidence}"]
    if page.provenance is not None:
        record = page.provenance
        extra += [f"  {'captured':<11} {record.captured} (not the publication date)",
                  f"  {'':<11}   {record.file}, record {record.record}, payload digest {record.payload_digest}"]
    elif page.saved_at:
        extra += [f"  {'captured':<11} {page.saved_at} (not the publication date)",
                  f"  {'':<11}   SingleFile's 'saved date' in the page"]
    return "\n".join(rows[:2] + extra + rows[2:])


def _fail(where, message: str, hint: str = "") -> AddError:
    return AddError([Diagnostic(str(where), None, None, message, hint)])


def _read_page_file(path: Path, url: str | None):
    """The one saved page of `add PAGE.html`, read; every problem an AddError naming the file."""
    from .capture.html import MAX_PAGE_BYTES, read_page

    if not path.is_file():
        raise _fail(path, "capture is missing")
    size = path.stat().st_size
    if size > MAX_PAGE_BYTES:
        raise _fail(path, f"the page is {size:,} bytes, over the {MAX_PAGE_BYTES:,}-byte limit",
                    "is this one saved article? save the page without embedded media")
    if url:
        problems = _check_url(url)
        if problems:
            raise AddError(problems)
    try:
        page = read_page(path.read_bytes(), str(path), (url or "").strip())
    except CaptureError as failure:
        raise _fail(failure.where, failure.message, failure.hint)
    if url:
        from dataclasses import replace
        page = replace(page, address_from="given with --url")
    if not page.url:
        raise _fail(path, "the page names no address of its own (no <link rel=\"canonical\">, no og:url, no "
                          "address written by the tool that saved it)",
                    "give the address it was saved from: --url https://...")
    return page


def _read_text_file(path: Path, url: str) -> CapturedPage:
    """The text capture of `add CAPTURE.txt --url ADDRESS`, read and checked."""
    problems = _check_url(url)
    if problems:
        raise AddError(problems)
    text, data = _read_capture(path)
    return text_capture(data, text, url.strip(), address_from="given with --url")


def _pages(path: Path, kind: str, url: str | None):
    """The pages a capture holds: one for a text capture or a saved page, each HTML response of an archive."""
    if kind == "text":
        yield _read_text_file(path, url or "")
        return
    if kind == "html":
        yield _read_page_file(path, url)
        return
    from .capture.archive import read_archive

    if not path.is_file():
        raise _fail(path, "capture is missing")
    yield from read_archive(path)


class _Batch:
    """What the pages added so far in this run have proposed: slugs, capture numbers, registries."""

    def __init__(self, config: Config, archive):
        self.config, self.archive = config, archive
        self.sources = dict(archive.sources)
        self.actors = dict(archive.actors)
        self.sources_text: str | None = None
        self.actors_text: str | None = None
        self.taken = {a.slug for a in archive.articles} | {p.stem for p in config.articles.glob("*.md")}
        self.addresses: dict[str, str] = {}  # normalised address -> where it is archived
        self.digests: dict[str, str] = {}  # sha256 of a capture -> where it is archived
        for article in archive.articles:
            shown = f"{config.articles.name}/{article.slug}.md"
            self.addresses.setdefault(normalized_address(article.url), f"{shown} ({article.url})")
            kept = config.articles / article.capture
            if kept.is_file():
                self.digests.setdefault(hashlib.sha256(kept.read_bytes()).hexdigest(),
                                        f"{config.articles.name}/{article.capture} ({shown})")
        self.last_number = -1
        self.site_texts: dict[str, dict] = {}

    def duplicate(self, page) -> str | None:
        where = self.addresses.get(normalized_address(page.url))
        if where:
            return f"the address is already archived as {where}"
        where = self.digests.get(hashlib.sha256(page.data).hexdigest())
        if where:
            return f"this capture is already archived as {where}"
        return None

    def registry(self, url: str) -> ex.Registry:
        host = host_of(url)
        if host not in self.site_texts:
            self.site_texts[host] = site_lines(_same_site_captures(self.archive, self.config.articles, url))
        return ex.Registry(self.actors, self.sources, self.archive.articles, self.site_texts[host])

    def plan(self, page, result: ex.Extraction, saved: Path | None = None) -> Plan:
        """`saved`: the page file, when the user saved it into captures/ first (it keeps its name)."""
        from .model import Actor, Source

        publisher = result["publisher"].value
        slug = choose_slug(result["title"].value, self.taken, publisher)
        captures = self.config.articles / CAPTURES_DIR
        if saved is not None and saved.resolve().parent == captures.resolve():
            capture_name = saved.name
        else:
            capture_name = choose_capture_name(captures, page.data, page.suffix, self.last_number)
            self.last_number = int(capture_name.split("_", 1)[0])
        article_text = compose_page_article(result, page, capture_name)
        names = {s.id: s.name for s in (*self.sources.values(), *result.new_sources)}
        if result.new_actors:
            existing = self.actors_text or (self.config.articles / ACTORS_FILE).read_text(encoding="utf-8")
            self.actors_text = compose_registry(existing, actor_entries(result.new_actors, result["title"].value,
                                                                         names[publisher]), slug)
            for a in result.new_actors:
                self.actors[a.id] = Actor(a.id, a.name, a.aliases, a.role, "", a.evidence)
        if result.new_sources:
            existing = self.sources_text or (self.config.articles / SOURCES_FILE).read_text(encoding="utf-8")
            self.sources_text = compose_registry(existing, source_entries(result.new_sources), slug)
            for n in result.new_sources:
                self.sources[n.id] = Source(n.id, n.name, n.domains, n.kind)
        self.taken.add(slug)
        shown = f"{self.config.articles.name}/{slug}.md"
        self.addresses[normalized_address(page.url)] = f"{shown} ({page.url}), added in this run"
        self.digests[hashlib.sha256(page.data).hexdigest()] = \
            f"{CAPTURES_DIR}/{capture_name} ({shown}), added in this run"
        return Plan(slug, capture_name, article_text)  # the registries: self.*_text, written last


def _add_pages(config: Config, path: Path, kind: str, url: str | None, dry_run: bool, progress) -> AddResult:
    archive, found = load_archive(config.articles, config.project)
    if archive is None:
        raise AddError([p for p in found if p.severity == "error"] + [Diagnostic(
            str(config.articles), None, None, "the archive has problems; nothing was added",
            "fix the problems above (a build lists them), then add again")])
    batch = _Batch(config, archive)
    single = kind in ("text", "html")  # one page: its problems are errors, not skipped records
    with tempfile.TemporaryDirectory(prefix="newsarchive-add-") as spool:
        return _add_pages_spooled(config, path, kind, url, dry_run, progress, batch, Path(spool), single)


def _add_pages_spooled(config, path, kind, url, dry_run, progress, batch, spool: Path, single: bool) -> AddResult:
    from .capture import Skipped
    from .capture.fields import extract_capture

    planned: list[_Planned] = []
    skipped: list[str] = []  # pages not added (already archived, no article): every one listed
    records: list[str] = []  # other records (images, scripts, redirects...): the first ones listed
    more: Counter = Counter()  # the rest, counted by what they are
    try:
        for number, item in enumerate(_pages(path, kind, url), 1):
            if progress is not None:
                progress(number)
            if isinstance(item, Skipped):
                if len(records) < MAX_SKIPPED_SHOWN:
                    records.append(f"{item.where} {item.url}: {item.reason}")
                else:
                    more[item.reason.split(" (")[0]] += 1
                continue
            where = f"{item.provenance.file} record {item.provenance.record}" if item.provenance else str(path)
            duplicate = batch.duplicate(item)
            if duplicate:
                if single:
                    return AddResult("already-archived", f"{duplicate}; nothing changed")
                skipped.append(f"{where} {item.url}: {duplicate}")
                continue
            registry = batch.registry(item.url)
            result = extract_capture(item, registry)
            if not result["body"].value.paragraphs:
                if single:
                    raise _fail(path, "no article text found in the capture",
                                "is this a saved news page? paragraphs of sentences are looked for")
                skipped.append(f"{where} {item.url}: no article text found (not an article page)")
                continue
            plan_ = batch.plan(item, result, path if single else None)
            spooled = spool / f"{len(planned)}{item.suffix}"
            spooled.write_bytes(item.data)
            planned.append(_Planned(plan_, spooled, page_summary(item, result, plan_, config.articles.name)))
    except CaptureError as failure:
        raise _fail(failure.where, failure.message, failure.hint)
    skip_text = "".join(f"\nskipped {line}" for line in records + skipped)
    if more:
        skip_text += (f"\nskipped {sum(more.values())} more records, not pages ("
                      + "; ".join(f"{what}: {count}" for what, count in more.most_common()) + ")")
    skipped_count = len(skipped) + len(records) + sum(more.values())
    if not planned:
        status = "already-archived" if skipped and all("already archived" in s for s in skipped) else "nothing"
        return AddResult(status, f"{path}: no new article found; nothing changed{skip_text}")
    _validate_all(config, planned, batch)
    summary = "\n\n".join(p.summary for p in planned)
    counts = f"{len(planned)} article(s) from {path.name}" + (f", {skipped_count} record(s) skipped"
                                                                if skipped_count else "")
    preview = "\n".join(p.plan.article_text for p in planned)
    if dry_run:
        return AddResult("dry-run", "dry run: " + ("" if single else f"{counts}; ") + f"nothing was written{skip_text}",
                         summary, preview)
    written = _write_pages(config.articles, planned, batch)
    shown = ", ".join(f"{config.articles.name}/{w}" for w in written)
    where = f"{config.articles.name}/{planned[0].plan.slug}.md" if single else "the new articles"
    return AddResult("added", ("" if single else f"added {counts}\n") + f"wrote {shown}{skip_text}\n"
                              f"review the fields above in {where}, then build the site again "
                              "(python build.py, or newsarchive build)", summary)


def _write_pages(articles: Path, planned: list[_Planned], batch: _Batch) -> list[str]:
    """The captures and articles, then the registries holding every proposal of the run."""
    written = []
    for item in planned:
        written += _write_article(articles, item.plan, item.data)
    for name, text in ((SOURCES_FILE, batch.sources_text), (ACTORS_FILE, batch.actors_text)):
        if text is not None:
            _write_atomic(articles / name, text.encode("utf-8"))
            written.append(name)
    return written


def _validate_all(config: Config, planned: list[_Planned], batch: _Batch) -> None:
    """Load a scratch copy of the archive holding every new file; any error stops the add."""
    with tempfile.TemporaryDirectory(prefix="newsarchive-add-") as scratch:
        root = Path(scratch)
        articles = root / config.articles.name
        shutil.copytree(config.articles, articles, symlinks=True)
        _write_pages(articles, planned, batch)
        archive, problems = load_archive(articles, root)
        errors = [p for p in problems if p.severity == "error"]
        if archive is None or errors:
            raise AddError(errors + [Diagnostic(
                f"{config.articles.name}/{planned[0].plan.slug}.md", None, None,
                "the extracted article(s) do not pass validation; nothing was written",
                "please report this capture; meanwhile add the article by hand (see README)")])
