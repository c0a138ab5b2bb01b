"""How well `add` extracts: run extraction on every checked article's capture and compare.

    python build.py quality

Each archived article has front matter a person checked against its capture. Extraction is
run on the capture and its address alone, with the registries and every *other* article as
the archive it would be added to, and compared field by field:

- title, date (with precision), publisher and original (source, archived article, relation):
  exact match;
- people: precision and recall of the actor ids. A second measure ("people, held out") removes
  from the registry each actor named by no other article, as if the article were the first to
  name them, and counts a proposed new actor as right when its name is one of that actor's;
- claims: a checked claim is found when an extracted claim quotes the same sentence (one quote
  holds the other, or they share 80% of their words); its speaker is right when it is the same
  actor, or both are unnamed sources. Precision is over all extracted claims, which include
  reported statements the checked front matter leaves out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .capture import CaptureError, CapturedPage, read_stored
from .extract import NewActor, Registry
from .extract.claims import content_words
from .extract.prose import compact
from .load import load_archive
from .model import UNNAMED, Article, BuildError, Diagnostic
from .text import fold_for_search

TARGETS = {"exact": 1.0, "people_precision": 0.9, "people_recall": 0.9, "claim_speakers": 0.8}


@dataclass
class Row:
    slug: str
    title: bool = False
    date: bool = False
    publisher: bool = False
    original: bool = False
    people: tuple[int, int, int] = (0, 0, 0)  # right, extracted, checked
    held_out: tuple[int, int, int] = (0, 0, 0)
    claims: tuple[int, int, int, int] = (0, 0, 0, 0)  # matched checked, extracted, checked, speaker right
    notes: list[str] = field(default_factory=list)


def _same_quote(a: str, b: str) -> bool:
    fa, fb = fold_for_search(a), fold_for_search(b)
    if fa in fb or fb in fa:
        return True
    wa, wb = content_words(a), content_words(b)
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) >= 0.8


def _speaker_right(checked, extracted) -> bool:
    if checked.speaker == UNNAMED:
        return extracted.speaker == UNNAMED
    return extracted.speaker == checked.speaker


def compare(article: Article, capture: CapturedPage, archive) -> Row:
    """`capture`: the article's capture read as `add` read it (capture.read_stored)."""
    from .capture.fields import extract_capture

    others = tuple(a for a in archive.articles if a.slug != article.slug)
    registry = Registry(archive.actors, archive.sources, others)
    result = extract_capture(capture, registry)
    row = Row(article.slug)
    row.title = result["title"].value == article.title
    date = result["date"].value
    row.date = (date.iso, date.precision) == (article.date.iso, article.date.precision)
    row.publisher = result["publisher"].value == article.publisher
    found, want = result["original"].value, article.original
    row.original = (found is None and want is None) or (
        found is not None and want is not None
        and (found.source, found.article, found.relation) == (want.source, want.article, want.relation))
    for name, ok, got, expected in (("title", row.title, result["title"].value, article.title),
                                    ("date", row.date, (date.iso, date.precision), (article.date.iso, article.date.precision)),
                                    ("publisher", row.publisher, result["publisher"].value, article.publisher),
                                    ("original", row.original, found, want)):
        if not ok:
            row.notes.append(f"{name}: got {got!r}, checked {expected!r}")

    got_people, want_people = set(result["people"].value), set(article.people)
    row.people = (len(got_people & want_people), len(got_people), len(want_people))
    for missing in sorted(want_people - got_people):
        row.notes.append(f"people: missed {missing}")
    for extra in sorted(got_people - want_people):
        row.notes.append(f"people: extra {extra}")

    # Held out: actors no other article names are unknown to the registry.
    named_elsewhere = {actor_id for other in others for actor_id in other.people}
    hidden = {actor_id for actor_id in article.people if actor_id not in named_elsewhere}
    reduced = Registry({k: v for k, v in archive.actors.items() if k not in hidden}, archive.sources, others)
    held = extract_capture(capture, reduced)
    predicted = set()
    proposals = {p.id: p for p in held["people"].proposed if isinstance(p, NewActor)}
    for actor_id in held["people"].value:
        proposal = proposals.get(actor_id)
        if proposal is None:
            predicted.add(actor_id)
            continue
        spelled = {compact(proposal.name), *(compact(a) for a in proposal.aliases)}
        names = {h: {compact(n) for n in (archive.actors[h].name, *archive.actors[h].aliases)} for h in hidden}
        match = [h for h in hidden if spelled & names[h] and compact(proposal.name) in names[h]]
        predicted.add(match[0] if match else "new:" + actor_id)
    row.held_out = (len(predicted & want_people), len(predicted), len(want_people))

    drafts = result["claims"].value
    matched = speaker_right = 0
    used = set()
    for claim in article.claims:
        hit = next((i for i, d in enumerate(drafts) if i not in used and _same_quote(d.quote, claim.quote)), None)
        if hit is None:
            row.notes.append(f"claims: not found: {claim.quote[:70]}")
            continue
        used.add(hit)
        matched += 1
        if _speaker_right(claim, drafts[hit]):
            speaker_right += 1
        else:
            row.notes.append(f"claims: speaker {drafts[hit].speaker} {drafts[hit].speaker_label!r}, "
                             f"checked {claim.speaker} {claim.speaker_label!r}: {claim.quote[:50]}")
    row.claims = (matched, len(drafts), len(article.claims), speaker_right)
    return row


