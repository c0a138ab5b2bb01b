"""Step 7 of reprint detection: passages in word positions become the `Reprint` records, with
character offsets into each article's plain text."""

from __future__ import annotations

import bisect

import numpy as np

from ..model import Article, Passage, Reprint
from ..text import word_spans
from .alignment import MERGE_GAP
from .fingerprinting import Fingerprint, plain_text
from .witnesses import Relation


def reprints_range(state, lo: int, hi: int) -> list[Reprint]:
    """Word positions to character offsets: each text is read once more, for its relations only."""
    relations, arts, prints = state
    spans: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    result = []
    for r in relations[lo:hi]:
        for n in (r.copy, r.original):
            if n not in spans:
                if len(spans) > 64:
                    spans.pop(next(iter(spans)))
                spans[n] = word_spans(plain_text(arts[n]))
        spans_ = _to_paragraph_edges(r.spans, prints[r.copy], prints[r.original])
        result.append(_to_reprint(r, spans_, arts, spans[r.copy], spans[r.original]))
    return result


def _to_paragraph_edges(spans, copy: Fingerprint, original: Fingerprint):
    """Stretch each passage to the start or end of its paragraphs when both texts have only a
    few words (at most MERGE_GAP) beyond it there: a dateline dropped ("MOSCOW (Sputnik) -")
    or a credit added (", reported Sputnik") is then an edit inside the passage, not a stray
    remnant outside it. The words counted as shared do not change."""
    def paragraph(fp: Fingerprint, word: int) -> tuple[int, int]:
        starts = fp.paragraphs.tolist()
        at = bisect.bisect_right(starts, word) - 1
        return starts[at], starts[at + 1] if at + 1 < len(starts) else len(fp.words)

    # For each passage, where the nearest other passage ends before it and starts after it,
    # in each text: a passage only grows into words no other passage holds.
    def neighbours(side: int) -> tuple[list[int], list[int]]:
        order = sorted(range(len(spans)), key=lambda k: spans[k][side])
        ends_before, starts_after = [0] * len(spans), [0] * len(spans)
        for rank, k in enumerate(order):
            ends_before[k] = spans[order[rank - 1]][side + 1] if rank else 0
            starts_after[k] = spans[order[rank + 1]][side] if rank + 1 < len(order) else 1 << 62
        return ends_before, starts_after

    (copy_before, copy_after), (original_before, original_after) = neighbours(0), neighbours(2)
    result = []
    for k, (lo, hi, olo, ohi, matched) in enumerate(spans):
        (p_lo, p_hi), (q_lo, q_hi) = paragraph(copy, lo), paragraph(original, olo)
        new_lo, new_olo, new_hi, new_ohi = lo, olo, hi, ohi
        if lo - p_lo <= MERGE_GAP and olo - q_lo <= MERGE_GAP and copy_before[k] <= p_lo \
                and original_before[k] <= q_lo:
            new_lo, new_olo = p_lo, q_lo
        if p_hi - hi <= MERGE_GAP and q_hi - ohi <= MERGE_GAP and copy_after[k] >= p_hi \
                and original_after[k] >= q_hi:
            new_hi, new_ohi = p_hi, q_hi
        result.append((new_lo, new_hi, new_olo, new_ohi, matched))
    return result


def _to_reprint(r: Relation, spans, arts: list[Article], copy_spans, original_spans) -> Reprint:
    copy, original = arts[r.copy], arts[r.original]
    (copy_starts, copy_ends), (orig_starts, orig_ends) = copy_spans, original_spans
    if spans and (max(s[1] for s in spans) > len(copy_starts) or max(s[3] for s in spans) > len(orig_starts)):
        raise ValueError(f"fingerprints of {copy.slug} or {original.slug} do not match their texts")
    passages = tuple(sorted(
        (Passage(copy_start=int(copy_starts[lo]), copy_end=int(copy_ends[hi - 1]),
                 original_start=int(orig_starts[olo]), original_end=int(orig_ends[ohi - 1]), words=w)
         for lo, hi, olo, ohi, w in spans),
        key=lambda p: (p.copy_start, p.original_start)))
    return Reprint(
        copy=copy.slug, original=original.slug, kind=r.kind,
        copy_share=round(r.copy_words / max(1, len(copy_starts)), 3),
        original_share=round(r.original_words / max(1, len(orig_starts)), 3),
        passages=passages, basis=r.basis)
