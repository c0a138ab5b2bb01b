"""Find which archived articles copy passages of which, from their texts alone.

1. Each body becomes normalized words (text.words) and word 5-gram shingles.
2. An inverted index from shingle to articles proposes candidate pairs; shingles carried by
   very many articles (stock phrases) are dropped, and no pair is compared unless it shares
   several shingles. Comparing every pair would not scale.
3. Each candidate pair is aligned: runs of shared shingles are found in both texts (so
   reordered paragraphs still align) and runs close to each other merge into passages,
   which tolerates light edits inside a copied paragraph.
4. A pair is a reprint when its passages cover enough words (see Config); the direction
   comes from hand-set relations, attribution, dates, then containment asymmetry.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass

from .model import Article, Passage, Reprint
from .text import words

SHINGLE = 5  # words per shingle: long enough that names and titles rarely fill one alone
MIN_CANDIDATE_SHINGLES = 3  # shared shingles before a pair is worth aligning
MERGE_GAP = 12  # words of edits allowed between two runs of one passage
MIN_PASSAGE_WORDS = 10  # shorter shared stretches are stock phrases, not copying
ASYMMETRY = 0.15  # containment difference that tells the copy from the original


@dataclass(frozen=True)
class Fingerprint:
    slug: str
    text: str  # the plain text the offsets point into
    words: tuple[tuple[str, int, int], ...]
    shingles: tuple[tuple[str, ...], ...]  # shingle i starts at word i
    paragraph: tuple[int, ...]  # paragraph number of each word


def plain_text(article: Article) -> str:
    return "\n\n".join(article.paragraphs)


def fingerprint(article: Article) -> Fingerprint:
    text = plain_text(article)
    found = tuple(words(text))
    tokens = [w for w, _, _ in found]
    shingles = tuple(tuple(tokens[i:i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))
    breaks = [m.start() for m in re.finditer(r"\n\n", text)]
    paragraph = tuple(bisect.bisect(breaks, start) for _, start, _ in found)
    return Fingerprint(article.slug, text, found, shingles, paragraph)


def candidate_pairs(prints: list[Fingerprint]) -> list[tuple[int, int]]:
    """Pairs of indices sharing at least MIN_CANDIDATE_SHINGLES shingles, via an inverted index."""
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for number, fp in enumerate(prints):
        for shingle in set(fp.shingles):
            index[shingle].append(number)
    too_common = max(100, len(prints) // 100)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for holders in index.values():
        if len(holders) < 2 or len(holders) > too_common:
            continue
        for x in range(len(holders)):
            for y in range(x + 1, len(holders)):
                shared[(holders[x], holders[y])] += 1
    return sorted(pair for pair, count in shared.items() if count >= MIN_CANDIDATE_SHINGLES)


@dataclass
class _Run:
    a: int  # first word in text A
    b: int  # first word in text B
    length: int  # words


def _runs(fa: Fingerprint, fb: Fingerprint) -> list[_Run]:
    """Maximal stretches of consecutive shared shingles, in order of text A."""
    positions: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j, shingle in enumerate(fb.shingles):
        positions[shingle].append(j)
    runs: list[_Run] = []
    active: dict[int, _Run] = {}  # next expected position in B -> run being extended
    for i, shingle in enumerate(fa.shingles):
        extended: dict[int, _Run] = {}
        for j in positions.get(shingle, ()):
            run = active.get(j)
            if run is None:
                run = _Run(i, j, SHINGLE)
                runs.append(run)
            else:
                run.length += 1
            extended[j + 1] = run
        active = extended
    # A repeated phrase yields overlapping runs; keep the longest claim on each stretch of A.
    runs.sort(key=lambda r: (-r.length, r.a, r.b))
    taken_a, taken_b, kept = set(), set(), []
    for run in runs:
        span_a = set(range(run.a, run.a + run.length))
        span_b = set(range(run.b, run.b + run.length))
        if span_a & taken_a or span_b & taken_b:
            continue
        taken_a |= span_a
        taken_b |= span_b
        kept.append(run)
    return sorted(kept, key=lambda r: (r.a, r.b))


def _split_at_paragraphs(run: _Run, fa: Fingerprint, fb: Fingerprint) -> list[_Run]:
    """Cut a run where either text starts a new paragraph, so passages follow paragraphs."""
    pieces, start = [], 0
    for k in range(1, run.length):
        if fa.paragraph[run.a + k] != fa.paragraph[run.a + k - 1] or \
                fb.paragraph[run.b + k] != fb.paragraph[run.b + k - 1]:
            pieces.append(_Run(run.a + start, run.b + start, k - start))
            start = k
    pieces.append(_Run(run.a + start, run.b + start, run.length - start))
    return pieces


def align(fa: Fingerprint, fb: Fingerprint) -> list[tuple[int, int, int, int, int]]:
    """Shared passages as (a_first_word, a_end_word, b_first_word, b_end_word, matched_words).

    A passage lies within one paragraph of each text; runs separated by a few edited words
    merge into one passage.
    """
    passages: list[list[int]] = []
    for run in (piece for whole in _runs(fa, fb) for piece in _split_at_paragraphs(whole, fa, fb)):
        if passages:
            last = passages[-1]
            gap_a, gap_b = run.a - last[1], run.b - last[3]
            same_paragraphs = (fa.paragraph[run.a] == fa.paragraph[last[1] - 1]
                               and fb.paragraph[run.b] == fb.paragraph[last[3] - 1])
            if same_paragraphs and 0 <= gap_a <= MERGE_GAP and 0 <= gap_b <= MERGE_GAP:
                last[1], last[3], last[4] = run.a + run.length, run.b + run.length, last[4] + run.length
                continue
        passages.append([run.a, run.a + run.length, run.b, run.b + run.length, run.length])
    return [tuple(p) for p in passages if p[4] >= MIN_PASSAGE_WORDS]


def _to_passage(copy: Fingerprint, original: Fingerprint, p, copy_is_a: bool) -> Passage:
    (ca, ce, oa, oe) = (p[0], p[1], p[2], p[3]) if copy_is_a else (p[2], p[3], p[0], p[1])
    return Passage(copy_start=copy.words[ca][1], copy_end=copy.words[ce - 1][2],
                   original_start=original.words[oa][1], original_end=original.words[oe - 1][2],
                   words=p[4])


def _orient(a: Article, b: Article, share_a: float, share_b: float) -> tuple[Article, Article, str, str]:
    """Return (copy, original, kind, basis). share_x is the share of x's words found in the other."""
    for x, y in ((a, b), (b, a)):
        if y.slug in x.reprint_of:
            return x, y, "copy", "front matter"
    for x, y in ((a, b), (b, a)):
        if x.original and x.original.article == y.slug:
            return x, y, "copy", "attribution"
    bounds_a, bounds_b = a.date.bounds(), b.date.bounds()
    if bounds_a and bounds_b:
        if bounds_a[1] < bounds_b[0]:
            return b, a, "copy", "dates"
        if bounds_b[1] < bounds_a[0]:
            return a, b, "copy", "dates"
    credits_b = bool(a.original and a.original.source == b.publisher)
    credits_a = bool(b.original and b.original.source == a.publisher)
    if credits_b != credits_a:
        return (a, b, "copy", "attribution") if credits_b else (b, a, "copy", "attribution")
    if share_a - share_b >= ASYMMETRY:
        return a, b, "copy", "containment"
    if share_b - share_a >= ASYMMETRY:
        return b, a, "copy", "containment"
    first, second = sorted((a, b), key=lambda art: art.slug)
    return second, first, "same-text", "no evidence of direction"


