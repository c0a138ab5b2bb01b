"""One capture extracted and scored: a row per page of either layout, and the own corpus's truth."""

from __future__ import annotations

import datetime as _dt
import traceback
import yaml
from ..extract import Page, Registry, extract
from .judge import (Gold, benchmark_date, body_scores, gold_days, name_words, normalise_title, one_day_off,
                    outlet_right, own_date, people_scores, title_right, ws)
from .targets import CorpusError
from dataclasses import dataclass, field
from pathlib import Path

# --- running extraction on one capture ----------------------------------------------------------

@dataclass
class Extracted:
    body: str = ""
    paragraphs: int = 0
    title: str | None = None
    date_iso: str | None = None
    date_precision: str = "unknown"
    date_evidence: str = ""
    outlet: str | None = None  # the publisher's name
    people: list[str] = field(default_factory=list)
    refused: str = ""  # why the capture would be refused ("" when it is not)
    error: str = ""  # the exception extraction raised, with where


def read_capture(path: Path) -> tuple[str | None, str]:
    """(text, "") or (None, why add would refuse the file)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    if controls > max(2, len(text) // 200):
        return None, f"looks binary ({controls} control characters)"
    return text, ""


def run_extraction(text: str | None, url: str, unreadable: str = "") -> Extracted:
    """Extract one capture with an empty registry; never raises."""
    out = Extracted()
    if text is None:
        out.refused = unreadable or "unreadable"
        return out
    try:
        _fill(out, extract(Page(text, url), Registry({}, {}, ())))
    except Exception as failure:  # measured, not hidden: counted and named in the notes
        frames = traceback.extract_tb(failure.__traceback__)
        where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name}" if frames else ""
        out.error = f"{type(failure).__name__}: {failure}{where}"
    return out


def run_html_extraction(data: bytes, url: str, name: str) -> Extracted:
    """Read one saved page as `add PAGE.html` does and extract it with an empty registry; never raises."""
    from ..capture import CaptureError
    from ..capture.fields import extract_page
    from ..capture.html import read_page

    out = Extracted()
    try:
        page = read_page(data, name, url)
    except CaptureError as failure:
        out.refused = failure.message
        return out
    try:
        result = extract_page(page, Registry({}, {}, ()))
    except Exception as failure:  # measured, not hidden: counted and named in the notes
        frames = traceback.extract_tb(failure.__traceback__)
        where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name}" if frames else ""
        out.error = f"{type(failure).__name__}: {failure}{where}"
        return out
    return _fill(out, result)


def _fill(out: Extracted, result) -> Extracted:
    paragraphs = result["body"].value.paragraphs
    out.paragraphs = len(paragraphs)
    out.body = "\n".join(p.text for p in paragraphs)
    if not paragraphs:
        out.refused = "no article text found"
    out.title = result["title"].value
    date = result["date"].value
    out.date_iso, out.date_precision, out.date_evidence = date.iso, date.precision, result["date"].evidence
    sources = {s.id: s.name for s in result.new_sources}
    publisher = result["publisher"].value
    out.outlet = sources.get(publisher, publisher)
    actors = {a.id: a.name for a in result.new_actors}
    out.people = [actors.get(i, i) for i in result["people"].value]
    return out


# --- one row per page ---------------------------------------------------------------------------

@dataclass
class PageRow:
    id: str
    url: str
    body_precision: float | None = None  # benchmark
    body_recall: float | None = None
    body: bool | None = None  # own corpus: starts and ends as the truth says
    title: bool | None = None  # None: no truth to compare with
    date: str | None = None  # right / wrong / unknown / coarse, None: no truth
    outlet: bool | None = None
    people: bool | None = None
    people_found: int = 0
    refused: bool = False
    traceback: bool = False
    notes: list[str] = field(default_factory=list)


def _common_notes(row: PageRow, got: Extracted) -> None:
    if got.error:
        row.traceback = True
        row.notes.append(f"traceback: {got.error}")
    elif got.refused:
        row.refused = True
        row.notes.append(f"refused: {got.refused}")


def _short(text: str | None, width: int = 90) -> str:
    text = ws(text or "")
    return text if len(text) <= width else text[:width - 1] + "…"


def score_benchmark_page(page_id: str, url: str, truth_body: str, got: Extracted, gold: Gold) -> PageRow:
    row = PageRow(page_id, url)
    _common_notes(row, got)
    row.body_precision, row.body_recall = body_scores(got.body, truth_body)
    if row.body_precision < 0.9:
        row.notes.append(f"body: precision {row.body_precision:.2f}; starts {_short(got.body, 70)!r}")
    if row.body_recall < 0.9:
        row.notes.append(f"body: recall {row.body_recall:.2f}; marked body starts {_short(truth_body, 70)!r}")
    row.title = title_right(got.title, gold, url)
    if row.title is False:
        gold_shown = gold.h1[0] if gold.h1 else gold.og_title or gold.title
        row.notes.append(f"title: got {_short(got.title)!r}, page has {_short(gold_shown)!r}")
    row.date = benchmark_date(got.date_iso, got.date_precision, gold.date, gold.date_printed)
    if row.date == "disputed":
        row.notes.append(f"date: got {got.date_iso}, as the page prints it ({gold.date_printed}); its "
                         f"{gold.date_from} says {gold.date}, identical to its dateModified")
    if row.date in ("wrong", "unknown"):
        off = ""
        if row.date == "wrong" and got.date_precision == "day" and one_day_off(got.date_iso, gold_days(gold.date)):
            off = "; one day off"
        row.notes.append(f"date: got {got.date_iso or 'none'} ({got.date_precision}; {_short(got.date_evidence, 60)}), "
                         f"page states {gold.date} ({gold.date_from}{off})")
    row.outlet = outlet_right(got.outlet, gold.outlet)
    if row.outlet is False:
        row.notes.append(f"outlet: got {got.outlet!r}, og:site_name {gold.outlet!r}")
    row.people_found = len(got.people)
    return row


@dataclass(frozen=True)
class Truth:
    """One entry of the own corpus's truth.yaml."""

    id: str
    url: str
    title: str
    date: str | None
    date_precision: str
    outlet: str | None
    domain: str | None
    people: tuple[str, ...]
    not_people: tuple[str, ...]
    body_first: str
    body_last: str
    copies: str | None
    credited: str | None
    story: str = ""
    language: str = ""
    title_in_capture: bool = True  # False: the title is the address's words, compared loosely
    outlet_in_capture: bool | None = None  # True: the capture prints the name, the domain's word is not enough
    reprint_group: str | None = None  # captures carrying one text: a relation between any two is right
    partial_overlap_with: tuple[str, ...] = ()  # a relation with these is neither required nor false


