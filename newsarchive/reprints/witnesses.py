"""Step 6 of reprint detection: when several articles carry one text, each copy keeps only the
relations to the earliest of them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

REDUNDANT = 0.8  # a relation whose copied words are this much covered by an earlier witness goes


@dataclass(frozen=True)
class Relation:
    copy: int
    original: int
    kind: str
    basis: str
    copy_words: int
    original_words: int
    spans: tuple[tuple[int, int, int, int, int], ...]  # (copy lo, hi, original lo, hi, words)
    forced: bool  # set by hand in front matter: never dropped


def earliest_witnesses(relations: list[Relation], sizes: list[int]) -> list[Relation]:
    """Keep, for each copy, the relations to the earliest articles carrying its copied text.

    Articles are numbered oldest first, so a lower number is an earlier witness; a witness
    that itself copies another witness of the same text comes after it whatever its date.
    A relation is dropped when the copy's words it explains are already explained by a
    relation to an earlier witness; a same-text pair is dropped when either side has such a
    witness, so two outlets carrying one wire text both point at the wire.
    """
    copies_of: dict[int, set[int]] = defaultdict(set)
    for r in relations:
        if r.kind == "copy":
            copies_of[r.copy].add(r.original)
    by_copy: dict[int, list[Relation]] = defaultdict(list)
    for r in relations:
        if r.kind == "copy":
            by_copy[r.copy].append(r)
    kept: list[Relation] = []
    explained: dict[int, np.ndarray] = {}
    for copy, group in sorted(by_copy.items()):
        witnesses = {r.original for r in group}
        group.sort(key=lambda r: (bool(copies_of[r.original] & witnesses), r.original))
        mask = np.zeros(sizes[copy], dtype=bool)
        for r in group:
            inside = _mask(r.spans, sizes[copy], side=0)
            new = inside & ~mask
            if r.forced or not mask.any() or new.sum() > (1 - REDUNDANT) * max(1, inside.sum()):
                kept.append(r)
                mask |= inside
        explained[copy] = mask
    for r in relations:
        if r.kind != "same-text":
            continue
        sides = ((r.copy, 0), (r.original, 2))
        redundant = any(
            side in explained
            and (_mask(r.spans, sizes[side], at) & explained[side]).sum()
            >= REDUNDANT * max(1, _mask(r.spans, sizes[side], at).sum())
            for side, at in sides)
        if r.forced or not redundant:
            kept.append(r)
    return kept


def _mask(spans, size: int, side: int) -> np.ndarray:
    mask = np.zeros(size, dtype=bool)
    for span in spans:
        mask[span[side]:span[side + 1]] = True
    return mask
