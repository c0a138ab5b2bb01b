"""Find which archived articles copy passages of which, from their texts alone.

`detect` runs these stages in order:

1. Fingerprint each article (`fingerprint_texts`): its normalized words (text.word_keys:
   NFKC, quotes folded, no-break spaces plain, case folded) hashed with a fixed hash (never
   Python's salted hash()), word SHINGLE-grams hashed from those, and winnowing: of every
   WINDOW consecutive shingles the smallest hash is kept as a mark. Any stretch of
   SHINGLE + WINDOW - 1 shared words is certain to leave a mark common to both texts, while
   only about 2 / (WINDOW + 1) of the shingles need indexing. A fingerprint depends on the
   text alone, so a site build reuses the fingerprints of unchanged articles (fpcache.py).
2. Candidates (`candidate_pairs`): an inverted index from mark to articles proposes the pairs
   worth aligning; all pairs are never compared. Marks carried by very many articles (stock
   phrases, an outlet's footer) are dropped, marks carried by a few dozen (names, titles)
   count for little, and a pair needs enough shared marks.
3. Alignment (`align`): shingles that occur once in each text anchor it (patience-diff
   style), the holes between anchors are filled along their diagonals, runs of shared
   shingles are cut at paragraph breaks (so reordered paragraphs still align) and runs close
   together in one paragraph of each text merge into a passage, bridging edited words.
   Passages shorter than MIN_PASSAGE_WORDS (names, titles) are not copying. An alignment
   depends on the two fingerprints alone, so a site build reuses those of pairs of unchanged
   texts (fpcache.py).
4. A pair is a reprint when its passages hold at least `min_shared_words` words covering at
   least `min_share` of one text (containment: a partial copy holds part of its original).
5. Direction (`_orient`): front matter, then dates as the ranges their precision allows, then
   attribution ("reported Sputnik", front matter `original`), then containment, which decides
   only a clear partial copy (at least MOSTLY of it inside a longer text, and ASYMMETRY more
   than the other way) that credits no third outlet for its words; with none of these the
   pair is "same-text" (a false direction is worse than none).
6. Earliest witness (`_earliest_witnesses`): when several articles carry the same text, each
   copy keeps only the relations to the earliest articles carrying the text it copied.
7. Passages become character offsets into each article's plain text (`plain_text`).

`compare` gives the word-by-word view of one relation that the comparison page shows.
Fingerprinting, alignment and step 7 run in worker processes when there is enough work.

The thresholds below were set from measurements on the seeds and on the synthetic archive of
bench/; bench/README.md records those measurements.
"""

from __future__ import annotations

import bisect
import difflib
import gc
import hashlib
import multiprocessing
import os
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from .model import Article, Passage, Reprint, Source
from .text import paragraph_word_keys, word_spans, words

SHINGLE = 5  # words per shingle: long enough that most names and titles share few shingles
WINDOW = 4  # shingles per winnowing window: marks on ~40% of shingles, any 8 shared words seen
VERSION = f"fp4-{SHINGLE}-{WINDOW}"  # changes whenever fingerprints would change

# Measured on the synthetic archive of 10,000 articles (bench/thresholds.py, bench/README.md):
# true copies share at least 21 weighted marks (0.1% share fewer than 25), at least 17% of
# the smaller text's marks, a longest passage of 52+ matched words; pairs that only share
# names, titles, stock phrases and footers share at most 2 weighted marks in 99% of cases and
# no stretch longer than 16 words.
MIN_SHARED_MARKS = 8  # weighted marks a pair must share before it is aligned at all,
RARE = 4  # a mark counting in full when at most RARE articles carry it, else as RARE / carriers,
MARK_SHARE = 0.06  # ...and the share of the smaller text's marks they must make up
ALL_PAIRS_GROUP = 32  # articles sharing a mark: up to this many, every pair is a candidate;
EARLIEST = 8  # beyond it, each is paired with this many earliest-dated of them only
MIN_COMMON = 500  # marks in more than max(MIN_COMMON, COMMON_SHARE of the archive) articles
COMMON_SHARE = 0.005  # are stock phrases or boilerplate and are dropped
MERGE_GAP = 12  # words of edits bridged between two runs of one passage
MIN_PASSAGE_WORDS = 20  # matched words a passage needs: above the 16 that titles reached
ASYMMETRY = 0.15  # containment difference that tells a partial copy from its original
MOSTLY = 0.6  # ...when the copy's share inside the original is at least this: a clear partial copy
REDUNDANT = 0.8  # a relation whose copied words are this much covered by an earlier witness goes

PARALLEL_MIN = 4000  # below this many articles or pairs, worker processes cost more than they save
CHUNK = 1000  # jobs handed to a worker at a time
BATCH = 128  # texts fingerprinted together


# --- 1. Fingerprints -----------------------------------------------------------------------

@dataclass(frozen=True, eq=False, slots=True)
class Fingerprint:
    """What detection needs of one text; arrays so that 100,000 of them fit in memory."""

    key: str  # content_key of the text it was made from ("" when made without, for detection only)
    words: np.ndarray  # uint16 hash of each normalized word
    paragraphs: np.ndarray  # int32 index of the first word of each paragraph
    marks: np.ndarray  # uint32 winnowed shingle hashes, sorted, unique


def plain_text(article: Article) -> str:
    """The text that passage offsets point into: paragraphs joined by a blank line."""
    return "\n\n".join(article.paragraphs)


def content_key(text: str) -> str:
    return hashlib.sha256(f"{VERSION}\n{text}".encode("utf-8")).hexdigest()


_WORD_HASHES: dict[bytes, int] = {}  # memo of a pure function: each distinct word hashed once


def _word_hashes(keys: list[bytes]) -> np.ndarray:
    """16 bits a word: a shingle of five words still has 80 bits to tell it from another, and
    100,000 articles' words then take 120 MB less."""
    memo = _WORD_HASHES
    try:
        return np.fromiter(map(memo.__getitem__, keys), dtype=np.uint16, count=len(keys))
    except KeyError:
        if len(memo) > 2_000_000:
            memo.clear()
        for k in keys:
            if k not in memo:
                memo[k] = int.from_bytes(hashlib.blake2b(k, digest_size=2).digest(), "little")
        return np.fromiter(map(memo.__getitem__, keys), dtype=np.uint16, count=len(keys))


# Odd multipliers, one per word of a shingle, then murmur3's finisher so that the smallest hash
# of a window is a fair pick. Fixed numbers: fingerprints never vary between runs. 32 bits are
# plenty: hashes are compared within a pair of texts or, as marks, only counted.
_POSITION = [np.uint32(c) for c in (0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1,
                                     0xD3A2646C | 1, 0xFD7046C5, 0xB55A4F09)[:SHINGLE]]
_FINISH = (np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35))


def shingles(word_hashes: np.ndarray) -> np.ndarray:
    """Hash (uint32) of each run of SHINGLE words; shingle i starts at word i."""
    count = len(word_hashes) - SHINGLE + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint32)
    h = word_hashes[:count].astype(np.uint32)
    h *= _POSITION[0]
    term = np.empty_like(h)
    for j in range(1, SHINGLE):
        np.multiply(word_hashes[j:j + count], _POSITION[j], out=term)
        h += term
    for shift, factor in ((16, _FINISH[0]), (13, _FINISH[1]), (16, None)):
        np.right_shift(h, shift, out=term)
        h ^= term
        if factor is not None:
            h *= factor
    return h


def fingerprint_texts(texts: Sequence[Sequence[str]], keys: Sequence[str] | None = None) -> list[Fingerprint]:
    """The fingerprints of many texts (each a sequence of paragraphs), made in one pass.

    Numpy works on all the texts at once; every step keeps within one text (no shingle and no
    winnowing window crosses from one text into the next), so a fingerprint is the same
    whether its text is read alone or among others.
    """
    words_, paragraph_starts = paragraph_word_keys(texts)
    hashes = _word_hashes(words_)
    bounds = np.empty(len(texts) + 1, dtype=np.int64)
    bounds[-1] = len(words_)
    for n in range(len(texts) - 1, -1, -1):
        bounds[n] = paragraph_starts[n][0] if paragraph_starts[n] else bounds[n + 1]
    lengths = np.diff(bounds)
    owner = np.repeat(np.arange(len(texts)), lengths)  # the text each word belongs to
    hashed = shingles(hashes)
    total = len(hashed)
    picked = np.zeros(total, dtype=bool)
    windows = total - WINDOW + 1
    if windows > 0:  # winnowing: keep the smallest hash of each window of WINDOW shingles
        reach = WINDOW + SHINGLE - 2  # from a window's first word to its last
        inside = owner[:windows] == owner[reach:reach + windows]
        smallest = hashed[:windows].copy()
        for k in range(1, WINDOW):
            np.minimum(smallest, hashed[k:k + windows], out=smallest)
        for k in range(WINDOW):
            picked[k:k + windows] |= (hashed[k:k + windows] == smallest) & inside
    if total:  # a text with too few shingles for one window keeps them all
        too_short = (lengths - SHINGLE + 1) <= WINDOW
        picked |= too_short[owner[:total]] & (owner[:total] == owner[SHINGLE - 1:])
    at = np.flatnonzero(picked)
    # Sorted by (text, mark): each text's marks come out sorted and without repeats.
    packed = np.unique((owner[at].astype(np.uint64) << np.uint64(32)) | hashed[at])
    cuts = np.searchsorted(packed >> np.uint64(32), np.arange(len(texts) + 1, dtype=np.uint64))
    marks = packed.astype(np.uint32)
    return [
        Fingerprint(keys[n] if keys is not None else "", hashes[bounds[n]:bounds[n + 1]],
                    np.array(paragraph_starts[n], dtype=np.int32) - np.int32(bounds[n]),
                    marks[cuts[n]:cuts[n + 1]])
        for n, paragraphs in enumerate(texts)
    ]


