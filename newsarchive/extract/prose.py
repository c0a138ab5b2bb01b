"""Words, names and sentences of capture text: the helpers every field module reads text with."""

from __future__ import annotations

import re
from ..text import slugify, strip_accents  # noqa: F401  (slugify: the one rule, used by the field modules)


# --- text helpers -------------------------------------------------------------------------

_SPACE_FOLD = str.maketrans({c: " " for c in "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004\u2005\u2006\t"})
QUOTES = '"\u201c\u201d\u00ab\u00bb\u201e'
CLOSERS = '"\u201d\u2019\'\u00bb)]'
_TERMINAL = ".!?\u2026:\u3002\uff01\uff1f\uff0e\u061f\u0964"  # Latin, CJK, Arabic, Devanagari stops
_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def clean_line(raw: str) -> str:
    """A capture line as the body keeps it: no-break spaces folded, runs of spaces joined."""
    text = raw.translate(_SPACE_FOLD).replace("\u200b", "")
    return re.sub(r" {2,}", " ", text).strip()


def word_list(text: str) -> list[str]:
    return _WORD_RE.findall(text)


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_CJK_PER_WORD = 2  # Chinese, Japanese and Korean write no spaces: two characters count as a word


def word_count(text: str) -> int:
    """How many words a line holds, in any script (for weighing lines against each other)."""
    cjk = len(_CJK.findall(text))
    if not cjk:
        return len(word_list(text))
    return len(word_list(_CJK.sub(" ", text))) + cjk // _CJK_PER_WORD


def name_tokens(text: str) -> list[tuple[str, int, int]]:
    """Tokens for name matching: accents, case, hyphens and possessives do not matter.

    Returns (token, start, end) with offsets into `text`. "Al-Mismari's" gives "al", "mismari".
    """
    result = []
    for match in re.finditer(r"[^\W_]+", text):
        token = strip_accents(match.group()).casefold()
        before = text[match.start() - 1] if match.start() else ""
        if token == "s" and before in "'\u2019" and match.start() >= 2 and text[match.start() - 2].isalnum():
            continue  # possessive 's
        result.append((token, match.start(), match.end()))
    return result


def compact(text: str) -> str:
    return "".join(t for t, _, _ in name_tokens(text))


_AGENCY_TAG = re.compile(r"(?<=[.!?\"\u201d])\s+(?:\(?[A-Z]{2,6}\)?|[-\u2013\u2014]\s*[A-Z][A-Za-z]{1,10})$")


def terminal(text: str) -> bool:
    """Whether the text ends as a sentence does (an agency's tag after the stop, "... said. PTI", counts)."""
    stripped = _AGENCY_TAG.sub("", text).rstrip(CLOSERS + " ")
    return bool(stripped) and stripped[-1] in _TERMINAL


def truncated(text: str) -> bool:
    stripped = text.rstrip(CLOSERS + " ")
    return stripped.endswith(("\u2026", "..."))


def _quote_mask(text: str) -> list[bool]:
    """True for each character inside double quotation marks (the marks included).

    Curly, straight and angle quotes all toggle: captures often type a closing mark where an
    opening one belongs. Single quotes are apostrophes or nested quotes and are ignored.
    """
    mask, inside = [], False
    for char in text:
        if char in QUOTES:
            mask.append(True)
            inside = not inside
        else:
            mask.append(inside)
    return mask


def masked(text: str) -> str:
    mask = _quote_mask(text)
    return "".join("\u00a7" if m else c for c, m in zip(text, mask))


_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "st", "no", "vs", "prof", "sen", "rep",
                  "gov", "capt", "maj", "inc", "ltd", "co", "jr", "sr", "jan", "feb", "mar", "apr", "jun", "jul",
                  "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.n", "e.g", "i.e", "approx", "cf"}
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"\u201d\u2019'\u00bb)\]]*\s+(?=[\"\u201c\u2018\u00ab(\[\u201d]?[A-Z0-9])")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a paragraph, not splitting after common abbreviations or initials."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start:match.start() + 1]
        last = re.search(r"([\w.]+)[.]$", before)
        if last and (last.group(1).lower() in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", last.group(1))):
            continue
        end = match.end()
        spans.append((start, len(text[:end].rstrip()) if text[:end].rstrip() else end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans
