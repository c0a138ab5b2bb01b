"""Reprint relations brought up to date after a few articles were added, edited or deleted,
equal to what `detect` finds from scratch, at a cost that follows the change.

A full detection leaves an `Index`: the marks' postings (mark -> articles), each article's
earliness number, the candidate pairs, the relations before and after earliest witnesses, and
for each article a gap: at most how much weight any of its pairs that is not a candidate lacks
to become one. An update then

1. changes the postings of the changed texts only, and their earliness numbers;
2. looks the candidates of each changed text up in the postings (postings.pair_weights), and
   those of the unchanged articles a change can reach: a changed mark's group grows or shrinks,
   so the weight of pairs of its other carriers moves. An old candidate in such a group is
   weighed again; a pair that is not a candidate can only become one if what it gains reaches
   its article's gap, so only articles whose gains reach their gap are weighed again;
3. aligns and orients only pairs that are new or touch a changed article (the others keep
   their relation: alignment and direction read the pair's two articles alone);
4. decides earliest witnesses again for the copies whose relations, or whose originals'
   relations, changed, and for same-text pairs next to them; character offsets only for
   relations that are new or changed.

What it cannot bring up to date exactly, it declines, saying why, and the caller detects
everything (`detect_indexed`): no index or other settings, a change to more than a few
articles, or an archive size that moves the limit above which marks are dropped.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter, itemgetter, ne, or_
from typing import Mapping, NamedTuple

import numpy as np

from .. import workers as pool
from ..digests import blake
from ..model import Article, Reprint, Source
from .candidates import ALL_PAIRS_GROUP, MARK_SHARE, MIN_SHARED_MARKS, NEAR, RARE, Search, mark_weights, too_common
from .direction import Credits
from .fingerprinting import CHUNK, PARALLEL_MIN, VERSION, Fingerprint, Prints, distinct
from .offsets import reprints_range
from .postings import MARGIN, Postings, pair_weights
from .relate import relate
from .witnesses import Relation, earliest_witnesses

FORMAT = "reprint index 2"
MOST_CHANGED = 0.02  # a change to more than this share of the articles (and over 50) is detected whole


def earliness(article: Article):
    """Sort key, oldest first: dated articles by the start and end of their date's range, then
    undated ones; the slug breaks ties."""
    bounds = article.date.bounds()
    return (0, bounds[0], bounds[1], article.slug) if bounds else (1, "", "", article.slug)


def settings(min_shared_words: int, min_share: float, sources: Mapping[str, Source] | None) -> bytes:
    """Digest of what detection reads besides the articles."""
    outlets = sorted((s.id, s.name, tuple(s.domains)) for s in (sources or {}).values())
    return hashlib.sha256(repr((FORMAT, VERSION, min_shared_words, min_share, outlets)).encode()).digest()


def read_by_detection(article: Article, fp: Fingerprint) -> tuple:
    """All that detection reads of an article: equal tuples, equal relations."""
    return (fp.key, article.date.bounds(), article.publisher, article.original, article.reprint_of,
            article.not_reprint_of)


class Seen(NamedTuple):
    """What the index knows of an article as detection last read it."""

    text_key: str  # its fingerprint's key
    digest: bytes | None  # the digest of all its fields, when the caller knows it (ParsedArticle.digest)
    bounds: tuple | None  # its date's range
    reads: bytes  # the digest of read_by_detection: equal, equal relations

    @classmethod
    def of(cls, article: Article, fp: Fingerprint, digest: bytes | None) -> Seen:
        read = read_by_detection(article, fp)
        return cls(fp.key, digest, read[1], blake(repr(read).encode()))

    def unchanged(self, article: Article, fp: Fingerprint, digest: bytes | None) -> bool:
        """Whether detection reads the same of the article now. An article whose text and fields
        are all as they were is known so from its digests, without reading a field of it."""
        if digest is not None and self.digest == digest and self.text_key == fp.key:
            return True
        return self.reads == Seen.of(article, fp, digest).reads


@dataclass
class Index:
    """What one detection leaves for the next to update. Articles have ids that stay theirs from
    one update to the next (their number in the detection that made the index, then new ones)."""

    settings: bytes
    slugs: list[str]  # by id; "" once the article is gone
    inputs: list[Seen]  # what detection read of each id (GONE: of a deleted article)
    rank: np.ndarray  # int64 earliness number of each id (-1: gone)
    sizes: np.ndarray  # int64 marks of each id's text
    gaps: np.ndarray  # float64, see candidates.Search
    postings: Postings  # (mark << 32 | id) of every text's marks
    candidates: dict[int, set[int]]  # each id's candidate partners
    todo: set[tuple[int, int]]  # pairs compared, (lower id, higher id)
    relations: dict[tuple[int, int], tuple]  # by pair: each Relation as a tuple of its fields (read faster)
    kept: dict[tuple[int, int], Reprint]  # the relations earliest witnesses keep
    result: tuple[Reprint, ...]  # kept, sorted by (copy, original)
    unsaved: int = 0  # articles changed by the updates since the index was last written (fpcache.py)


GONE = Seen("", None, None, b"")  # what the index knows of a deleted article's id

_SLUG, _TEXT_KEY = attrgetter("slug"), attrgetter("key")  # of an Article; of a Fingerprint
_DIGEST_AND_TEXT_KEY = itemgetter(1, 0)  # of a Seen
_REPRINT_OF, _NOT_REPRINT_OF = attrgetter("reprint_of"), attrgetter("not_reprint_of")


def numbered(slugs) -> dict[str, int]:
    """Each slug's position in `slugs`; "" (a deleted article's) is no slug. (Made in C: at
    100,000 articles every update makes three of these.)"""
    number = dict(zip(slugs, range(len(slugs))))
    number.pop("", None)
    return number


def forced_pairs(arts, number: Mapping[str, int]) -> tuple[set, set]:
    """Pairs (lower, higher number) set by hand in front matter: `reprint_of` and `not_reprint_of`."""
    # The few articles that set any, picked out in C (a loop over 100,000 articles: 0.09 s).
    arts = list(compress(arts, map(or_, map(len, map(_REPRINT_OF, arts)), map(len, map(_NOT_REPRINT_OF, arts)))))
    forced = set()
    for article in arts:
        for slug in article.reprint_of:
            if slug in number:
                n, m = number[article.slug], number[slug]
                forced.add((min(n, m), max(n, m)))
    rejected = {(min(number[a.slug], number[s]), max(number[a.slug], number[s]))
                for a in arts for s in a.not_reprint_of if s in number}
    return forced, rejected


def new_index(arts: list[Article], prints: list[Fingerprint], found: Search, candidates: set, todo: list,
              relations: list[Relation], kept: list[Relation], result: tuple[Reprint, ...], digest: bytes,
              digests: Mapping[str, bytes] | None = None) -> Index:
    """The index of a full detection: ids are the articles' earliness numbers. `digests`: each
    article's digest of its fields by slug, where known (update)."""
    digests = digests or {}
    partners: dict[int, set[int]] = {}
    for x, y in candidates:
        partners.setdefault(x, set()).add(y)
        partners.setdefault(y, set()).add(x)
    count = len(arts)
    return Index(digest, [a.slug for a in arts], [Seen.of(a, fp, digests.get(a.slug)) for a, fp in zip(arts, prints)],
                 np.arange(count, dtype=np.int64), np.array([len(fp.marks) for fp in prints], dtype=np.int64),
                 found.gaps.astype(np.float64), Postings(found.postings), partners, set(todo),
                 {_key(r): _row(r) for r in relations}, {_key(r): reprint for r, reprint in zip(kept, result)}, result)


