"""Step 3 of reprint detection: the passages two texts share, aligned word by word from their
fingerprints (and reused from an earlier build for pairs of unchanged texts)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from .. import workers as pool
from .fingerprinting import CHUNK, SHINGLE, Fingerprint, shingles

MERGE_GAP = 12  # words of edits bridged between two runs of one passage
MIN_PASSAGE_WORDS = 20  # matched words a passage needs: above the 16 that titles reached


@dataclass(frozen=True)
class Match:
    """A shared passage in word positions: words [a, a_end) of text A and [b, b_end) of B."""

    a: int
    a_end: int
    b: int
    b_end: int
    words: int  # words of A inside it that belong to shared shingles
    words_b: int  # the same for B


def anchors(word_hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A text's shingles, and those that occur once in it: (all, unique sorted, their positions).

    Only unique shingles anchor an alignment (as in patience diff): a name repeated through
    both texts matches in many places and proves nothing.
    """
    hashes = shingles(word_hashes)
    order = np.argsort(hashes)
    ordered = hashes[order]
    single = np.ones(len(ordered), dtype=bool)
    if len(ordered) > 1:
        repeated = ordered[1:] == ordered[:-1]
        single[1:] &= ~repeated
        single[:-1] &= ~repeated
    return hashes, ordered[single], order[single]  # all unique when len(single) == len(hashes)


