"""Normalized forms of text, shared by loading, extraction and reprint detection: folded text,
words, slugs.

Captures mix curly and straight quotes, no-break spaces and odd dashes; two copies of the
same sentence must compare equal however the outlet typeset them.

A word is a run of word characters, with apostrophes inside it ("Moscow's", "Moscow’s")
joining rather than splitting; its normalized form is NFKC, quotes folded, case folded and
apostrophes dropped. `words` gives each word with its offsets in the original text; the two
fast forms (`word_keys`, `word_spans`) give exactly the same words, and exist because reprint
detection reads every word of every article.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Sequence

import numpy as np

_QUOTE_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2026": "...",
})
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")


def fold(text: str) -> str:
    """Fold Unicode compatibility forms, quote styles, dashes and whitespace runs."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_FOLD)
    # Splitting on whitespace (str.isspace, the same characters as the regular expression \s)
    # and joining with single spaces is re.sub(r"\s+", " ", text).strip(),
    # several times faster.
    return " ".join(text.split())


def fold_for_search(text: str) -> str:
    """`fold`, then case-folded: for "does this sentence occur in that text" checks."""
    return fold(text).casefold()


def strip_accents(text: str) -> str:
    """"José Núñez" -> "Jose Nunez": letters without their combining marks."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def content_key(text: str) -> str:
    """The SHA-256 (hex) of a text: what the reprint caches keep its fingerprint and the passages
    it shares under (fpcache.py), and what the build state keeps beside each parsed article."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def text_key(paragraphs: Sequence[str]) -> str:
    """content_key of an article's plain text: its paragraphs joined by a blank line."""
    return content_key("\n\n".join(paragraphs))


def lead(paragraphs: Sequence[str]) -> str:
    """The paragraph a feed sums an article up with: the first after its headline (the
    paragraphs open with it), or the only one."""
    return paragraphs[1] if len(paragraphs) > 1 else paragraphs[0] if paragraphs else ""


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # what slugify gives: every id and slug must match it


def slugify(text: str) -> str:
    """The slug (lowercase ASCII letters and digits, single hyphens) a name gives: "José Núñez"
    -> "jose-nunez". Every id and file name the archive proposes or suggests is made here."""
    return re.sub(r"[^a-z0-9]+", "-", strip_accents(fold_for_search(text))).strip("-")


def _normalize_word(word: str) -> str:
    return unicodedata.normalize("NFKC", word).translate(_QUOTE_FOLD).casefold().replace("'", "")


def words(text: str) -> list[tuple[str, int, int]]:
    """The words of `text` as (normalized word, start, end), offsets into the original text.

    Normalizing word by word keeps a map back to the original characters, which the
    comparison views need to mark passages in the text as published. Text that is ASCII once
    its typography is set aside takes the fast path below (the same words, read on bytes).
    """
    raw = _ascii_form(text)
    if raw is None:
        return words_by_regex(text)
    starts, ends = _ascii_spans(raw)
    keys = _join_apostrophes(raw.translate(_TO_WORDS)).decode("ascii").split()
    return list(zip(keys, starts.tolist(), ends.tolist()))