def fingerprint(article: Article) -> Fingerprint:
    return fingerprint_texts([article.paragraphs], [content_key(plain_text(article))])[0]


def fingerprints(articles: tuple[Article, ...] | list[Article],
                 known: Mapping[str, Fingerprint] | None = None,
                 workers: int | None = None) -> list[Fingerprint]:
    """One fingerprint per article.

    With `known` (fingerprints by content key, say from a cache, possibly empty) every
    fingerprint carries its key and those of unchanged texts are reused; without it, keys are
    not computed at all (detection alone does not need them).
    """
    if known is None:
        keys, found = None, [None] * len(articles)
        todo = list(range(len(articles)))
    else:
        keys = [content_key(plain_text(article)) for article in articles]
        found = [known.get(key) for key in keys]
        todo = [i for i, fp in enumerate(found) if fp is None]
    state = ([articles[i].paragraphs for i in todo], None if keys is None else [keys[i] for i in todo])
    packs = _in_workers(_fingerprint_range, state, len(todo), workers)
    for i, fp in zip(todo, (fp for pack in packs for fp in unpack_prints(pack))):
        found[i] = fp
    return found  # type: ignore[return-value]


def _fingerprint_range(state, lo: int, hi: int) -> list[tuple]:
    # A hundred-odd texts at a time: numpy calls are shared, arrays still fit in the CPU cache.
    texts, keys = state
    return [pack_prints([fp for at in range(lo, hi, BATCH)
                   for fp in fingerprint_texts(texts[at:min(hi, at + BATCH)],
                                               None if keys is None else keys[at:min(hi, at + BATCH)])])]


# A worker's fingerprints travel back to the parent as three long arrays and their bounds, not
# as three small arrays each: at 100,000 articles, pickling 300,000 small arrays took longer
# than the second worker saved. The fingerprint cache (fpcache.py) stores them the same way.

def pack_prints(prints: list[Fingerprint]) -> tuple:
    """(keys, (words, bounds), (paragraphs, bounds), (marks, bounds)): each field of every
    fingerprint in one array, text n's part of it between bounds[n] and bounds[n + 1]."""
    def joined(name: str, dtype):
        parts = [getattr(fp, name) for fp in prints]
        bounds = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([len(part) for part in parts], out=bounds[1:])
        return (np.concatenate(parts) if parts else np.empty(0, dtype=dtype)), bounds
    return ([fp.key for fp in prints], joined("words", np.uint16), joined("paragraphs", np.int32),
            joined("marks", np.uint32))


def unpack_prints(pack: tuple) -> list[Fingerprint]:
    keys, (words, wb), (paragraphs, pb), (marks, mb) = pack
    return [Fingerprint(key, words[wb[n]:wb[n + 1]], paragraphs[pb[n]:pb[n + 1]], marks[mb[n]:mb[n + 1]])
            for n, key in enumerate(keys)]


# --- Worker processes ----------------------------------------------------------------------
# Both heavy stages are a list of independent jobs. With the "fork" start method the workers
# inherit the inputs without copying them; only results travel back. Results are merged in
# job order, so the output never depends on the number of workers.

_STATE = None


def _init_worker(state) -> None:
    global _STATE
    _STATE = state


