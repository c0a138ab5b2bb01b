"""Step 5 of reprint detection: which text of a pair is the original (front matter, dates,
attribution, containment), and which outlets an article credits for its text."""

from __future__ import annotations

import re
from typing import Mapping

from ..model import Article, Source
from .fingerprinting import plain_text

ASYMMETRY = 0.15  # containment difference that tells a partial copy from its original
MOSTLY = 0.6  # ...when the copy's share inside the original is at least this: a clear partial copy


# Words that credit an outlet named right after them ("reported Sputnik", "Originally posted
# at example.org") or right before them ("Sputnik reported"), in case-folded text.
_CREDIT_BEFORE = re.compile(
    r"\b(?:reported(?:\s+by)?|according\s+to|(?:originally|first)\s+(?:posted|published|appeared)"
    r"\s+(?:at|on|in|by)|via|source:|courtesy\s+of|told)\s+(?:the\s+)?$")
_CREDIT_AFTER = re.compile(r"[\s,]+(?:reported|reports|wrote)\b")


_WIRE_DATELINE = re.compile(r"^[^\n()]{2,80}?\((?P<name>[^()\n]{2,40})\)\s*[-\u2013\u2014]")


def _acronym(name: str) -> str:
    """"AP" for Associated Press, "AFP" for Agence France-Presse: how wire datelines name agencies."""
    parts = [p for p in re.split(r"[\s-]+", name) if p[:1].isalpha()]
    return "".join(p[0] for p in parts).casefold() if len(parts) >= 2 else ""


class Credits:
    """Whether an article credits an outlet: front matter `original`, or its text ("reported X")."""

    def __init__(self, sources: Mapping[str, Source]):
        self._names = {source.id: sorted({" ".join(n.casefold().split()) for n in (source.name, *source.domains)
                                          if n.strip()}, key=lambda n: (-len(n), n))
                       for source in sources.values()}
        self._display = {source.id: source.name for source in sources.values()}
        self._acronyms = {source.id: _acronym(source.name) for source in sources.values()}
        self._credited: dict[str, tuple[str, ...]] = {}
        # The outlets by the first word of each of their names: a text is searched only for the
        # names whose first word it has, not for every outlet's (an archive's outlets grow with it).
        self._by_first_word: dict[str, set[str]] = {}
        self._always: set[str] = set()  # outlets with a name that does not start with a letter or digit
        for source_id, names in self._names.items():
            for name in names:
                first = _WORD.match(name)
                if first:
                    self._by_first_word.setdefault(first.group(), set()).add(source_id)
                else:
                    self._always.add(source_id)

    def name(self, source_id: str) -> str:
        return self._display.get(source_id, source_id)

    def credited(self, article: Article) -> tuple[str, ...]:
        """Every outlet the article credits as the source of its text, in id order."""
        if article.slug not in self._credited:
            found = {article.original.source} if article.original is not None else set()
            text = _folded(article)
            # A name found as a whole word starts a word of the text with its own first word.
            named = self._always.union(*(self._by_first_word.get(word, ()) for word in set(_WORD.findall(text))))
            found |= {source_id for source_id in named if _credits_a_name(text, self._names[source_id])}
            dateline = _WIRE_DATELINE.match(plain_text(article))
            if dateline:  # "KATHMANDU, Nepal (AP) -"
                key = " ".join(dateline.group("name").casefold().split())
                found |= {source_id for source_id, names in self._names.items()
                          if key in names or key == self._acronyms[source_id]}
            self._credited[article.slug] = tuple(sorted(found - {article.publisher}))
        return self._credited[article.slug]

    def gives(self, article: Article, source_id: str) -> bool:
        if article.original is not None and article.original.source == source_id:
            return True
        names = self._names.get(source_id)
        return bool(names) and _credits_a_name(_folded(article), names)


_WORD = re.compile(r"[^\W_]+")  # a run of the characters str.isalnum() accepts


def _folded(article: Article) -> str:
    """The article's text in one line, case-folded: what outlets' names are looked for in."""
    return " ".join(plain_text(article).split()).casefold()


def _credits_a_name(text: str, names: list[str]) -> bool:
    """Whether the text names one of `names`, as a whole word, with a word of credit around it."""
    for name in names:  # most texts never name the other outlet: one search each
        at = text.find(name)
        while at >= 0:
            end = at + len(name)
            whole = (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum())
            if whole and (_CREDIT_BEFORE.search(text, max(0, at - 60), at) or _CREDIT_AFTER.match(text, end)):
                return True
            at = text.find(name, at + 1)
    return False


def orient(a: Article, b: Article, share_a: float, share_b: float,
            credits: Credits) -> tuple[Article, Article, str, str]:
    """Return (copy, original, kind, basis). share_x is the share of x's words found in the other."""
    for x, y in ((a, b), (b, a)):
        if y.slug in x.reprint_of:
            return x, y, "copy", "front matter"
    for x, y in ((a, b), (b, a)):
        if x.original and x.original.article == y.slug:
            return x, y, "copy", "attribution"
    bounds_a, bounds_b = a.date.bounds(), b.date.bounds()
    if bounds_a and bounds_b:  # month and year dates are ranges: only disjoint ranges decide
        if bounds_a[1] < bounds_b[0]:
            return b, a, "copy", "dates"
        if bounds_b[1] < bounds_a[0]:
            return a, b, "copy", "dates"
    if a.publisher != b.publisher:
        credits_b = credits.gives(a, b.publisher)
        credits_a = credits.gives(b, a.publisher)
        if credits_b != credits_a:
            return (a, b, "copy", "attribution") if credits_b else (b, a, "copy", "attribution")
    # Containment alone: a clear partial copy is mostly inside a longer original. Not when the
    # shorter text credits a third outlet for its words (an agency alert, and a longer text that
    # carries the same alert with an update on top): both may carry that outlet's text.
    for x, y, share_x, share_y in ((a, b, share_a, share_b), (b, a, share_b, share_a)):
        if share_x - share_y >= ASYMMETRY and share_x >= MOSTLY:
            elsewhere = [s for s in credits.credited(x) if s != y.publisher]
            if not elsewhere:
                return x, y, "copy", "containment"
            first, second = sorted((a, b), key=lambda art: art.slug)
            return second, first, "same-text", (f"{x.slug} credits {credits.name(elsewhere[0])} for its text, so the "
                                                f"longer {y.slug} is not taken for its original")
    first, second = sorted((a, b), key=lambda art: art.slug)
    return second, first, "same-text", "no evidence of direction"
