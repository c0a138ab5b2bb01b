"""The whole corpus measured, and the printed report with the targets met or missed."""

from __future__ import annotations

import gzip
import json
from .judge import Gold, harmonic, read_gold
from .pages import (PageRow, read_capture, read_truth, run_extraction, run_html_extraction, score_benchmark_page,
                    score_own_page)
from .relations import Reprints, find_relations, judge_relations
from .targets import BENCHMARK_TARGETS, CorpusError, HTML_TARGETS, OWN_FIELDS, OWN_FIELD_TARGET
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

# --- the whole corpus ---------------------------------------------------------------------------

@dataclass
class CorpusReport:
    layout: str  # "benchmark" or "own"
    folder: str
    rows: list[PageRow]
    reprints: Reprints | None = None
    kind: str = "text"  # which captures were extracted: "text" (text/<id>.txt) or "html" (html/<id>.html.gz)

    # overall figures ------------------------------------------------------------------
    def _share(self, name: str) -> tuple[int, int]:
        judged = [getattr(r, name) for r in self.rows if getattr(r, name) is not None]
        return sum(1 for v in judged if v is True or v == "right"), len(judged)

    @property
    def figures(self) -> dict:
        rows = self.rows
        dates = Counter(r.date for r in rows if r.date is not None)
        figures: dict = {"pages": len(rows),
                         "refusals": sum(r.refused for r in rows),
                         "tracebacks": sum(r.traceback for r in rows),
                         "dates": {"right": dates["right"], "wrong": dates["wrong"], "unknown": dates["unknown"],
                                   "disputed": dates["disputed"], "coarse": dates["coarse"], "no_truth": sum(r.date is None for r in rows)}}
        for name in ("title", "outlet") + (("people", "body") if self.layout == "own" else ()):
            right, judged = self._share(name)
            figures[name] = {"right": right, "judged": judged, "share": right / judged if judged else None}
        if self.layout == "own":
            right, judged = self._share("date")
            figures["date"] = {"right": right, "judged": judged, "share": right / judged if judged else None}
        if self.layout == "benchmark":
            count = len(rows) or 1
            precision = sum(r.body_precision for r in rows) / count
            recall = sum(r.body_recall for r in rows) / count
            figures["body"] = {"precision": precision, "recall": recall, "f1": harmonic(precision, recall)}
        if self.reprints is not None:
            figures["reprints"] = {"found": len(self.reprints.found), "false": len(self.reprints.false),
                                   "missed": len(self.reprints.missed), "reversed": len(self.reprints.reversed),
                                   "undecided": len(self.reprints.undecided)}
        return figures

    @property
    def targets(self) -> list[tuple[str, str, bool]]:
        """(target, measured, met) for every target of this layout."""
        f = self.figures
        if self.layout == "benchmark" and self.kind == "html":
            titles = f["title"]["share"]
            return [(f"body F1 >= {HTML_TARGETS['body_f1']}", f"{f['body']['f1']:.3f}",
                     f["body"]["f1"] >= HTML_TARGETS["body_f1"]),
                    (f"titles >= {HTML_TARGETS['titles']:.0%}", _pct(titles),
                     titles is None or titles >= HTML_TARGETS["titles"]),
                    ("0 refusals", str(f["refusals"]), f["refusals"] == 0),
                    ("0 tracebacks", str(f["tracebacks"]), f["tracebacks"] == 0)]
        if self.layout == "benchmark":
            titles = f["title"]["share"]
            return [(f"body F1 >= {BENCHMARK_TARGETS['body_f1']}", f"{f['body']['f1']:.3f}",
                     f["body"]["f1"] >= BENCHMARK_TARGETS["body_f1"]),
                    (f"body precision >= {BENCHMARK_TARGETS['body_precision']}", f"{f['body']['precision']:.3f}",
                     f["body"]["precision"] >= BENCHMARK_TARGETS["body_precision"]),
                    (f"titles >= {BENCHMARK_TARGETS['titles']:.0%}", _pct(titles),
                     titles is None or titles >= BENCHMARK_TARGETS["titles"]),
                    ("0 refusals", str(f["refusals"]), f["refusals"] == 0),
                    ("0 tracebacks", str(f["tracebacks"]), f["tracebacks"] == 0),
                    ("0 wrong dates", str(f["dates"]["wrong"]), f["dates"]["wrong"] == 0)]
        met = []
        for name in OWN_FIELDS:
            share = f[name]["share"]
            met.append((f"{name} >= {OWN_FIELD_TARGET:.0%}", _pct(share), share is None or share >= OWN_FIELD_TARGET))
        if self.reprints is not None:
            met.append(("0 false reprint relations", str(len(self.reprints.false)), not self.reprints.false))
        return met

    @property
    def met(self) -> bool:
        return all(ok for _, _, ok in self.targets)

    def to_json(self) -> dict:
        return {"corpus": self.folder, "layout": self.layout, "kind": self.kind, "figures": self.figures,
                "targets": [{"target": what, "measured": value, "met": ok} for what, value, ok in self.targets],
                "met": self.met,
                "pages": [asdict(r) for r in self.rows],
                "reprints": asdict(self.reprints) if self.reprints is not None else None}