@dataclass
class Report:
    rows: list[Row]

    def _sum(self, attribute: str, index: int) -> int:
        return sum(getattr(row, attribute)[index] for row in self.rows)

    def ratio(self, attribute: str, numerator: int, denominator: int) -> float:
        below = self._sum(attribute, denominator)
        return self._sum(attribute, numerator) / below if below else 1.0

    @property
    def scores(self) -> dict[str, float]:
        count = len(self.rows) or 1
        return {
            "title": sum(r.title for r in self.rows) / count,
            "date": sum(r.date for r in self.rows) / count,
            "publisher": sum(r.publisher for r in self.rows) / count,
            "original": sum(r.original for r in self.rows) / count,
            "people_precision": self.ratio("people", 0, 1),
            "people_recall": self.ratio("people", 0, 2),
            "held_out_precision": self.ratio("held_out", 0, 1),
            "held_out_recall": self.ratio("held_out", 0, 2),
            "claims_precision": self.ratio("claims", 0, 1),
            "claims_recall": self.ratio("claims", 0, 2),
            "claim_speakers": self.ratio("claims", 3, 2),
        }

    def meets_targets(self) -> list[str]:
        """The targets missed (empty when all are met)."""
        s = self.scores
        missed = [f"{name} {s[name]:.2f} < 1.00" for name in ("date", "publisher", "original") if s[name] < 1.0]
        for name in ("people_precision", "people_recall", "claim_speakers"):
            if s[name] < TARGETS[name]:
                missed.append(f"{name} {s[name]:.2f} < {TARGETS[name]:.2f}")
        return missed


def measure(articles_dir: Path, project: Path) -> Report:
    archive, problems = load_archive(articles_dir, project)
    if archive is None:
        raise BuildError(problems)
    rows = []
    for article in archive.articles:
        try:  # read as `add` read it (the loader checked that it reads)
            capture = read_stored(articles_dir / article.capture, article.url)
        except CaptureError as failure:
            raise BuildError([Diagnostic(f"{articles_dir.name}/{article.capture}", None, None, failure.message,
                                         failure.hint)])
        rows.append(compare(article, capture, archive))
    return Report(rows)


def _pr(triple) -> str:
    right, got, want = triple[:3]
    p = right / got if got else 1.0
    r = right / want if want else 1.0
    return f"{p:.2f}/{r:.2f}"


def format_report(report: Report, verbose: bool = False) -> str:
    mark = {True: "ok", False: "--"}
    header = f"{'article':<56} {'title':>5} {'date':>4} {'publ':>4} {'orig':>4} {'people P/R':>10} " \
             f"{'held-out P/R':>12} {'claims P/R':>10} {'speakers':>8}"
    lines = [header, "-" * len(header)]
    for row in report.rows:
        matched, _, checked, right = row.claims
        lines.append(f"{row.slug[:56]:<56} {mark[row.title]:>5} {mark[row.date]:>4} {mark[row.publisher]:>4} "
                     f"{mark[row.original]:>4} {_pr(row.people):>10} {_pr(row.held_out):>12} "
                     f"{_pr(row.claims):>10} {f'{right}/{checked}':>8}")
    s = report.scores
    lines.append("-" * len(header))
    lines.append(f"{'all':<56} {s['title']:>5.2f} {s['date']:>4.2f} {s['publisher']:>4.2f} {s['original']:>4.2f} "
                 f"{s['people_precision']:.2f}/{s['people_recall']:.2f} "
                 f"{s['held_out_precision']:>7.2f}/{s['held_out_recall']:.2f} "
                 f"{s['claims_precision']:>5.2f}/{s['claims_recall']:.2f} {s['claim_speakers']:>8.2f}")
    missed = report.meets_targets()
    lines.append("targets (date, publisher, original all right; people P and R >= 0.9; claim speakers >= 0.8): "
                 + ("met" if not missed else "MISSED: " + "; ".join(missed)))
    if verbose:
        for row in report.rows:
            for note in row.notes:
                lines.append(f"  {row.slug}: {note}")
    return "\n".join(lines)
