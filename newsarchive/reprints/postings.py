"""The marks' postings (mark -> the articles carrying it) kept between detections, and the
candidates of a few articles looked up in them, weighed exactly as candidates.search weighs
the candidates of all articles.

Each entry is a mark and an article id as one number (mark << 32 | id): the inverted index
candidates.search sorts anyway, so a mark's carriers are the entries between two binary
searches. The postings an update changes are kept as that large sorted array as a full
detection made it (or as mapped from the index file: fpcache.py), with the entries added since
and those of the large array removed since, both small sorted arrays (the way log-structured
databases keep a table). An update then copies none of the large array (at 100,000 articles
230 MB, read from the file only where its binary searches look); they are merged into a new
one once the changes grow past a share of it.
"""

from __future__ import annotations

import numpy as np

from .candidates import ALL_PAIRS_GROUP, EARLIEST, MARK_SHARE, MIN_SHARED_MARKS, mark_weights
from .fingerprinting import distinct

MARGIN = 1e-9  # float sums of the same weights in another order differ by far less
_LOW = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)
_NONE = np.empty(0, np.uint64)
# The changes are merged into the large array once they number more than this share of it:
# rarely (at 100,000 articles, after some 3,000 texts changed), and then in one copy.
MERGE_SHARE = 1 / 32


def _entries(marks: np.ndarray, article: int) -> np.ndarray:
    return (marks.astype(np.uint64) << _SHIFT) | np.uint64(article)


def _bounds(postings: np.ndarray, marks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    first = marks.astype(np.uint64) << _SHIFT
    return np.searchsorted(postings, first), np.searchsorted(postings, first | _LOW, side="right")


def _among(values: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Whether each of `values` is in the sorted array `known`."""
    if not len(known) or not len(values):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(known, values), len(known) - 1)
    return known[at] == values


def _gathered(array: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """array[lo[0]:hi[0]], array[lo[1]:hi[1]], ... one after the other."""
    size = hi - lo
    total = int(size.sum())
    if not total:
        return _NONE
    starts = np.cumsum(size) - size
    return array[np.repeat(lo - starts, size) + np.arange(total)]


def _sorted_entries(texts: dict[int, np.ndarray]) -> np.ndarray:
    entries = [_entries(marks, i) for i, marks in texts.items()]
    return np.sort(np.concatenate(entries)) if entries else _NONE


class Postings:
    """The postings as a large sorted array (`base`) and the changes since it was made: the
    entries `added` since, and those of `base` `removed` since (both sorted, and small)."""

    def __init__(self, base: np.ndarray, added: np.ndarray = _NONE, removed: np.ndarray = _NONE):
        self.base, self.added, self.removed = base, added, removed

    def sizes(self, marks: np.ndarray) -> np.ndarray:
        """How many articles carry each of `marks`."""
        counts = [hi - lo for lo, hi in (_bounds(self.base, marks), _bounds(self.added, marks),
                                         _bounds(self.removed, marks))]
        return (counts[0] + counts[1] - counts[2]).astype(np.int64)

    def of(self, marks: np.ndarray) -> np.ndarray:
        """Every entry of `marks` (each given once), sorted: the postings as far as these marks go."""
        found = _gathered(self.base, *_bounds(self.base, marks))
        found = found[~_among(found, self.removed)]
        return np.sort(np.concatenate((found, _gathered(self.added, *_bounds(self.added, marks)))))

    def members(self, mark: int) -> list[int]:
        """The ids of the articles carrying `mark`."""
        return (self.of(np.array([mark], dtype=np.uint32)) & _LOW).astype(np.int64).tolist()

    def changed(self, removed: dict[int, np.ndarray], added: dict[int, np.ndarray]) -> Postings | None:
        """The postings without the entries of the texts `removed` had (article id -> marks) and
        with those of the texts they now have; None if an entry to remove is not there (the
        postings are not those of the fingerprints they were given)."""
        gone, new = _sorted_entries(removed), _sorted_entries(added)
        since = _among(gone, self.added)  # added since the large array was made: they just go
        from_base = gone[~since]
        if not _among(from_base, self.base).all() or _among(from_base, self.removed).any():
            return None
        now_removed = distinct(np.concatenate((self.removed, from_base)))
        given_back = _among(new, now_removed)  # entries of the large array removed, then added again
        now_removed = now_removed[~_among(now_removed, new)]
        now_added = distinct(np.concatenate((self.added[~_among(self.added, gone)], new[~given_back])))
        result = Postings(self.base, now_added, now_removed)
        if len(now_added) + len(now_removed) > MERGE_SHARE * len(self.base):
            return Postings(result.whole())
        return result

    def whole(self) -> np.ndarray:
        """The postings as one sorted array."""
        if not len(self.added) and not len(self.removed):
            return self.base
        where = np.searchsorted(self.base, self.removed)
        if len(where) + len(self.added) > FEW_CHANGES:
            kept = np.delete(self.base, where)
            return np.insert(kept, np.searchsorted(kept, self.added), self.added)
        return _spliced(self.base, where, self.added)


# Up to this many entries removed and added (a few dozen texts' marks), `whole` copies the
# large array once, in pieces between the changes; past it numpy's delete and insert, which
# copy it twice (at 100,000 articles the postings are 230 MB) but pay no Python step a change.
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


def pair_weights(articles: list[int], marks: dict[int, np.ndarray], postings: Postings, rank: np.ndarray,
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
    looked_up = np.concatenate([marks[i] for i in articles])
    size = postings.sizes(looked_up)
    useful = (size >= 2) & (size <= too_common)
    owner, looked_up, size = owner[useful], looked_up[useful], size[useful]
    if not len(size):
        return empty
    # The entries of those marks, as one sorted array: the groups are read from it.
    entries = postings.of(distinct(looked_up))
    lo = np.searchsorted(entries, looked_up.astype(np.uint64) << _SHIFT)
    # Every carrier of each group: group g's entries are entries[lo[g]:lo[g] + size[g]].
    group = np.repeat(np.arange(len(size)), size)
    starts = np.cumsum(size) - size
    offset = np.arange(len(group)) - starts[group]
    carrier = (entries[lo[group] + offset] & _LOW).astype(np.int64)
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