def _pct(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.0%}"


def detect_layout(folder: Path) -> str:
    if (folder / "ground-truth.json").is_file() and (folder / "text").is_dir():
        return "benchmark"
    if (folder / "truth.yaml").is_file() and (folder / "captures").is_dir():
        return "own"
    raise CorpusError(f"{folder}: not a corpus: expected ground-truth.json and text/ (the extraction benchmark) "
                      "or truth.yaml and captures/ (the team's own corpus)")


def measure_benchmark(folder: Path, only: list[str] | None = None, kind: str = "text") -> CorpusReport:
    """Score the text captures (`kind` "text") or the saved pages (`kind` "html", read as
    `add PAGE.html` reads them) against the same gold."""
    try:
        truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as failure:
        raise CorpusError(f"{folder / 'ground-truth.json'}: cannot read it: {failure}")
    index = {}
    if (folder / "index.json").is_file():
        index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    rows = []
    for page_id in sorted(truth) if only is None else only:
        entry = truth[page_id]
        url = entry.get("url") or index.get(page_id, {}).get("url") or ""
        capture = folder / "text" / f"{page_id}.txt"
        html = folder / "html" / f"{page_id}.html.gz"
        if kind == "html":
            got = (run_html_extraction(html.read_bytes(), url, f"html/{page_id}.html.gz") if html.is_file()
                   else run_extraction(None, url, "no saved page"))
        elif capture.is_file():
            text, why = read_capture(capture)
            got = run_extraction(text, url, why)
        else:
            got = run_extraction(None, url, "no text capture")
        gold = Gold()
        if html.is_file():
            try:
                gold = read_gold(gzip.decompress(html.read_bytes()))
            except (OSError, EOFError):
                pass
        rows.append(score_benchmark_page(page_id, url, entry.get("articleBody") or "", got, gold))
    return CorpusReport("benchmark", str(folder), rows, kind=kind)


def measure_own(folder: Path, reprints: bool = True) -> CorpusReport:
    entries = read_truth(folder / "truth.yaml")
    rows = []
    for entry in entries:
        capture = folder / "captures" / f"{entry.id}.txt"
        if capture.is_file():
            text, why = read_capture(capture)
            got = run_extraction(text, entry.url, why)
        else:
            got = run_extraction(None, entry.url, f"no capture captures/{entry.id}.txt")
        rows.append(score_own_page(entry, got))
    judged = None
    if reprints:
        present = [e for e in entries if (folder / "captures" / f"{e.id}.txt").is_file()]
        found, notes = find_relations(present, folder / "captures")
        judged = judge_relations(entries, found)
        judged.notes = notes
    return CorpusReport("own", str(folder), rows, judged)


