"""Text normalization shared by the fidelity check and reprint detection.

Captures mix curly and straight quotes, no-break spaces and odd dashes; two copies of the
same sentence must compare equal however the outlet typeset them.
"""

from __future__ import annotations

import re
import unicodedata

_QUOTE_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2026": "...",
})
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")


def fold(text: str) -> str:
    """Fold Unicode compatibility forms, quote styles, dashes and whitespace runs."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_FOLD)
    return _SPACES.sub(" ", text).strip()


def fold_for_search(text: str) -> str:
    """`fold`, then case-folded: for "does this sentence occur in that text" checks."""
    return fold(text).casefold()


def words(text: str) -> list[tuple[str, int, int]]:
    """The words of `text` as (normalized word, start, end), offsets into the original text.

    Normalizing word by word keeps a map back to the original characters, which the
    comparison views need to mark passages in the text as published.
    """
    result = []
    for match in _WORD.finditer(text):
        token = unicodedata.normalize("NFKC", match.group()).translate(_QUOTE_FOLD).casefold()
        result.append((token.replace("'", ""), match.start(), match.end()))
    return result