def _key(r: Relation) -> tuple[int, int]:
    """A relation's pair: (lower id, higher id)."""
    return (r.copy, r.original) if r.copy < r.original else (r.original, r.copy)


COPY, ORIGINAL, KIND = 0, 1, 2  # fields of a row


def _row(r: Relation) -> tuple:
    return (r.copy, r.original, r.kind, r.basis, r.copy_words, r.original_words, r.spans, r.forced)


def _numbered(row: tuple, local: dict) -> Relation:
    """The relation of a row, with its articles' ids replaced by their `local` numbers."""
    return Relation(local[row[COPY]], local[row[ORIGINAL]], *row[KIND:])


def update(index: Index | None, articles: list[Article] | tuple[Article, ...], prints: list[Fingerprint],
           previous: Mapping[str, Fingerprint], min_shared_words: int = 40, min_share: float = 0.15,
           sources: Mapping[str, Source] | None = None, workers: int | None = None,
           parallel_min: int = PARALLEL_MIN, digests: Mapping[str, bytes] | None = None,
           ) -> tuple[tuple[Reprint, ...], Index] | str:
    """The relations among `articles` (fingerprinted with their keys, as `prints`), from the index
    of an earlier detection and the fingerprints of that detection's texts (`previous`, by key);
    or, when it cannot, why (then call detect_indexed). `index` is updated in place. `digests`,
    each article's digest of its fields by slug (ParsedArticle.digest), spares reading the fields
    of the articles whose digest and text are as the index saw them."""
    digests = digests or {}
    if index is None:
        return "no index of an earlier detection"
    if index.settings != settings(min_shared_words, min_share, sources):
        return "thresholds or outlets changed"
    keys = prints.keys if isinstance(prints, Prints) else list(map(_TEXT_KEY, prints))
    if not all(keys):
        return "fingerprints made without their keys"
    ident = numbered(index.slugs)
    at = numbered(list(map(_SLUG, articles)))
    changed, added, deleted = _changes(index, ident, at, articles, prints, keys, digests)
    if not (changed or added or deleted):
        return index.result, index
    moved = len(changed) + len(added) + len(deleted)
    if moved > max(50, MOST_CHANGED * len(articles)):
        return f"{moved} articles changed"
    if too_common(len(articles)) != too_common(len(ident)):
        return "the archive's size moved the limit above which marks are dropped"
    if len(index.slugs) + len(added) > 2 * len(articles) + 1000:
        return "too many ids of deleted articles"
    old = {}
    for i in changed + deleted:
        fp = previous.get(index.inputs[i].text_key)
        if fp is None:
            return "a changed text's earlier fingerprint is not in the cache"
        old[i] = fp.marks
    new_ids = list(range(len(index.slugs), len(index.slugs) + len(added)))
    slugs = index.slugs + [articles[n].slug for n in added]
    for i in deleted:
        slugs[i] = ""
    fresh = changed + new_ids  # ids whose (new) text is weighed against every other
    text_of = {i: prints[at[slugs[i]]] for i in fresh}
    postings = index.postings.changed({i: old[i] for i in changed + deleted}, {i: text_of[i].marks for i in fresh})
    if postings is None:
        return "the postings do not match the cached fingerprints"
    ruling = too_common(len(articles))

    # 1. Earliness numbers: the changed articles are taken out and put back where they now belong.
    rank = np.concatenate((index.rank, np.full(len(added), -1, dtype=np.int64)))
    order = np.empty(len(ident), dtype=np.int64)
    alive = np.flatnonzero(index.rank >= 0)
    order[index.rank[alive]] = alive
    order = order[~np.isin(order, changed + deleted)]
    key = (lambda i: earliness(articles[at[slugs[i]]]))
    back = sorted(fresh, key=key)
    order = np.insert(order, [bisect.bisect_left(order, key(i), key=key) for i in back], back)
    rank[:] = -1
    rank[order] = np.arange(len(order))
    sizes = np.concatenate((index.sizes, np.zeros(len(added), dtype=np.int64)))
    for i in fresh:
        sizes[i] = len(text_of[i].marks)

    # 2. Which unchanged articles a change reaches: the carriers of each mark whose group changed.
    gone = {i: old[i] for i in changed + deleted}
    came = {i: text_of[i].marks for i in fresh}
    redated = [i for i in changed if index.inputs[i].bounds != articles[at[slugs[i]]].date.bounds()]
    fresh_set = set(fresh)
    gain, weigh_again = _reach(index, postings, gone, came, redated, fresh_set, len(slugs), ruling)
    gaps = np.concatenate((index.gaps, np.zeros(len(added))))
    near = np.flatnonzero((gain > 0) & (gain >= gaps - MARGIN))
    weigh_again = sorted(weigh_again | fresh_set | set(near.tolist()))
    for i in weigh_again:
        if i not in text_of:
            text_of[i] = prints[at[slugs[i]]]

    # 3. The candidates of those articles, weighed exactly; gaps kept for the next update.
    pairs, shared, kept_pairs = pair_weights(weigh_again, {i: text_of[i].marks for i in weigh_again}, postings,
                                             rank, sizes, ruling)
    gaps -= gain  # what an unchanged pair may have gained, it may lack less
    missed = ~kept_pairs & (shared >= NEAR)
    _gaps(gaps, pairs[missed], shared[missed], sizes, weigh_again)
    candidates = index.candidates
    for i in deleted + weigh_again:
        for j in candidates.pop(i, ()):
            if j in candidates:
                candidates[j].discard(i)
    for x, y in pairs[kept_pairs].tolist():
        candidates.setdefault(x, set()).add(y)
        candidates.setdefault(y, set()).add(x)

    # 4. Pairs to compare: the same as before unless they touch a changed or weighed article.
    number = numbered(slugs)
    touched = set(deleted) | set(weigh_again)
    forced, rejected = forced_pairs(articles, number)
    todo = {p for p in index.todo if p[0] not in touched and p[1] not in touched}
    todo |= {(min(x, y), max(x, y)) for x, y in pairs[kept_pairs].tolist()}
    todo |= {p for p in forced if p[0] in touched or p[1] in touched}
    todo -= {p for p in rejected if p[0] in touched or p[1] in touched}
    redo = {p for p in todo if p[0] in fresh_set or p[1] in fresh_set} | (todo - index.todo)
    relations = {p: r for p, r in index.relations.items() if p in todo and p not in redo}
    made = _relate(sorted(redo), slugs, at, articles, prints, rank, forced, min_shared_words, min_share,
                   sources, workers, parallel_min)
    relations.update(made)
    moved_relations = {p for p in set(index.relations) | set(relations)
                       if index.relations.get(p) != relations.get(p)}

    # 5. Earliest witnesses again where a relation they weigh changed.
    kept_keys = _witnesses(index, relations, moved_relations, fresh_set, slugs, rank, at, prints)
    result = {p: index.kept[p] for p in kept_keys
              if p in index.kept and p not in moved_relations and not (set(p) & fresh_set)}
    todo_offsets = sorted(p for p in kept_keys if p not in result)
    result.update(_offsets(todo_offsets, relations, slugs, at, articles, prints, rank, workers, parallel_min))

    index.slugs, index.rank, index.sizes, index.gaps, index.postings = slugs, rank, sizes, gaps, postings
    index.inputs = index.inputs + [GONE] * len(added)
    for i in deleted:
        index.inputs[i] = GONE
    for i in fresh:
        index.inputs[i] = Seen.of(articles[at[slugs[i]]], text_of[i], digests.get(slugs[i]))
    index.candidates, index.todo, index.relations, index.kept = candidates, todo, relations, result
    index.result = tuple(sorted(result.values(), key=lambda r: (r.copy, r.original)))
    index.unsaved += moved
    return index.result, index