def detect(articles: tuple[Article, ...], min_shared_words: int, min_share: float) -> tuple[Reprint, ...]:
    prints = [fingerprint(article) for article in articles]
    pairs = set(candidate_pairs(prints))
    by_slug = {article.slug: number for number, article in enumerate(articles)}
    forced = set()
    for number, article in enumerate(articles):
        for slug in article.reprint_of:
            pair = tuple(sorted((number, by_slug[slug])))
            pairs.add(pair)
            forced.add(pair)
    relations = []
    for x, y in sorted(pairs):
        a, b = articles[x], articles[y]
        if b.slug in a.not_reprint_of or a.slug in b.not_reprint_of:
            continue
        passages = align(prints[x], prints[y])
        shared = sum(p[4] for p in passages)
        share_a = shared / max(1, len(prints[x].words))
        share_b = shared / max(1, len(prints[y].words))
        if (x, y) not in forced and (shared < min_shared_words or max(share_a, share_b) < min_share):
            continue
        copy, original, kind, basis = _orient(a, b, share_a, share_b)
        copy_is_a = copy is a
        fp_copy, fp_orig = (prints[x], prints[y]) if copy_is_a else (prints[y], prints[x])
        relations.append(Reprint(
            copy=copy.slug, original=original.slug, kind=kind,
            copy_share=round(share_a if copy_is_a else share_b, 3),
            original_share=round(share_b if copy_is_a else share_a, 3),
            passages=tuple(sorted((_to_passage(fp_copy, fp_orig, p, copy_is_a) for p in passages),
                                  key=lambda p: p.copy_start)),
            basis=basis,
        ))
    return tuple(sorted(relations, key=lambda r: (r.copy, r.original)))
