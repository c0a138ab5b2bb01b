"""Reprint relations on the own corpus: every capture added with `add` to a fresh archive, the
build's detection run, and each relation judged against the truth."""

from __future__ import annotations

import tempfile
from .judge import outlet_keys
from .pages import Truth
from dataclasses import dataclass, field
from pathlib import Path

# --- reprints on the own corpus -----------------------------------------------------------------

@dataclass
class Reprints:
    found: list[tuple[str, str, str, str]] = field(default_factory=list)  # (copy, original, kind, basis)
    false: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    reversed: list[str] = field(default_factory=list)  # truth says the other one is the copy
    undecided: list[str] = field(default_factory=list)  # a direction where truth knows no original
    notes: list[str] = field(default_factory=list)


def find_relations(entries: list[Truth], captures: Path) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Add every capture to a fresh temporary archive with `add`, then run reprint detection.

    Returns the relations as (copy id, original id, kind, basis) and notes on captures not added."""
    from .. import add as adding, reprints
    from ..config import load_config
    from ..load import ACTORS_FILE, CAPTURES_DIR, SOURCES_FILE, load_archive
    from ..model import BuildError

    notes = []
    with tempfile.TemporaryDirectory(prefix="newsarchive-quality-") as scratch:
        root = Path(scratch)
        folder = root / "articles" / CAPTURES_DIR
        folder.mkdir(parents=True)
        (root / "config.yaml").write_text("title: quality measurement\n", encoding="utf-8")
        for name in (ACTORS_FILE, SOURCES_FILE):
            (root / "articles" / name).write_text("# Empty: a new user's archive.\n", encoding="utf-8")
        config = load_config(root / "config.yaml")
        for entry in entries:
            source = captures / f"{entry.id}.txt"
            kept = folder / source.name  # a capture saved into captures/ keeps its name: its id
            kept.write_bytes(source.read_bytes())
            try:
                result = adding.add(config, kept, entry.url)
            except (adding.AddError, BuildError) as failure:
                kept.unlink()
                notes.append(f"{entry.id}: not added: " + "; ".join(d.message for d in failure.diagnostics))
                continue
            except Exception as failure:
                kept.unlink(missing_ok=True)
                notes.append(f"{entry.id}: add ended in a traceback: {type(failure).__name__}: {failure}")
                continue
            if result.status != "added":
                kept.unlink(missing_ok=True)
                notes.append(f"{entry.id}: not added: {result.message}")
        archive, problems = load_archive(config.articles, config.project)
        if archive is None:
            notes.append("the temporary archive does not load: " + "; ".join(p.message for p in problems[:3]))
            return [], notes
        ids = {a.slug: Path(a.capture).stem for a in archive.articles}
        relations = reprints.detect(archive.articles, config.reprint_min_shared_words, config.reprint_min_share,
                                    sources=archive.sources)
    return [(ids[r.copy], ids[r.original], r.kind, r.basis) for r in relations], notes


def judge_relations(entries: list[Truth], found: list[tuple[str, str, str, str]]) -> Reprints:
    """Compare the relations found with the truth.

    Right: a truth copy (either way round), two captures of one reprint group, two copies of
    one original, two texts crediting one agency; tolerated: a pair listed as a partial
    overlap. Every other relation is false. Missed: a truth copy found in neither direction,
    and a reprint group member related to no other member."""
    by_id = {e.id: e for e in entries}
    truth_pairs = {(e.id, e.copies) for e in entries if e.copies}
    # Captures that carry one text (a copy, its original, other copies of it, a reprint group).
    group = {e.id: e.id for e in entries}

    def root(x: str) -> str:
        while group.get(x, x) != x:
            x = group[x]
        return x

    for copy, original in truth_pairs:
        if original in group:
            group[root(copy)] = root(original)
    members: dict[str, list[str]] = {}
    for e in entries:
        if e.reprint_group:
            members.setdefault(e.reprint_group, []).append(e.id)
    for ids in members.values():
        for other in ids[1:]:
            group[root(other)] = root(ids[0])
    overlaps = {frozenset((e.id, other)) for e in entries for other in e.partial_overlap_with}

    out = Reprints(found=list(found))
    reported = set()
    for copy, original, kind, basis in found:
        reported |= {(copy, original), (original, copy)}
        shown = f"{copy} -> {original} ({kind}, {basis})"
        if (original, copy) in truth_pairs and kind == "copy":
            out.reversed.append(shown)
        elif kind == "copy" and (copy, original) not in truth_pairs and root(copy) == root(original) \
                and not {by_id.get(copy) and by_id[copy].copies, by_id.get(original) and by_id[original].copies} \
                & {copy, original}:
            out.undecided.append(shown)
        if (copy, original) in truth_pairs or (original, copy) in truth_pairs or root(copy) == root(original):
            continue
        if frozenset((copy, original)) in overlaps:
            continue
        agencies = [by_id[x].credited if x in by_id else None for x in (copy, original)]
        if all(agencies) and outlet_keys(agencies[0]) & outlet_keys(agencies[1]):
            continue  # both carry one agency's text
        out.false.append(shown)
    out.missed = [f"{copy} -> {original}" for copy, original in sorted(truth_pairs) if (copy, original) not in reported]
    related = {x for pair in reported for x in pair}
    for name, ids in sorted(members.items()):
        for x in ids:
            in_pairs = any(x in pair for pair in truth_pairs)
            if len(ids) > 1 and not in_pairs and not any((x, y) in reported for y in ids if y != x):
                out.missed.append(f"{x} (reprint group {name}: related to no other member"
                                  + ("" if x in related else ", nor to any capture") + ")")
    return out
