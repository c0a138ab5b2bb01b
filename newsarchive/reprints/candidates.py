"""Step 2 of reprint detection: the pairs of texts worth aligning, proposed by an inverted index
from mark to the articles carrying it; all pairs are never compared."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from .fingerprinting import Fingerprint

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
NEAR = 2.0  # pairs sharing at least this weight have their distance to the thresholds kept (see Search)


def too_common(count: int) -> int:
    """Marks carried by more than this many of `count` articles are dropped."""
    return max(MIN_COMMON, int(COMMON_SHARE * count))


def mark_weights(sizes):
    """What one shared mark carried by `sizes` articles (a number or an array) adds to a pair's weight."""
    return np.minimum(1.0, RARE / sizes)


@dataclass(frozen=True)
class Search:
    """What finding the candidates of every article leaves for a later update (reprints/incremental.py)."""

    found: np.ndarray  # (x, y, shared marks) as candidate_pairs returns
    # For each article, at most the smallest amount by which a pair of it that is not a candidate
    # misses the thresholds: a change that adds less than this to its pairs makes no new candidate.
    gaps: np.ndarray
    postings: np.ndarray  # the inverted index: (mark << 32 | article), sorted


def candidate_pairs(prints: list[Fingerprint], min_shared_marks: float = MIN_SHARED_MARKS,
                    mark_share: float = MARK_SHARE) -> np.ndarray:
    """Pairs (x, y, shared marks) with x < y worth aligning, found through an inverted index:
    those sharing at least `min_shared_marks` weighted marks, and `mark_share` of the smaller
    text's marks.

    `prints` must be in order of earliness (oldest first): within a large group of articles
    sharing a mark, only the earliest are paired with the rest.
    """
    return search(prints, min_shared_marks, mark_share, keep_postings=False).found


def search(prints: list[Fingerprint], min_shared_marks: float = MIN_SHARED_MARKS,
           mark_share: float = MARK_SHARE, keep_postings: bool = True) -> Search:
    """candidate_pairs, with what an incremental update needs: the postings and each article's gap."""
    count = len(prints)
    sizes = np.fromiter((len(fp.marks) for fp in prints), dtype=np.int64, count=count)
    gaps = np.full(count, min_shared_marks - NEAR)
    nothing = np.empty((0, 3), dtype=np.int64)
    if count < 2 or not sizes.any():
        return Search(nothing, gaps, _postings(prints, sizes) if keep_postings else np.empty(0, np.uint64))
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
    postings = index if keep_postings else np.empty(0, np.uint64)  # not written to below
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
        return Search(nothing, gaps, postings)
    starts = np.flatnonzero(np.concatenate(([True], mark[1:] != mark[:-1])))
    del mark
    lengths = np.diff(np.append(starts, len(docs)))
    common = too_common(count)
    by_size = np.argsort(lengths, kind="stable")
    found_pairs, found_weights = [], []
    for group in np.split(by_size, np.flatnonzero(np.diff(lengths[by_size])) + 1):
        size = int(lengths[group[0]])
        if size > common:
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
        found_weights.append(times * mark_weights(size))
    if not found_pairs:
        return Search(nothing, gaps, postings)
    pairs, inverse = np.unique(np.concatenate(found_pairs), return_inverse=True)
    shared = np.bincount(inverse, weights=np.concatenate(found_weights))
    x, y = pairs // count, pairs % count
    smaller = np.minimum(sizes[x], sizes[y])
    keep = (shared >= min_shared_marks) & (shared >= mark_share * smaller)
    near = ~keep & (shared >= NEAR)  # the others miss by more than min_shared_marks - NEAR
    missed = np.maximum(min_shared_marks, mark_share * smaller[near]) - shared[near]
    np.minimum.at(gaps, x[near], missed)
    np.minimum.at(gaps, y[near], missed)
    return Search(np.stack([x[keep], y[keep], np.round(shared[keep]).astype(np.int64)], axis=1), gaps, postings)


def _postings(prints: list[Fingerprint], sizes: np.ndarray) -> np.ndarray:
    index = np.repeat(np.arange(len(prints), dtype=np.uint64), sizes)
    if len(index):
        index |= np.concatenate([fp.marks for fp in prints]).astype(np.uint64) << np.uint64(32)
    index.sort()
    return index