def _run_range(job):
    function, lo, hi = job
    return function(_STATE, lo, hi)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _in_workers(function, state, count: int, workers: int | None) -> list:
    workers = default_workers() if workers is None else workers
    if workers <= 1 or count < PARALLEL_MIN or "fork" not in multiprocessing.get_all_start_methods():
        return function(state, 0, count)
    size = max(1, min(CHUNK, count // (workers * 4) or 1))
    jobs = [(function, lo, min(count, lo + size)) for lo in range(0, count, size)]
    context = multiprocessing.get_context("fork")
    # Frozen objects are left alone by the garbage collector: a worker's collections then do not
    # walk, and so write to and copy, every object it inherited (the gc module's advice for fork).
    gc.freeze()
    try:
        with context.Pool(workers, initializer=_init_worker, initargs=(state,)) as pool:
            parts = pool.map(_run_range, jobs, chunksize=1)
    finally:
        gc.unfreeze()
    return [item for part in parts for item in part]


# --- 2. Candidates -------------------------------------------------------------------------

def candidate_pairs(prints: list[Fingerprint]) -> np.ndarray:
    """Pairs (x, y, shared marks) with x < y worth aligning, found through an inverted index.

    `prints` must be in order of earliness (oldest first): within a large group of articles
    sharing a mark, only the earliest are paired with the rest.
    """
    count = len(prints)
    sizes = np.fromiter((len(fp.marks) for fp in prints), dtype=np.int64, count=count)
    if count < 2 or not sizes.any():
        return np.empty((0, 3), dtype=np.int64)
    # The inverted index is one sorted array of (mark, article) packed in 64 bits: sorting it
    # brings together the articles carrying each mark.
    index = np.empty(int(sizes.sum()), dtype=np.uint64)
    np.concatenate([fp.marks for fp in prints], out=index, casting="safe")
    index <<= np.uint64(32)
    at = 0
    for lo in range(0, count, 8192):  # article numbers in slices: no second array as long
        hi = min(count, lo + 8192)
        end = at + int(sizes[lo:hi].sum())
        index[at:end] |= np.repeat(np.arange(lo, hi, dtype=np.uint64), sizes[lo:hi])
        at = end
    index.sort()
    # The two halves of each entry, as views rather than copies (memory matters at scale).
    halves = index.view(np.uint32).reshape(-1, 2)
    low, high = (0, 1) if sys.byteorder == "little" else (1, 0)
    mark, docs = halves[:, high], halves[:, low]
    repeated = mark[1:] == mark[:-1]
    shared = np.zeros(len(index), dtype=bool)  # marks carried by one article pair nothing
    shared[1:] |= repeated
    shared[:-1] |= repeated
    del repeated
    mark, docs = mark[shared], docs[shared]
    del index, halves, shared
    if len(docs) == 0:
        return np.empty((0, 3), dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], mark[1:] != mark[:-1])))
    del mark
    lengths = np.diff(np.append(starts, len(docs)))
    too_common = max(MIN_COMMON, int(COMMON_SHARE * count))
    by_size = np.argsort(lengths, kind="stable")
    found_pairs, found_weights = [], []
    for group in np.split(by_size, np.flatnonzero(np.diff(lengths[by_size])) + 1):
        size = int(lengths[group[0]])
        if size > too_common:
            continue  # a stock phrase, a footer: says nothing about who copied whom
        members = docs[starts[group][:, None] + np.arange(size)].astype(np.int64)  # a row per mark, oldest first
        if size <= ALL_PAIRS_GROUP:
            left, right = np.triu_indices(size, 1)
        else:  # each of the EARLIEST oldest with every later one: a star, not a clique
            left, right = np.nonzero(np.arange(size)[None, :] > np.arange(EARLIEST)[:, None])
        # Rows are sorted by article number, so left < right within each row.
        pairs, times = np.unique((members[:, left] * count + members[:, right]).ravel(), return_counts=True)
        found_pairs.append(pairs)
        # A mark many articles carry (a name, a title) says less about a pair than a rare one.
        found_weights.append(times * min(1.0, RARE / size))
    if not found_pairs:
        return np.empty((0, 3), dtype=np.int64)
    pairs, inverse = np.unique(np.concatenate(found_pairs), return_inverse=True)
    shared = np.bincount(inverse, weights=np.concatenate(found_weights))
    x, y = pairs // count, pairs % count
    smaller = np.minimum(sizes[x], sizes[y])
    keep = (shared >= MIN_SHARED_MARKS) & (shared >= MARK_SHARE * smaller)
    return np.stack([x[keep], y[keep], np.round(shared[keep]).astype(np.int64)], axis=1)


# --- 3. Alignment --------------------------------------------------------------------------

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