def measure(folder: Path, kind: str = "text") -> CorpusReport:
    layout = detect_layout(folder)
    if kind == "html" and (layout != "benchmark" or not (folder / "html").is_dir()):
        raise CorpusError(f"{folder}: --kind html needs the benchmark's layout with saved pages in html/")
    return measure_benchmark(folder, kind=kind) if layout == "benchmark" else measure_own(folder)


# --- the printed report -------------------------------------------------------------------------

_MARK = {True: "ok", False: "--", None: "-"}
_DATE = {"right": "ok", "wrong": "WRONG", "unknown": "?", "coarse": "~", "disputed": "!=", None: "-"}


def format_corpus_report(report: CorpusReport, verbose: bool = False) -> str:
    body_head = "body P/R" if report.layout == "benchmark" else "body"
    header = f"{'page':<14} {body_head:>9} {'title':>5} {'date':>5} {'outlet':>6} {'people':>6}  flags"
    what = "article-extraction benchmark" if report.layout == "benchmark" else "own corpus"
    if report.kind == "html":
        what += ", saved pages html/*.html.gz"
    lines = [f"{report.folder} ({what}, {len(report.rows)} pages)", header, "-" * len(header)]
    for row in report.rows:
        body = (f"{row.body_precision:.2f}/{row.body_recall:.2f}" if report.layout == "benchmark" else _MARK[row.body])
        people = str(row.people_found) if report.layout == "benchmark" else _MARK[row.people]
        flags = "TRACEBACK" if row.traceback else "REFUSED" if row.refused else ""
        lines.append(f"{row.id[:14]:<14} {body:>9} {_MARK[row.title]:>5} {_DATE[row.date]:>5} "
                     f"{_MARK[row.outlet]:>6} {people:>6}  {flags}".rstrip())
        if verbose:
            lines += [f"    {note}" for note in row.notes]
    lines.append("-" * len(header))
    f = report.figures
    d = f["dates"]

    def share(name):
        return f"{_pct(f[name]['share'])} ({f[name]['right']}/{f[name]['judged']})"

    if report.layout == "benchmark":
        lines.append(f"body     P {f['body']['precision']:.3f}  R {f['body']['recall']:.3f}  F1 {f['body']['f1']:.3f}"
                     f"  (benchmark shingle scoring, {f['pages']} pages)")
        lines.append(f"title    {share('title')} of the pages with a title in their HTML")
        disputed = (f", disputed {d['disputed']} (the page prints another day than its JSON-LD states)"
                    if d["disputed"] else "")
        lines.append(f"date     right {d['right']}, wrong {d['wrong']}, unknown {d['unknown']}{disputed} "
                     f"({f['pages'] - d['no_truth']} of the {f['pages']} pages state a date)")
        lines.append(f"outlet   {share('outlet')} of the pages with og:site_name")
    else:
        for name in ("title", "outlet", "people", "body"):
            lines.append(f"{name:<8} {share(name)}")
        lines.append(f"date     {share('date')}: right {d['right']}, wrong {d['wrong']}, unknown {d['unknown']}, "
                     f"less precise {d['coarse']}")
    lines.append(f"refusals {f['refusals']}, tracebacks {f['tracebacks']}")
    if report.reprints is not None:
        r = report.reprints
        lines.append(f"reprints {len(r.found)} relations found; false {len(r.false)}, missed {len(r.missed)}, "
                     f"direction reversed {len(r.reversed)}, direction where truth has none {len(r.undecided)}")
        for name, items in (("false", r.false), ("missed", r.missed), ("reversed", r.reversed),
                            ("no known original", r.undecided)):
            lines += [f"    {name}: {item}" for item in items]
        lines += [f"    {note}" for note in r.notes]  # captures `add` did not take: their relations are missed
        if verbose:
            lines += [f"    found: {c} -> {o} ({k}, {b})" for c, o, k, b in r.found]
    missed = [f"{what.split(' >=')[0].removeprefix('0 ')} {value}" for what, value, ok in report.targets if not ok]
    lines.append("targets (" + "; ".join(what for what, _, _ in report.targets) + "): "
                 + ("met" if not missed else "MISSED: " + "; ".join(missed)))
    return "\n".join(lines)