def _changes(index: Index, ident: dict, at: dict, articles, prints, keys: list[str], digests: Mapping[str, bytes],
             ) -> tuple[list, list, list]:
    """Ids of the articles whose detection inputs changed, positions of those added, ids of those
    deleted. An article changed in what detection does not read is known by its new digest.

    The articles whose digest and text key are as the index saw them are unchanged: told apart
    from the others in C, each article's pair against its id's (a loop in Python over 100,000
    articles took 0.35 s); the few others, and all when a digest is unknown, are looked at."""
    slugs = list(at)
    digest_now = list(map(digests.get, slugs))
    if None in digest_now:
        maybe = range(len(slugs))
    else:
        ids = map(ident.get, slugs, repeat(-1))  # -1: an added article's, which no id's pair matches
        seen_pairs = [*map(_DIGEST_AND_TEXT_KEY, index.inputs), None]
        maybe = list(compress(range(len(slugs)), map(ne, zip(digest_now, keys), map(seen_pairs.__getitem__, ids))))
    changed, added = [], []
    for n in maybe:
        slug = slugs[n]
        i = ident.get(slug)
        if i is None:
            added.append(n)
            continue
        seen, digest = index.inputs[i], digest_now[n]
        if not seen.unchanged(articles[n], prints[n], digest):
            changed.append(i)
        elif digest is not None and seen.digest != digest:
            index.inputs[i] = seen._replace(digest=digest)
    deleted = [i for slug, i in ident.items() if slug not in at] if len(ident) + len(added) != len(at) else []
    return changed, added, deleted