def align(fa: Fingerprint, fb: Fingerprint, anchors_a=None, anchors_b=None) -> list[Match]:
    """Shared passages of two texts, in order of text A.

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
            for a, a_end, b, b_end, _, _, words_a, words_b in passages if words_a >= MIN_PASSAGE_WORDS]


@dataclass(frozen=True)
class _Pair:
    x: int  # article numbers (in order of earliness)
    y: int
    matches: tuple[Match, ...]
    words_x: int  # words of x in shared passages
    words_y: int


def _align_range(state, lo: int, hi: int) -> list[_Pair | None]:
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


def _pair(x: int, y: int, matches: tuple[Match, ...]) -> _Pair | None:
    return _Pair(x, y, matches, sum(m.words for m in matches), sum(m.words_b for m in matches)) if matches else None


def _aligned(prints: list[Fingerprint], todo: list[tuple[int, int]], known: dict | None,
             workers: int | None) -> list[_Pair | None]:
    """Each pair of `todo` aligned. With `known`, the matches of earlier alignments by the content
    keys of both texts (the earlier text first), a pair of texts aligned before is not aligned
    again: an alignment depends on the two fingerprints alone, and those on the texts. `known`
    is then left holding the pairs of `todo`, for the next build."""
    if known is None or not all(fp.key for fp in prints):
        return _in_workers(_align_range, (prints, todo), len(todo), workers)
    keys = [(prints[x].key, prints[y].key) for x, y in todo]
    # A stored alignment reaching outside its texts is not theirs: align the pair again.
    again = [n for n, (key, (x, y)) in enumerate(zip(keys, todo))
             if key not in known or not _fits(known[key], len(prints[x].words), len(prints[y].words))]
    made = _in_workers(_align_range, (prints, [todo[n] for n in again]), len(again), workers)
    matches = {key: known[key] for key in keys if key in known}
    matches.update((keys[n], pair.matches if pair else ()) for n, pair in zip(again, made))
    known.clear()
    known.update(matches)
    return [_pair(x, y, matches[key]) for (x, y), key in zip(todo, keys)]


def _fits(matches: tuple[Match, ...], words_a: int, words_b: int) -> bool:
    return all(0 <= m.a <= m.a_end <= words_a and 0 <= m.b <= m.b_end <= words_b for m in matches)


# --- 5. Direction --------------------------------------------------------------------------

# Words that credit an outlet named right after them ("reported Sputnik", "Originally posted
# at example.org") or right before them ("Sputnik reported"), in case-folded text.
_CREDIT_BEFORE = re.compile(
    r"\b(?:reported(?:\s+by)?|according\s+to|(?:originally|first)\s+(?:posted|published|appeared)"
    r"\s+(?:at|on|in|by)|via|source:|courtesy\s+of|told)\s+(?:the\s+)?$")
_CREDIT_AFTER = re.compile(r"[\s,]+(?:reported|reports|wrote)\b")


_WIRE_DATELINE = re.compile(r"^[^\n()]{2,80}?\((?P<name>[^()\n]{2,40})\)\s*[-\u2013\u2014]")


def _acronym(name: str) -> str:
    """"AP" for Associated Press, "AFP" for Agence France-Presse: how wire datelines name agencies."""
    parts = [p for p in re.split(r"[\s-]+", name) if p[:1].isalpha()]
    return "".join(p[0] for p in parts).casefold() if len(parts) >= 2 else ""


class Credits:
    """Whether an article credits an outlet: front matter `original`, or its text ("reported X")."""

    def __init__(self, sources: Mapping[str, Source]):
        self._names = {source.id: sorted({" ".join(n.casefold().split()) for n in (source.name, *source.domains)
                                          if n.strip()}, key=lambda n: (-len(n), n))
                       for source in sources.values()}
        self._display = {source.id: source.name for source in sources.values()}
        self._acronyms = {source.id: _acronym(source.name) for source in sources.values()}
        self._credited: dict[str, tuple[str, ...]] = {}

    def name(self, source_id: str) -> str:
        return self._display.get(source_id, source_id)

    def credited(self, article: Article) -> tuple[str, ...]:
        """Every outlet the article credits as the source of its text, in id order."""
        if article.slug not in self._credited:
            found = {article.original.source} if article.original is not None else set()
            found |= {source_id for source_id in self._names if self.gives(article, source_id)}
            dateline = _WIRE_DATELINE.match(plain_text(article))
            if dateline:  # "KATHMANDU, Nepal (AP) -"
                key = " ".join(dateline.group("name").casefold().split())
                found |= {source_id for source_id, names in self._names.items()
                          if key in names or key == self._acronyms[source_id]}
            self._credited[article.slug] = tuple(sorted(found - {article.publisher}))
        return self._credited[article.slug]

    def gives(self, article: Article, source_id: str) -> bool:
        if article.original is not None and article.original.source == source_id:
            return True
        names = self._names.get(source_id)
        if not names:
            return False
        text = " ".join(plain_text(article).split()).casefold()
        for name in names:  # most texts never name the other outlet: one search each
            at = text.find(name)
            while at >= 0:
                end = at + len(name)
                whole = (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum())
                if whole and (_CREDIT_BEFORE.search(text, max(0, at - 60), at) or _CREDIT_AFTER.match(text, end)):
                    return True
                at = text.find(name, at + 1)
        return False


def _orient(a: Article, b: Article, share_a: float, share_b: float,
            credits: Credits) -> tuple[Article, Article, str, str]:
    """Return (copy, original, kind, basis). share_x is the share of x's words found in the other."""
    for x, y in ((a, b), (b, a)):
        if y.slug in x.reprint_of:
            return x, y, "copy", "front matter"
    for x, y in ((a, b), (b, a)):
        if x.original and x.original.article == y.slug:
            return x, y, "copy", "attribution"
    bounds_a, bounds_b = a.date.bounds(), b.date.bounds()
    if bounds_a and bounds_b:  # month and year dates are ranges: only disjoint ranges decide
        if bounds_a[1] < bounds_b[0]:
            return b, a, "copy", "dates"
        if bounds_b[1] < bounds_a[0]:
            return a, b, "copy", "dates"
    if a.publisher != b.publisher:
        credits_b = credits.gives(a, b.publisher)
        credits_a = credits.gives(b, a.publisher)
        if credits_b != credits_a:
            return (a, b, "copy", "attribution") if credits_b else (b, a, "copy", "attribution")
    # Containment alone: a clear partial copy is mostly inside a longer original. Not when the
    # shorter text credits a third outlet for its words (an agency alert, and a longer text that
    # carries the same alert with an update on top): both may carry that outlet's text.
    for x, y, share_x, share_y in ((a, b, share_a, share_b), (b, a, share_b, share_a)):
        if share_x - share_y >= ASYMMETRY and share_x >= MOSTLY:
            elsewhere = [s for s in credits.credited(x) if s != y.publisher]
            if not elsewhere:
                return x, y, "copy", "containment"
            first, second = sorted((a, b), key=lambda art: art.slug)
            return second, first, "same-text", (f"{x.slug} credits {credits.name(elsewhere[0])} for its text, so the "
                                                f"longer {y.slug} is not taken for its original")
    first, second = sorted((a, b), key=lambda art: art.slug)
    return second, first, "same-text", "no evidence of direction"


