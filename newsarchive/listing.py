"""What the Site's lists need of an article (sitemodel.py), made when it is parsed and kept with
its parse, so that every list of the archive is ordered and filed without the article itself."""

from __future__ import annotations

from typing import NamedTuple

from .model import Article


class Listing(NamedTuple):
    """What the Site's lists need of an article, made when it is parsed and kept with its parse
    (load.Archive.listings): a rebuild orders, files and counts every article by these, and
    makes an article's entry (ArticleInfo) only when a page shows it. (Making every entry
    unfolded every article read back from the build state: 1.8 s of an add at 100,000.)"""

    first: str | None  # first_day: the earliest day it can have been published on (None: undated)
    title: str  # casefolded: what orders articles of the same first day
    date: tuple  # its PubDate's fields: a list's part shows the dates of its first and last
    publisher: str
    people: tuple[str, ...]
    claims: tuple[tuple[str, str, str], ...]  # each claim's id, speaker and stance, in order
    original: tuple[str, str | None] | None  # the outlet and archived article its text credits (Article.original)

    @classmethod
    def of(cls, article: Article) -> Listing:
        date = article.date
        return cls(first_day(article), article.title.casefold(), (date.iso, date.precision, date.evidence),
                   article.publisher, article.people,
                   tuple((claim.id, claim.speaker, claim.stance) for claim in article.claims),
                   None if article.original is None else (article.original.source, article.original.article))

    def newest_first(self) -> tuple:
        """Its place in the archive's order, newest first: undated articles last, each day's
        by title (so the order is stable)."""
        return (0, _invert(self.first), self.title) if self.first else (1, "", self.title)

    def oldest_first(self) -> tuple:
        """Its place oldest first: undated articles still last, by title."""
        return (0, self.first, self.title) if self.first else (1, "", self.title)

    def period(self) -> tuple[str, str] | None:
        """period_of its article."""
        return _period(self.date[0])


def first_day(article: Article) -> str | None:
    """The first day an article can have been published on (None: undated): the earliest
    appearance of a claim is one on the earliest first day among the group's."""
    return article.date.bounds()[0] if article.date.known else None


def period_of(article: Article) -> tuple[str, str] | None:
    """The year and month ("" when only the year is known) an article is filed under; None
    for an undated one."""
    return _period(article.date.iso)


def _period(iso: str | None) -> tuple[str, str] | None:
    return None if iso is None else (iso[:4], iso[5:7])


_INVERTED_DIGITS = str.maketrans("0123456789", "9876543210")


def _invert(iso: str) -> str:
    """An ISO date whose ascending order is the dates' descending order ("2016-12-03" -> "7983-87-96")."""
    return iso.translate(_INVERTED_DIGITS)