def _shared_shingles(a, b) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i, j), in order of i, where shingle i of text A equals shingle j of text B.

    First the anchors: shingles unique in each text that are equal. Then the holes between
    anchors are filled along the anchors' diagonals, so that a repeated phrase inside a
    copied stretch still counts as copied.
    """
    (all_a, hashes_a, at_a), (all_b, hashes_b, at_b) = a, b
    if len(hashes_a) == 0 or len(hashes_b) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    where = np.minimum(np.searchsorted(hashes_b, hashes_a), len(hashes_b) - 1)
    hit = hashes_b[where] == hashes_a
    i, j = at_a[hit], at_b[where[hit]]
    order = np.argsort(i)
    i, j = i[order], j[order]
    if len(i) == 0 or (len(hashes_a) == len(all_a) and len(hashes_b) == len(all_b)):
        return i, j  # nothing repeats: every equal shingle is an anchor already
    # Every position of A without an anchor, with the diagonals (j - i) of the anchors
    # before and after it; at either end of A only one anchor is near.
    diagonal = j - i
    edges = np.concatenate(([-1], i, [len(all_a)]))
    holes = np.diff(edges) - 1
    position = np.repeat(edges[:-1] + 1 - np.cumsum(np.concatenate(([0], holes[:-1]))), holes) + np.arange(holes.sum())
    before = np.repeat(np.concatenate((diagonal[:1], diagonal)), holes)
    after = np.repeat(np.concatenate((diagonal, diagonal[-1:])), holes)
    found = np.full(len(position), -1)
    for shift in (after, before):  # the later wins where both fit
        other = position + shift
        fits = (other >= 0) & (other < len(all_b))
        fits[fits] &= all_b[other[fits]] == all_a[position[fits]]
        found[fits] = other[fits]
    filled = found >= 0
    i = np.concatenate((i, position[filled]))
    j = np.concatenate((j, found[filled]))
    order = np.argsort(i, kind="stable")
    return i[order], j[order]


def _runs(i: np.ndarray, j: np.ndarray) -> list[tuple[int, int, int]]:
    """Maximal runs of consecutive shared shingles as (a, b, words), in order of text A."""
    if len(i) == 0:
        return []
    new = np.ones(len(i), dtype=bool)
    new[1:] = (np.diff(i) != 1) | (np.diff(j) != 1)
    starts = np.flatnonzero(new)
    lengths = np.diff(np.append(starts, len(i))) + SHINGLE - 1
    return list(zip(i[starts].tolist(), j[starts].tolist(), lengths.tolist()))


def align(fa: Fingerprint, fb: Fingerprint, anchors_a=None, anchors_b=None,
          min_words: int = MIN_PASSAGE_WORDS) -> list[Match]:
    """Shared passages of two texts of at least `min_words` matched words, in order of text A.

    A passage lies within one paragraph of each text; runs separated by at most MERGE_GAP
    edited words in both texts merge into one passage.
    """
    i, j = _shared_shingles(anchors_a or anchors(fa.words), anchors_b or anchors(fb.words))
    if len(i) == 0:
        return []
    para_a, para_b = fa.paragraphs.tolist(), fb.paragraphs.tolist()
    # [a, a_end, b, b_end, paragraph in A, in B, matched words of A, of B]: runs seldom
    # overlap, and then by a few words, which the matched counts leave out.
    passages: list[list[int]] = []
    for a, b, length in _runs(i, j):
        # Cut a run where either text starts a new paragraph: passages follow paragraphs.
        while length > 0:
            pa = bisect.bisect_right(para_a, a) - 1
            pb = bisect.bisect_right(para_b, b) - 1
            step = length
            if pa + 1 < len(para_a):
                step = min(step, para_a[pa + 1] - a)
            if pb + 1 < len(para_b):
                step = min(step, para_b[pb + 1] - b)
            last = passages[-1] if passages else None
            if last and (pa, pb) == (last[4], last[5]) and -SHINGLE < a - last[1] <= MERGE_GAP \
                    and -SHINGLE < b - last[3] <= MERGE_GAP:
                last[6] += max(0, a + step - max(a, last[1]))
                last[7] += max(0, b + step - max(b, last[3]))
                last[1], last[3] = max(last[1], a + step), max(last[3], b + step)
            else:
                passages.append([a, a + step, b, b + step, pa, pb, step, step])
            a, b, length = a + step, b + step, length - step
    return [Match(a, a_end, b, b_end, words_a, words_b)
            for a, a_end, b, b_end, _, _, words_a, words_b in passages if words_a >= min_words]


@dataclass(frozen=True)
class Pair:
    x: int  # article numbers (in order of earliness)
    y: int
    matches: tuple[Match, ...]
    words_x: int  # words of x in shared passages
    words_y: int


def _align_range(state, lo: int, hi: int) -> list[Pair | None]:
    prints, pairs = state
    cache: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # pairs come sorted: x repeats
    results = []
    for x, y in pairs[lo:hi]:
        found = []
        for n in (x, y):
            if n not in cache:
                if len(cache) > 2048:
                    cache.pop(next(iter(cache)))
                cache[n] = anchors(prints[n].words)
            found.append(cache[n])
        results.append(_pair(x, y, tuple(align(prints[x], prints[y], *found))))
    return results


def _pair(x: int, y: int, matches: tuple[Match, ...]) -> Pair | None:
    return Pair(x, y, matches, sum(m.words for m in matches), sum(m.words_b for m in matches)) if matches else None


def align_pairs(prints: list[Fingerprint], todo: list[tuple[int, int]], known: dict | None,
             workers: int | None, parallel_min: int, prune: bool = True) -> list[Pair | None]:
    """Each pair of `todo` aligned. With `known`, the matches of earlier alignments by the content
    keys of both texts (the earlier text first), a pair of texts aligned before is not aligned
    again: an alignment depends on the two fingerprints alone, and those on the texts. `known`
    is then left holding the pairs of `todo` (with `prune`; else it gains them), for the next build."""
    if known is None or not all(fp.key for fp in prints):
        return pool.run(_align_range, (prints, todo), len(todo), workers, parallel_min, largest=CHUNK)
    keys = [(prints[x].key, prints[y].key) for x, y in todo]
    # A stored alignment reaching outside its texts is not theirs: align the pair again.
    again = [n for n, (key, (x, y)) in enumerate(zip(keys, todo))
             if key not in known or not _fits(known[key], len(prints[x].words), len(prints[y].words))]
    made = pool.run(_align_range, (prints, [todo[n] for n in again]), len(again), workers, parallel_min,
                    largest=CHUNK)
    matches = {key: known[key] for key in keys if key in known}
    matches.update((keys[n], pair.matches if pair else ()) for n, pair in zip(again, made))
    if prune:
        known.clear()
    known.update(matches)
    return [_pair(x, y, matches[key]) for (x, y), key in zip(todo, keys)]


def _fits(matches: tuple[Match, ...], words_a: int, words_b: int) -> bool:
    return all(0 <= m.a <= m.a_end <= words_a and 0 <= m.b <= m.b_end <= words_b for m in matches)