# --- 6. Earliest witness -------------------------------------------------------------------

@dataclass(frozen=True)
class _Relation:
    copy: int
    original: int
    kind: str
    basis: str
    copy_words: int
    original_words: int
    spans: tuple[tuple[int, int, int, int, int], ...]  # (copy lo, hi, original lo, hi, words)
    forced: bool  # set by hand in front matter: never dropped


def _earliest_witnesses(relations: list[_Relation], sizes: list[int]) -> list[_Relation]:
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
    by_copy: dict[int, list[_Relation]] = defaultdict(list)
    for r in relations:
        if r.kind == "copy":
            by_copy[r.copy].append(r)
    kept: list[_Relation] = []
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


# --- detect: the stages in order ------------------------------------------------------------

def _earliness(article: Article):
    bounds = article.date.bounds()
    return (0, bounds[0], bounds[1], article.slug) if bounds else (1, "", "", article.slug)


def detect(articles: tuple[Article, ...] | list[Article], min_shared_words: int = 40,
           min_share: float = 0.15, sources: Mapping[str, Source] | None = None,
           prints: list[Fingerprint] | None = None, workers: int | None = None,
           alignments: dict | None = None) -> tuple[Reprint, ...]:
    """Every reprint relation among `articles`, sorted by (copy, original).

    `alignments` (see _aligned), when given with `prints` made with their keys, spares aligning
    again the pairs of texts an earlier build aligned, and is updated with this build's pairs."""
    if prints is None:
        prints = fingerprints(articles, workers=workers)
    # Number the articles oldest first: candidates and witnesses both rely on this order.
    order = sorted(range(len(articles)), key=lambda n: _earliness(articles[n]))
    arts = [articles[n] for n in order]
    prints = [prints[n] for n in order]
    number = {article.slug: n for n, article in enumerate(arts)}

    found = candidate_pairs(prints)
    pairs = {(int(x), int(y)) for x, y, _ in found}
    forced = set()
    for n, article in enumerate(arts):
        for slug in article.reprint_of:
            if slug in number:
                pair = (min(n, number[slug]), max(n, number[slug]))
                pairs.add(pair)
                forced.add(pair)
    rejected = {(min(n, number[s]), max(n, number[s]))
                for n, article in enumerate(arts) for s in article.not_reprint_of if s in number}
    todo = sorted(pairs - rejected)
    aligned = _aligned(prints, todo, alignments, workers)

    credits = Credits(sources or {})
    sizes = [len(fp.words) for fp in prints]
    relations = []
    for (x, y), pair in zip(todo, aligned):
        matches = pair.matches if pair else ()
        words_x = pair.words_x if pair else 0
        words_y = pair.words_y if pair else 0
        share_x, share_y = words_x / max(1, sizes[x]), words_y / max(1, sizes[y])
        is_forced = (x, y) in forced
        if not is_forced and (min(words_x, words_y) < min_shared_words or max(share_x, share_y) < min_share):
            continue
        copy, original, kind, basis = _orient(arts[x], arts[y], share_x, share_y, credits)
        flip = copy is arts[y]
        spans = tuple((m.b, m.b_end, m.a, m.a_end, m.words_b) if flip else (m.a, m.a_end, m.b, m.b_end, m.words)
                      for m in matches)
        relations.append(_Relation(
            copy=y if flip else x, original=x if flip else y, kind=kind, basis=basis,
            copy_words=words_y if flip else words_x, original_words=words_x if flip else words_y,
            spans=spans, forced=is_forced or basis == "front matter"))
    relations = sorted(_earliest_witnesses(relations, sizes), key=lambda r: (arts[r.copy].slug, arts[r.original].slug))
    return tuple(_in_workers(_reprints_range, (relations, arts, prints), len(relations), workers))