def _plain(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    return str(value).strip() or None


def read_truth(path: Path) -> list[Truth]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as failure:
        raise CorpusError(f"{path}: cannot read it: {failure}")
    if not isinstance(data, list):
        raise CorpusError(f"{path}: expected a list of captures, one entry each")
    entries = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict) or not item.get("id") or not item.get("url"):
            raise CorpusError(f"{path}: entry {number} needs at least an id and a url")
        date = _plain(item.get("date"))
        precision = _plain(item.get("date_precision")) or (
            "unknown" if not date else {10: "day", 7: "month", 4: "year"}.get(len(date), "day"))
        entries.append(Truth(
            id=str(item["id"]), url=str(item["url"]), title=_plain(item.get("title")) or "",
            date=date, date_precision=precision, outlet=_plain(item.get("outlet")), domain=_plain(item.get("domain")),
            people=tuple(str(p) for p in item.get("people") or ()),
            not_people=tuple(str(p) for p in item.get("not_people") or ()),
            body_first=_plain(item.get("body_first")) or "", body_last=_plain(item.get("body_last")) or "",
            copies=_plain(item.get("copies")), credited=_plain(item.get("credited")),
            story=_plain(item.get("story")) or "",
            language=_plain(item.get("language")) or "", title_in_capture=item.get("title_in_capture") is not False,
            outlet_in_capture=item.get("outlet_in_capture") if isinstance(item.get("outlet_in_capture"), bool) else None,
            reprint_group=_plain(item.get("reprint_group")),
            partial_overlap_with=tuple(str(x) for x in item.get("partial_overlap_with") or ())))
    return entries


def score_own_page(truth: Truth, got: Extracted) -> PageRow:
    row = PageRow(truth.id, truth.url)
    _common_notes(row, got)
    if not truth.title:
        row.title = None  # neither a headline nor words in the address: nothing to compare with
    elif truth.title_in_capture:
        row.title = normalise_title(got.title or "") == normalise_title(truth.title)
    else:  # the address's words: compared as words, case and accents folded
        row.title = name_words(got.title or "") == name_words(truth.title)
    if row.title is False:
        how = "" if truth.title_in_capture else " (from the address)"
        row.notes.append(f"title: got {_short(got.title)!r}, truth{how} {_short(truth.title)!r}")
    row.date = own_date(got.date_iso, got.date_precision, truth.date, truth.date_precision)
    if row.date != "right":
        row.notes.append(f"date: got {got.date_iso or 'none'} ({got.date_precision}; {_short(got.date_evidence, 60)}), "
                         f"truth {truth.date or 'none'} ({truth.date_precision})")
    # The domain's name is right too, unless the truth says the capture prints the outlet's own name.
    row.outlet = outlet_right(got.outlet, truth.outlet, None if truth.outlet_in_capture else truth.domain)
    if row.outlet is False:
        row.notes.append(f"outlet: got {got.outlet!r}, truth {truth.outlet!r} ({truth.domain})")
    precision, recall = people_scores(got.people, list(truth.people))
    row.people = precision == recall == 1.0
    if not got.people and truth.language not in ("", "en"):
        row.people = True  # issue 12: people may stay empty on pages in other languages
        if truth.people:
            row.notes.append(f"people: none found, allowed in language {truth.language!r}")
    row.people_found = len(got.people)
    if not row.people:
        row.notes.append(f"people: P {precision:.2f} R {recall:.2f}; got {got.people}, truth {list(truth.people)}")
    careless = [p for p in got.people if any(name_words(p) == name_words(n) for n in truth.not_people)]
    if careless:
        row.notes.append(f"people: took {careless} (not people)")
    body = ws(got.body)
    starts, ends = body.startswith(ws(truth.body_first)), _ends_with(body, ws(truth.body_last))
    row.body = bool(truth.body_first and truth.body_last) and starts and ends
    if not row.body:
        if not starts:
            row.notes.append(f"body: starts {_short(body, 70)!r}, truth {_short(truth.body_first, 70)!r}")
        if not ends:
            row.notes.append(f"body: ends {body[-70:]!r}, truth {_short(truth.body_last, 70)!r}")
    return row


_NOTE_WORDS = 10  # an editor's note or agency tag after the last paragraph's words: "(MORE)", "PTI"


def _ends_with(body: str, last: str) -> bool:
    """Whether the body ends with the truth's last words, an editor's note or agency tag
    glued after them on the same line ("... police said. PTI", "This is a developing story.")
    aside: they are the capture's words, neither article text missed nor chrome taken."""
    at = body.rfind(last) if last else -1
    return at >= 0 and len(body[at + len(last):].split()) <= _NOTE_WORDS