def _reach(index: Index, postings: Postings, gone: dict, came: dict, redated: list, fresh: set, count: int,
           ruling: int) -> tuple[np.ndarray, set]:
    """What each unchanged article's pairs with other unchanged articles may have gained at most,
    and the unchanged articles with an old candidate whose weight may have moved."""
    regrouped = [np.setxor1d(distinct(gone.get(i, ())), distinct(came.get(i, ())), assume_unique=True)
                 for i in set(gone) | set(came)]
    regrouped += [distinct(np.concatenate((gone[i], came[i]))) for i in redated]  # its place among every group's carriers moved
    marks = distinct(np.concatenate(regrouped)).astype(np.uint32) if regrouped else np.empty(0, np.uint32)
    now = postings.sizes(marks)
    before = now - _counts(marks, came, gone, plus=True) + _counts(marks, came, gone, plus=False)
    reached = (np.maximum(before, now) > RARE) & (np.minimum(before, now) <= ruling)  # else no pair's weight moves
    gain = np.zeros(count)
    again = set()
    for mark, was, size in zip(marks[reached].tolist(), before[reached].tolist(), now[reached].tolist()):
        carriers = [i for i in postings.members(mark) if i not in fresh]
        if len(carriers) < 2:
            continue
        if size > ruling:
            rise = 0.0
        elif was <= ALL_PAIRS_GROUP and size <= ALL_PAIRS_GROUP:
            rise = max(0.0, float(mark_weights(size) - mark_weights(was)))
        else:  # carriers moved in or out of the earliest few: any pair may gain the whole weight
            rise = float(mark_weights(size))
        gain[carriers] += rise
        group = set(carriers)
        for i in carriers:  # an old candidate whose weight moved is weighed again
            if not index.candidates.get(i, set()).isdisjoint(group):
                again.add(i)
    return gain, again