def _reprints_range(state, lo: int, hi: int) -> list[Reprint]:
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


def _to_reprint(r: _Relation, spans, arts: list[Article], copy_spans, original_spans) -> Reprint:
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


# --- Hook for the Spark job (spark_reprints.py) ---------------------------------------------
# It runs detect's own steps in its executors, so that its answers are detect's by construction:
# the order of earliness, direction, the relation record, earliest witnesses, character offsets.
earliness, orient, Relation, earliest_witnesses, relations_to_reprints = (
    _earliness, _orient, _Relation, _earliest_witnesses, _reprints_range)

# --- The comparison a reader sees ------------------------------------------------------------

@dataclass(frozen=True)
class Piece:
    """A stretch of one side's text: "same" (copied as is), "replaced", "inserted" (only in
    the copy), "deleted" (only in the original), "gap" (spacing and punctuation between words)
    or "only" (text outside every shared passage)."""

    kind: str
    text: str
    other: str = ""  # for "replaced": what stands in its place on the other side


@dataclass(frozen=True)
class Row:
    """One line of the side-by-side view: a shared passage, or the text that follows one."""

    passage: int | None  # number of the passage in the copy's order; None for unshared text
    original_order: int | None  # the passage's number in the original's order
    copy: tuple[tuple[Piece, ...], ...]  # paragraphs of pieces
    original: tuple[tuple[Piece, ...], ...]


@dataclass(frozen=True)
class Comparison:
    rows: tuple[Row, ...]
    replaced: int  # word-level edits inside the shared passages, by kind
    inserted: int
    deleted: int

    @property
    def edits(self) -> int:
        return self.replaced + self.inserted + self.deleted


