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
5. Direction (`orient`): front matter, then dates as the ranges their precision allows, then
   attribution ("reported Sputnik", front matter `original`), then containment, which decides
   only a clear partial copy (at least MOSTLY of it inside a longer text, and ASYMMETRY more
   than the other way) that credits no third outlet for its words; with none of these the
   pair is "same-text" (a false direction is worse than none).
6. Earliest witness (`earliest_witnesses`): when several articles carry the same text, each
   copy keeps only the relations to the earliest articles carrying the text it copied.
7. Passages become character offsets into each article's plain text (`plain_text`).

One module per stage: `fingerprinting`, `candidates`, `alignment`, `direction`, `witnesses`,
`offsets` (`relate` runs steps 3 to 5 on a list of pairs); `detect` (here) calls them in order.
`detect_indexed` also returns what an update after a change starts from, and `update`
(`incremental`, with the postings of `postings`) brings those relations up to date, equal to
detecting again. Fingerprinting, alignment and step 7 run in
worker processes (workers.py) when there is enough work. The side-by-side view a comparison
page shows is not detection: it is newsarchive/comparison.py.

The thresholds of each stage were set from measurements on the seeds and on the synthetic
archive of bench/; bench/README.md records those measurements.
"""

from __future__ import annotations

from typing import Mapping

from .. import workers as pool
from ..model import Article, Reprint, Source
from .alignment import MIN_PASSAGE_WORDS, Match, align, anchors
from .candidates import MARK_SHARE, MIN_SHARED_MARKS, candidate_pairs, search
from .direction import ASYMMETRY, Credits, orient
from .fingerprinting import (
    CHUNK, PARALLEL_MIN, SHINGLE, VERSION, WINDOW, Fingerprint, content_key, fingerprint_texts, fingerprints,
    pack_prints, plain_text, unpack_prints,
)
from .incremental import Index, earliness, forced_pairs, new_index, settings, update
from .offsets import reprints_range
from .relate import relate
from .witnesses import Relation, earliest_witnesses

__all__ = [
    "ASYMMETRY", "MARK_SHARE", "MIN_PASSAGE_WORDS", "MIN_SHARED_MARKS", "SHINGLE", "VERSION", "WINDOW",
    "Credits", "Fingerprint", "Index", "Match", "Relation", "align", "anchors", "candidate_pairs", "content_key",
    "detect", "detect_indexed", "earliness", "fingerprint_texts", "fingerprints", "orient", "pack_prints",
    "plain_text", "unpack_prints", "update",
]


def detect(articles: tuple[Article, ...] | list[Article], min_shared_words: int = 40,
           min_share: float = 0.15, sources: Mapping[str, Source] | None = None,
           prints: list[Fingerprint] | None = None, workers: int | None = None,
           alignments: dict | None = None, parallel_min: int = PARALLEL_MIN) -> tuple[Reprint, ...]:
    """Every reprint relation among `articles`, sorted by (copy, original).

    `alignments` (see alignment.align_pairs), when given with `prints` made with their keys, spares aligning
    again the pairs of texts an earlier build aligned, and is updated with this build's pairs."""
    return detect_indexed(articles, min_shared_words, min_share, sources, prints, workers, alignments,
                          parallel_min, keep_index=False)[0]


def detect_indexed(articles: tuple[Article, ...] | list[Article], min_shared_words: int = 40,
                   min_share: float = 0.15, sources: Mapping[str, Source] | None = None,
                   prints: list[Fingerprint] | None = None, workers: int | None = None,
                   alignments: dict | None = None, parallel_min: int = PARALLEL_MIN,
                   keep_index: bool = True, digests: Mapping[str, bytes] | None = None,
                   ) -> tuple[tuple[Reprint, ...], Index | None]:
    """detect, and the Index an incremental update of these relations starts from (incremental.py;
    `digests`, each article's digest of its fields by slug, as for update)."""
    if prints is None:
        prints = fingerprints(articles, workers=workers, parallel_min=parallel_min)
    # Number the articles oldest first: candidates and witnesses both rely on this order.
    order = sorted(range(len(articles)), key=lambda n: earliness(articles[n]))
    arts = [articles[n] for n in order]
    prints = [prints[n] for n in order]
    found = search(prints, keep_postings=keep_index)
    pairs = {(int(x), int(y)) for x, y, _ in found.found}
    forced, rejected = forced_pairs(arts, {article.slug: n for n, article in enumerate(arts)})
    todo = sorted((pairs | forced) - rejected)
    credits = Credits(sources or {})
    relations = relate(arts, prints, todo, forced, min_shared_words, min_share, credits, alignments, workers,
                       parallel_min)
    sizes = [len(fp.words) for fp in prints]
    kept = sorted(earliest_witnesses(relations, sizes), key=lambda r: (arts[r.copy].slug, arts[r.original].slug))
    result = tuple(pool.run(reprints_range, (kept, arts, prints), len(kept), workers, parallel_min, largest=CHUNK))
    if not keep_index:
        return result, None
    return result, new_index(arts, prints, found, pairs, todo, relations, kept, result,
                             settings(min_shared_words, min_share, sources), digests)