def _counts(marks: np.ndarray, came: dict, gone: dict, plus: bool) -> np.ndarray:
    """How many carriers each of `marks` gained (plus) or lost."""
    counts = np.zeros(len(marks), dtype=np.int64)
    for i in set(came) | set(gone):
        new, was = came.get(i, np.empty(0, np.uint32)), gone.get(i, np.empty(0, np.uint32))
        new, was = distinct(new), distinct(was)
        moved = np.setdiff1d(new, was, assume_unique=True) if plus else np.setdiff1d(was, new, assume_unique=True)
        counts[np.searchsorted(marks, moved)] += 1
    return counts


def _gaps(gaps: np.ndarray, pairs: np.ndarray, shared: np.ndarray, sizes: np.ndarray, weighed: list[int]) -> None:
    """Gaps of the weighed articles made anew, as candidates.search makes them, and those of their
    partners lowered to what they lack with them."""
    gaps[weighed] = MIN_SHARED_MARKS - NEAR
    if len(pairs):
        smaller = np.minimum(sizes[pairs[:, 0]], sizes[pairs[:, 1]])
        missed = np.maximum(MIN_SHARED_MARKS, MARK_SHARE * smaller) - shared
        np.minimum.at(gaps, pairs[:, 0], missed)
        np.minimum.at(gaps, pairs[:, 1], missed)