def compare(copy_text: str, original_text: str, passages: Iterable[Passage]) -> Comparison:
    """The two texts side by side: shared passages aligned word by word, and the text only one
    side has placed after the passage it follows (in that side's own order)."""
    passages = sorted(passages, key=lambda p: (p.copy_start, p.original_start))
    copy_words = [(s, e, w) for w, s, e in words(copy_text)]
    original_words = [(s, e, w) for w, s, e in words(original_text)]
    by_original = sorted(range(len(passages)), key=lambda k: passages[k].original_start)
    rank = {k: n + 1 for n, k in enumerate(by_original)}

    # Text of the original outside every passage, each stretch placed after the passage that
    # precedes it in the original (stretches before the first passage open the comparison).
    after: dict[int | None, list[tuple[int, int]]] = defaultdict(list)
    previous, reached = None, 0
    for k in by_original:
        p = passages[k]
        if p.original_start > reached:
            after[previous].append((reached, p.original_start))
        if p.original_end > reached:
            previous, reached = k, p.original_end
    if reached < len(original_text):
        after[previous].append((reached, len(original_text)))

    def unshared(text: str, stretches) -> tuple[tuple[Piece, ...], ...]:
        blocks = [block.strip() for lo, hi in stretches for block in text[lo:hi].split("\n\n")]
        return tuple((Piece("only", block),) for block in blocks if re.search(r"\w", block))

    rows, counts = [], {"replaced": 0, "inserted": 0, "deleted": 0}
    copy_reached = 0
    for k in [None, *range(len(passages))]:
        if k is not None:
            p = passages[k]
            copy_side, original_side = _aligned_pieces(copy_text, original_text, copy_words,
                                                       original_words, p, counts)
            rows.append(Row(k + 1, rank[k], (copy_side,), (original_side,)))
            copy_reached = max(copy_reached, p.copy_end)
        copy_next = passages[k + 1].copy_start if k is not None and k + 1 < len(passages) else (
            passages[0].copy_start if k is None and passages else len(copy_text))
        copy_only = unshared(copy_text, [(copy_reached, copy_next)] if copy_next > copy_reached else [])
        original_only = unshared(original_text, after.get(k, []))
        if copy_only or original_only:
            rows.append(Row(None, None, copy_only, original_only))
    return Comparison(tuple(rows), counts["replaced"], counts["inserted"], counts["deleted"])


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in the punctuation between a passage and its paragraph's edges (quote marks, a
    full stop), so that the passage reads as written; words stay outside."""
    opening = text.rfind("\n\n", 0, start)
    opening = 0 if opening < 0 else opening + 2
    closing = text.find("\n\n", end)
    closing = len(text) if closing < 0 else closing
    if not re.search(r"\w", text[opening:start]):
        start = opening
    if not re.search(r"\w", text[end:closing]):
        end = closing
    return start, end


def _aligned_pieces(copy_text, original_text, copy_words, original_words, p: Passage, counts):
    """The word-by-word alignment of one passage, as the pieces of each side."""
    copy_start, copy_end = _widen(copy_text, p.copy_start, p.copy_end)
    original_start, original_end = _widen(original_text, p.original_start, p.original_end)
    cw = [w for w in copy_words if w[0] >= copy_start and w[1] <= copy_end]
    ow = [w for w in original_words if w[0] >= original_start and w[1] <= original_end]
    matcher = difflib.SequenceMatcher(None, [w[2] for w in cw], [w[2] for w in ow], autojunk=False)
    copy_side: list[Piece] = []
    original_side: list[Piece] = []

    def add(side: list[Piece], text: str, spans, lo: int, hi: int, kind: str, other: str = "") -> None:
        if lo == hi:
            return
        if spans[lo][0] > side_end[id(side)]:  # what lies before or between words
            side.append(Piece("gap", text[side_end[id(side)]:spans[lo][0]]))
        side.append(Piece(kind, text[spans[lo][0]:spans[hi - 1][1]], other))
        side_end[id(side)] = spans[hi - 1][1]

    side_end = {id(copy_side): copy_start, id(original_side): original_start}
    for tag, c_lo, c_hi, o_lo, o_hi in matcher.get_opcodes():
        copy_part = copy_text[cw[c_lo][0]:cw[c_hi - 1][1]] if c_hi > c_lo else ""
        original_part = original_text[ow[o_lo][0]:ow[o_hi - 1][1]] if o_hi > o_lo else ""
        if tag == "equal":
            add(copy_side, copy_text, cw, c_lo, c_hi, "same")
            add(original_side, original_text, ow, o_lo, o_hi, "same")
        elif tag == "replace":
            counts["replaced"] += 1
            add(copy_side, copy_text, cw, c_lo, c_hi, "replaced", original_part)
            add(original_side, original_text, ow, o_lo, o_hi, "replaced", copy_part)
        elif tag == "delete":  # words of the copy the original does not have
            counts["inserted"] += 1
            add(copy_side, copy_text, cw, c_lo, c_hi, "inserted")
        else:  # words of the original the copy left out
            counts["deleted"] += 1
            add(original_side, original_text, ow, o_lo, o_hi, "deleted")
    for side, text, end in ((copy_side, copy_text, copy_end), (original_side, original_text, original_end)):
        if side_end[id(side)] < end:  # punctuation after the last word
            side.append(Piece("gap", text[side_end[id(side)]:end]))
    return tuple(copy_side), tuple(original_side)
