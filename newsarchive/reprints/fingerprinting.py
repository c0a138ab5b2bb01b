"""Step 1 of reprint detection: a text's fingerprint (hashed words, paragraph starts, winnowed
shingle marks), made for many texts at once, and packed for travel between processes and into
the cache."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from .. import workers as pool
from ..model import Article
from ..text import content_key, paragraph_word_keys, text_key  # noqa: F401 (content_key: for reprints' users)

SHINGLE = 5  # words per shingle: long enough that most names and titles share few shingles
WINDOW = 4  # shingles per winnowing window: marks on ~40% of shingles, any 8 shared words seen
VERSION = f"fp4-{SHINGLE}-{WINDOW}"  # changes whenever fingerprints would change
BATCH = 128  # texts fingerprinted together
PARALLEL_MIN = 4000  # below this many texts, worker processes cost more than they save
CHUNK = 1000  # at most this many texts handed to a worker at a time


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


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values, as np.unique(values) gives them, without its check for masked
    arrays, which imports numpy.ma (13 ms of each rebuild that fingerprints a text)."""
    ordered = np.sort(values, axis=None)
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


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
    packed = distinct((owner[at].astype(np.uint64) << np.uint64(32)) | hashed[at])
    cuts = np.searchsorted(packed >> np.uint64(32), np.arange(len(texts) + 1, dtype=np.uint64))
    marks = packed.astype(np.uint32)
    return [
        Fingerprint(keys[n] if keys is not None else "", hashes[bounds[n]:bounds[n + 1]],
                    np.array(paragraph_starts[n], dtype=np.int32) - np.int32(bounds[n]),
                    marks[cuts[n]:cuts[n + 1]])
        for n, paragraphs in enumerate(texts)
    ]


class Prints(Sequence[Fingerprint]):
    """Each article's fingerprint, in the articles' order, by its text's key: those of texts
    fingerprinted now (`made`, by position) or else the cache's (`known`), each looked up when
    asked for. A rebuild asks for those of the few texts it weighs: at 100,000 articles, taking
    all of them out of the cache took 0.25 s."""

    def __init__(self, keys: list[str], known: Mapping[str, Fingerprint], made: dict[int, Fingerprint]):
        self.keys, self.made, self._known = keys, made, known

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, n):
        if isinstance(n, slice):
            return [self[i] for i in range(*n.indices(len(self.keys)))]
        if n < 0:
            n += len(self.keys)
        made = self.made.get(n)
        return made if made is not None else self._known[self.keys[n]]

    def __iter__(self):
        return map(self.__getitem__, range(len(self.keys)))


def fingerprints(articles: tuple[Article, ...] | list[Article],
                 known: Mapping[str, Fingerprint] | None = None,
                 workers: int | None = None, parallel_min: int = PARALLEL_MIN,
                 keys: Sequence[str] | None = None) -> Sequence[Fingerprint]:
    """One fingerprint per article.

    With `known` (fingerprints by content key, say from a cache, possibly empty) every
    fingerprint carries its key and those of unchanged texts are reused (Prints); without it,
    keys are not computed at all (detection alone does not need them). `keys`: each article's
    text_key, when known already (the build state keeps them): the texts of articles found in
    `known` are then not read at all.
    """
    if known is None:
        keys, todo = None, list(range(len(articles)))
    else:
        keys = list(keys) if keys is not None else [text_key(article.paragraphs) for article in articles]
        new = set(keys).difference(known)  # in C, whatever the mapping: the few texts not seen before
        todo = [n for n, key in enumerate(keys) if key in new] if new else []
    # The articles themselves, not their texts: a worker reads the texts of its range (an
    # article read back from the build state reads its text from there when asked).
    state = ([articles[i] for i in todo], None if keys is None else [keys[i] for i in todo])
    packs = pool.run(_fingerprint_range, state, len(todo), workers, parallel_min, largest=CHUNK)
    made = (fp for pack in packs for fp in unpack_prints(pack))
    if keys is None:
        return list(made)
    return Prints(keys, known, dict(zip(todo, made)))


def _fingerprint_range(state, lo: int, hi: int) -> list[tuple]:
    # A hundred-odd texts at a time: numpy calls are shared, arrays still fit in the CPU cache.
    articles, keys = state
    return [pack_prints([fp for at in range(lo, hi, BATCH)
                   for fp in fingerprint_texts([article.paragraphs for article in articles[at:min(hi, at + BATCH)]],
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
