"""What the Site's lists (sitemodel.py) and the data file of every article (data/articles.json)
need of an article, made when it is parsed and kept with its parse (`kept`): every list of the
archive is ordered, filed and written without the article itself, which a rebuild would unfold
from the build state's rows (1.8 s for 100,000 articles)."""

from __future__ import annotations

import marshal
import struct
import sys
from typing import NamedTuple

import orjson

from .model import Article


class Listing(NamedTuple):
    """What the Site's lists need of an article, made when it is parsed and kept with its parse
    (listing.kept, load.Archive.kept): a rebuild orders, files and counts every article by these, and
    makes an article's entry (ArticleInfo) only when a page shows it. (Making every entry
    unfolded every article read back from the build state: 1.8 s of an add at 100,000.)"""

    first: str | None  # first_day: the earliest day it can have been published on (None: undated)
    title: str  # casefolded: what orders articles of the same first day
    date: tuple  # its PubDate's fields: a list's part shows the dates of its first and last
    publisher: str
    people: tuple[str, ...]
    claims: tuple[tuple[str, str, str], ...]  # each claim's id, speaker and stance, in order
    original: tuple[str, str | None, str] | None  # the outlet, archived article and relation its text credits

    @classmethod
    def of(cls, article: Article) -> Listing:
        date = article.date
        return cls(first_day(article), article.title.casefold(), (date.iso, date.precision, date.evidence),
                   article.publisher, article.people,
                   tuple((claim.id, claim.speaker, claim.stance) for claim in article.claims),
                   None if article.original is None else (article.original.source, article.original.article,
                                                          article.original.relation))

    # The orders' keys are strings, whose comparison is one call in C where a tuple's is one a
    # field (sorting 100,000 articles: 0.2 s against 0.04). A day is ten characters, so the
    # title after it is compared only between articles of the same day.

    def newest_first(self) -> str:
        """Its place in the archive's order, newest first: undated articles last, each day's
        by title (so the order is stable)."""
        return f"0{_invert(self.first)}\0{self.title}" if self.first else f"1\0{self.title}"

    def oldest_first(self) -> str:
        """Its place oldest first: undated articles still last, by title."""
        return f"0{self.first}\0{self.title}" if self.first else f"1\0{self.title}"

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


# --- kept with the parse -------------------------------------------------------------------

def kept(article: Article) -> bytes:
    """What the lists and the data file need of the article, packed to be kept with its parse
    (load.Archive.kept): its Listing's fields, marshalled, then its item of data/articles.json
    as it is, the Listing's length first. One blob a row: a rebuild that reads back 100,000
    parses makes no object of them until a list or the data file is made (unpickled as tuples,
    they were 0.5 s of every rebuild's reading of the state), and the data file takes its items
    without unpacking the Listings (marshalled with them, 0.4 s more of every add at 100,000)."""
    listing = marshal.dumps(_interned(Listing.of(article)))
    return _LENGTH.pack(len(listing)) + listing + json_item(article_record(article))


_LENGTH = struct.Struct("<I")


def _interned(listing: Listing) -> tuple:
    """The Listing's fields with every word but its title interned, which marshal keeps: the
    Listings read back share one copy of each person's, outlet's, claim's and day's name (held
    apart, they were 100 MB more at 100,000 articles)."""
    intern = sys.intern
    first, title, date, publisher, people, claims, original = listing
    return (first and intern(first), title, tuple(value and intern(value) for value in date), intern(publisher),
            tuple(map(intern, people)), tuple(tuple(map(intern, claim)) for claim in claims),
            original and tuple(value and intern(value) for value in original))


def listing_of(packed: bytes) -> Listing:
    (length,) = _LENGTH.unpack_from(packed)
    return _as_listing(Listing, marshal.loads(memoryview(packed)[_LENGTH.size:_LENGTH.size + length]))


def data_item_of(packed: bytes) -> bytes:
    """Its item of data/articles.json (json_item of its article_record)."""
    (length,) = _LENGTH.unpack_from(packed)
    return packed[_LENGTH.size + length:]


_as_listing = tuple.__new__  # a Listing of its fields, without a call of Python code


# A data file's bytes: keys sorted, indented by two, text as it is in UTF-8, so files stay
# byte-identical between builds. They are the bytes json.dumps(value, ensure_ascii=False,
# indent=2, sort_keys=True) writes for the values these files hold (text, integers, shares of
# three decimals, lists and mappings of them: tests/test_render.py), written by orjson: json's
# indenting encoder is pure Python, and data/articles.json, which every article added, deleted
# or retitled makes again, took 1.5 s at 100,000 articles (0.2 s).
JSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS


def json_item(value) -> bytes:
    """The value as an item of a data file's list (export.json_list): its lines its own,
    indented once more (no JSON string holds a line break)."""
    return b"  " + orjson.dumps(value, option=JSON_OPTIONS).replace(b"\n", b"\n  ")


def article_record(a) -> dict:
    """An article (or its entry, sitemodel.ArticleInfo) as data/articles.json lists it."""
    return {
        "slug": a.slug,
        "title": a.title,
        "url": a.url,
        "date": a.date.iso,
        "date_precision": a.date.precision,
        "date_evidence": a.date.evidence,
        "publisher": a.publisher,
        "original": None if a.original is None else {
            "source": a.original.source,
            "article": a.original.article,
            "relation": a.original.relation,
            "evidence": a.original.evidence,
        },
        "people": list(a.people),
        "claims": sorted({c.id for c in a.claims}),
        "capture": a.capture,
    }