def words_by_regex(text: str) -> list[tuple[str, int, int]]:
    """`words` by its definition: a regular expression, each word normalized on its own."""
    return [(_normalize_word(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


# --- The fast path -------------------------------------------------------------------------
# Most news text is ASCII once its typography is set aside. Typographic characters that can
# never be part of a word become a space (or, for the right single quote, an apostrophe: it
# joins words like "'" does); this keeps every offset, so if what is left is ASCII the words
# are found on bytes with a translation table, without a regular expression per word.
_TYPOGRAPHY = str.maketrans({
    **{c: " " for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                        "\u200a\u200b\u202f\u205f\u3000\u2018\u201a\u201b\u201c\u201d\u201e"
                        "\u201f\u2032\u2033\u00ab\u00bb\u2010\u2011\u2012\u2013\u2014\u2015"
                        "\u2212\u2026\u00b7\u2022\u00a9\u00ae\u2122\u00b0\u00a7\u00b6"},
    "\u2019": "'",
})
_ASCII_WORD_CHARS = b"abcdefghijklmnopqrstuvwxyz0123456789_"
# Bytes to lower case word characters and apostrophes; everything else to a space.
_TO_WORDS = bytes(c + 32 if 65 <= c <= 90 else c if c in _ASCII_WORD_CHARS + b"'" else 32
                  for c in range(256))
_TO_WORDS_KEEPING_NUL = b"\x00" + _TO_WORDS[1:]
_WORD_BYTES = frozenset(_ASCII_WORD_CHARS)
_IS_WORD_BYTE = np.zeros(256, dtype=bool)
_IS_WORD_BYTE[list(_ASCII_WORD_CHARS + b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")] = True


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _ascii_form(text: str) -> bytes | None:
    """`text` as ASCII bytes of the same length with only non-word typography replaced, or None."""
    if not text.isascii():
        # str.translate looks every character up; replacing the few distinct ones is faster.
        for char in set(_NON_ASCII.findall(text)):
            plain = _TYPOGRAPHY.get(ord(char))
            if plain is None:
                return None
            text = text.replace(char, plain)
    return text.encode("ascii")


def word_keys(text: str) -> list[bytes]:
    """The normalized words of `text` as UTF-8 bytes: [w.encode() for w, _, _ in words(text)]."""
    raw = _ascii_form(text)
    if raw is None:
        return [_normalize_word(w).encode("utf-8") for w in _WORD.findall(text)]
    return _split_ascii(raw.translate(_TO_WORDS))


def paragraph_word_keys(articles: Sequence[Sequence[str]]) -> tuple[list[bytes], list[list[int]]]:
    """The word_keys of many articles' paragraphs in one list, and for each article the index
    (in that list) of each of its paragraphs' first word. An article's words end where the
    next article's begin."""
    keys: list[bytes] = []
    starts: list[list[int]] = []
    pending: list[tuple[bytes, int]] = []  # ASCII articles not split yet: (text, paragraphs)

    def split_pending() -> None:
        # All pending articles are read in one pass, a NUL byte (never part of a word, and
        # dropped from the paragraphs beforehand) standing between any two paragraphs.
        marked = _split_ascii(b" \x00 ".join(text for text, _ in pending).translate(_TO_WORDS_KEEPING_NUL))
        at = 0
        for _, paragraphs in pending:
            article = []
            for _ in range(max(1, paragraphs)):
                article.append(len(keys))
                try:
                    end = marked.index(b"\x00", at)
                except ValueError:
                    end = len(marked)
                keys.extend(marked[at:end])
                at = end + 1
            starts.append(article[:paragraphs])
        pending.clear()

    for paragraphs in articles:
        raw = _ascii_form(" \x00 ".join(p.replace("\x00", " ") for p in paragraphs))
        if raw is not None:
            pending.append((raw, len(paragraphs)))
            continue
        if pending:
            split_pending()
        article = []
        for paragraph in paragraphs:
            article.append(len(keys))
            keys.extend(word_keys(paragraph))
        starts.append(article)
    if pending:
        split_pending()
    return keys, starts


def _split_ascii(lowered: bytes) -> list[bytes]:
    return _join_apostrophes(lowered).split()


def _join_apostrophes(lowered: bytes) -> bytes:
    if b"'" in lowered:
        # An apostrophe joins two words only between word characters; elsewhere it separates.
        parts = lowered.split(b"'")
        joined = [parts[0]]
        for part in parts[1:]:
            before = joined[-1]
            inside = before and part and before[-1] in _WORD_BYTES and part[0] in _WORD_BYTES
            joined += [b"" if inside else b" ", part]
        lowered = b"".join(joined)
    return lowered


def word_spans(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the words of `text` (the offsets `words` gives), as arrays."""
    raw = _ascii_form(text)
    if raw is None:
        found = words_by_regex(text)
        return (np.array([s for _, s, _ in found], dtype=np.int64),
                np.array([e for _, _, e in found], dtype=np.int64))
    return _ascii_spans(raw)


def _ascii_spans(raw: bytes) -> tuple[np.ndarray, np.ndarray]:
    data = np.frombuffer(raw, dtype=np.uint8)
    inside = np.zeros(len(data) + 2, dtype=np.int8)  # padded with a non-word byte each side
    inside[1:-1] = _IS_WORD_BYTE[data]
    if b"'" in raw:  # an apostrophe between word characters is part of the word
        apostrophes = np.flatnonzero(data == ord("'")) + 1
        inside[apostrophes] = inside[apostrophes - 1] & inside[apostrophes + 1]
    edges = np.flatnonzero(inside[1:] != inside[:-1])  # alternately a word's start and its end
    return edges[0::2], edges[1::2]
