"""The marks' postings (mark -> the articles carrying it) kept between detections, and the
candidates of a few articles looked up in them, weighed exactly as candidates.search weighs
the candidates of all articles.

The postings are one sorted uint64 array, each entry a mark and an article id
(mark << 32 | id): the inverted index candidates.search sorts anyway. A mark's carriers are
the entries between two binary searches; a changed text removes and inserts its own entries.
"""

from __future__ import annotations

import numpy as np

from .candidates import ALL_PAIRS_GROUP, EARLIEST, MARK_SHARE, MIN_SHARED_MARKS, mark_weights

MARGIN = 1e-9  # float sums of the same weights in another order differ by far less
_LOW = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)


def _entries(marks: np.ndarray, article: int) -> np.ndarray:
    return (marks.astype(np.uint64) << _SHIFT) | np.uint64(article)


def _bounds(postings: np.ndarray, marks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    first = marks.astype(np.uint64) << _SHIFT
    return np.searchsorted(postings, first), np.searchsorted(postings, first | _LOW, side="right")


def group_sizes(postings: np.ndarray, marks: np.ndarray) -> np.ndarray:
    """How many articles carry each of `marks`."""
    lo, hi = _bounds(postings, marks)
    return (hi - lo).astype(np.int64)


def members(postings: np.ndarray, mark: int) -> list[int]:
    """The ids of the articles carrying `mark`."""
    lo, hi = _bounds(postings, np.array([mark], dtype=np.uint32))
    return (postings[lo[0]:hi[0]] & _LOW).astype(np.int64).tolist()


def change_postings(postings: np.ndarray, removed: dict[int, np.ndarray], added: dict[int, np.ndarray]):
    """The postings without the entries of the texts `removed` had (article id -> marks) and with
    those of the texts they now have; None if an entry to remove is not there (the postings are
    not those of the fingerprints they were given)."""
    out = [_entries(marks, i) for i, marks in removed.items()]
    gone = np.sort(np.concatenate(out)) if out else np.empty(0, np.uint64)
    where = np.searchsorted(postings, gone)
    if np.any(where >= len(postings)) or np.any(postings[np.minimum(where, len(postings) - 1)] != gone):
        return None
    put = [_entries(marks, i) for i, marks in added.items()]
    new = np.sort(np.concatenate(put)) if put else np.empty(0, np.uint64)
    if len(where) + len(new) > FEW_CHANGES:
        postings = np.delete(postings, where)
        return np.insert(postings, np.searchsorted(postings, new), new)
    return _spliced(postings, where, new)


# Up to this many entries removed and added (a few dozen texts' marks), change_postings copies
# the postings once, in pieces between the changes; past it numpy's delete and insert, which
# copy them twice (at 100,000 articles the postings are 230 MB) but pay no Python step a change.
FEW_CHANGES = 20_000


def _spliced(postings: np.ndarray, where: np.ndarray, new: np.ndarray) -> np.ndarray:
    """`postings` without the entries at the sorted positions `where` and with the sorted `new`
    entries in their places, made in one new array. Each new entry goes before the first entry
    not below it, before an equal entry removed: the result is sorted as np.insert's would be."""
    result = np.empty(len(postings) - len(where) + len(new), dtype=postings.dtype)
    places = np.searchsorted(postings, new).tolist()
    # Changes in order of their place in `postings`; at one place, insertions before a removal.
    changes = sorted([(place, 0, value) for place, value in zip(places, new.tolist())]
                     + [(place, 1, 0) for place in where.tolist()])
    taken = written = 0
    for place, removal, value in changes:
        kept = place - taken  # the entries before this change, since the last
        result[written:written + kept] = postings[taken:place]
        written, taken = written + kept, place
        if removal:
            taken += 1
        else:
            result[written] = value
            written += 1
    result[written:] = postings[taken:]
    return result


def pair_weights(articles: list[int], marks: dict[int, np.ndarray], postings: np.ndarray, rank: np.ndarray,
                 sizes: np.ndarray, too_common: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of one of `articles` (ids, each with its marks) with an article sharing a mark
    with it: (pairs as rows (lower id, higher id), weight, whether a candidate).

    The weight is candidates.search's to the last bit: a mark adds min(1, RARE / carriers) unless
    more than `too_common` carry it, or more than ALL_PAIRS_GROUP do and neither article is among
    its EARLIEST carriers by earliness (`rank`); the marks of one group size are counted, then
    the sizes' sums added in increasing size.
    """
    empty = (np.empty((0, 2), np.int64), np.empty(0), np.empty(0, bool))
    if not articles:
        return empty
    owner = np.repeat(np.array(articles, dtype=np.int64), [len(marks[i]) for i in articles])
    lo, hi = _bounds(postings, np.concatenate([marks[i] for i in articles]))
    size = (hi - lo).astype(np.int64)
    useful = (size >= 2) & (size <= too_common)
    owner, lo, size = owner[useful], lo[useful], size[useful]
    if not len(size):
        return empty
    # Every carrier of each group: group g's entries are postings[lo[g]:lo[g] + size[g]].
    group = np.repeat(np.arange(len(size)), size)
    starts = np.cumsum(size) - size
    offset = np.arange(len(group)) - starts[group]
    carrier = (postings[lo[group] + offset] & _LOW).astype(np.int64)
    # Each carrier's place among its group's carriers, oldest first.
    place = np.empty(len(group), dtype=np.int64)
    order = np.lexsort((rank[carrier], group))
    place[order] = np.arange(len(group)) - starts[group[order]]
    me = carrier == owner[group]
    own_place = np.zeros(len(size), dtype=np.int64)
    own_place[group[me]] = place[me]
    star = size[group] > ALL_PAIRS_GROUP
    paired = ~me & (~star | (own_place[group] < EARLIEST) | (place < EARLIEST))
    # A pair of two weighed articles is found from both sides: counted from the lower id's only.
    weighed = np.isin(carrier, articles)
    paired &= ~(weighed & (carrier < owner[group]))
    a, b, s = owner[group][paired], carrier[paired], size[group][paired]
    low, high = np.minimum(a, b), np.maximum(a, b)
    key = (low.astype(np.uint64) << _SHIFT) | high.astype(np.uint64)
    # (size, pair) runs: the marks of one size a pair shares, counted.
    order = np.lexsort((key, s))
    key, s = key[order], s[order]
    new = np.ones(len(key), dtype=bool)
    new[1:] = (key[1:] != key[:-1]) | (s[1:] != s[:-1])
    runs = np.flatnonzero(new)
    times = np.diff(np.append(runs, len(key)))
    pairs, inverse = np.unique(key[runs], return_inverse=True)
    shared = np.bincount(inverse, weights=times * mark_weights(s[runs].astype(np.float64)))
    rows = np.stack([(pairs >> _SHIFT).astype(np.int64), (pairs & _LOW).astype(np.int64)], axis=1)
    smaller = np.minimum(sizes[rows[:, 0]], sizes[rows[:, 1]])
    keep = (shared >= MIN_SHARED_MARKS) & (shared >= MARK_SHARE * smaller)
    return rows, shared, keep