def _local(ids, rank, slugs, at, articles, prints):
    """Ids in earliness order, with their articles and fingerprints, for the stages that number articles."""
    ordered = sorted(ids, key=lambda i: rank[i])
    return (ordered, {i: n for n, i in enumerate(ordered)},
            None if articles is None else [articles[at[slugs[i]]] for i in ordered],
            [prints[at[slugs[i]]] for i in ordered])


def _relate(redo, slugs, at, articles, prints, rank, forced, min_shared_words, min_share, sources, workers,
            parallel_min) -> dict:
    """The relations of the pairs `redo` (pairs of ids) that are reprints, as rows by pair."""
    ids, local, arts, fps = _local({i for p in redo for i in p}, rank, slugs, at, articles, prints)
    todo = sorted((min(local[x], local[y]), max(local[x], local[y])) for x, y in redo)
    forced_here = {(min(local[x], local[y]), max(local[x], local[y])) for x, y in redo if (x, y) in forced}
    made = relate(arts, fps, todo, forced_here, min_shared_words, min_share, Credits(sources or {}), None,
                  workers, parallel_min)
    found = {}
    for r in made:
        r = dataclasses.replace(r, copy=ids[r.copy], original=ids[r.original])
        found[_key(r)] = _row(r)
    return found


def _witnesses(index: Index, relations: dict, moved: set, fresh: set, slugs, rank, at, prints) -> set:
    """The keys of the relations earliest_witnesses keeps, deciding again only where it may differ."""
    copies: dict[int, list] = {}  # copy -> keys of its copy relations
    copies_of_original: dict[int, list] = {}
    same_text: dict[int, list] = {}  # article -> keys of its same-text relations
    for p, r in relations.items():
        if r[KIND] == "copy":
            copies.setdefault(r[COPY], []).append(p)
            copies_of_original.setdefault(r[ORIGINAL], []).append(r[COPY])
        else:
            same_text.setdefault(r[COPY], []).append(p)
            same_text.setdefault(r[ORIGINAL], []).append(p)
    regrouped = set(fresh)
    for p in moved:
        for r in (index.relations.get(p), relations.get(p)):
            if r is not None and r[KIND] == "copy":
                regrouped.add(r[COPY])
    dirty = set(regrouped)
    for o in regrouped:
        dirty.update(copies_of_original.get(o, ()))
    again = {p for p in moved if p in relations and relations[p][KIND] == "same-text"}
    for side in dirty:
        again.update(same_text.get(side, ()))
    deciding = dirty | {i for p in again for i in p}
    weighed = {p for c in deciding for p in copies.get(c, ())}
    context = set(weighed) | again
    for p in weighed:
        context.update(copies.get(relations[p][ORIGINAL], ()))
    ids, local, _, fps = _local({i for p in context for i in p}, rank, slugs, at, None, prints)
    chosen = earliest_witnesses([_numbered(relations[p], local) for p in sorted(context)],
                                [len(fp.words) for fp in fps])
    decided = weighed | again
    keep = {(min(ids[r.copy], ids[r.original]), max(ids[r.copy], ids[r.original])) for r in chosen}
    kept = {p for p in index.kept if p in relations and p not in decided and p not in moved}
    return kept | (keep & decided)


def _offsets(keys, relations, slugs, at, articles, prints, rank, workers, parallel_min) -> dict:
    """The Reprint of each relation of `keys`, with its passages as character offsets."""
    ids, local, arts, fps = _local({i for p in keys for i in p}, rank, slugs, at, articles, prints)
    rels = [_numbered(relations[p], local) for p in keys]
    made = pool.run(reprints_range, (rels, arts, fps), len(rels), workers, parallel_min, largest=CHUNK)
    return dict(zip(keys, made))
