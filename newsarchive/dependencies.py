"""What each output reads of the Site, recorded while it is made, and the digests of those values.

Every output (page, feed, data file) is made by a function that reads the Site through a
SiteView, which records each value the function looked at: `site.articles`, or
`site.actor["haftar"]`, or `site.config`, or an article's text (`site.text_of(article)`).
An output is made again when one of those values has a new digest (buildstate.py keeps them
between builds).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from pathlib import Path

from .buildstate import StoredArticle, article_digest
from .config import Config
from .digests import blake
from .model import Actor, Article, Reprint, Source
from .sitemodel import (SITE_FIELDS, Appearance, Appearances, ArticleInfo, Borrowings, ClaimGroup, Entries, ListIndex,
                        Site, TextReuse)

MISSING = object()  # the value of a key a mapping does not hold


# An article's text is read by few outputs (its page, its JSON file, comparisons): the Site's
# lists hold articles without it (ArticleInfo), whose digest is the one the parse made of the
# article's fields but its text; the article with its text is read apart (SiteView.text_of).

MISSING_DIGEST = blake(b"missing")
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(field.name for field in dataclasses.fields(kind))
    return names


# An article with its text, parsed now or read back from the state: digested alike.
_ARTICLES = (Article, StoredArticle)
_WRITTEN_WHOLE = (*_ARTICLES, ArticleInfo, Appearance)  # records _write digests in a form of their own


class Digester:
    """Digests of values of the Site, memoised for one build (values live as long as the Site).

    A value is written out as one unambiguous byte string (type tags and lengths before
    contents) and hashed once: hashing every small string and tuple on its own cost more
    than the rest of a rebuild's bookkeeping. Articles are not written out: the digest the
    parse made of each stands in for it (and, for an article with its text, its body)."""

    def __init__(self, article_digests: dict[str, bytes]):
        self.article_digests = article_digests  # slug -> article_digest(), known from the parse
        self.memo: dict[int, bytes] = {}
        self.keep: list = []  # holds every digested value, so no id() is reused during the build

    def known(self, value, digest: bytes) -> None:
        """Take `digest` as the digest of `value` (one unchanged since it was digested)."""
        self.memo[id(value)] = digest
        self.keep.append(value)

    def of(self, value) -> bytes:
        if value is MISSING:
            return MISSING_DIGEST
        known = self.memo.get(id(value))
        if known is not None:
            return known
        out: list[bytes] = []
        if dataclasses.is_dataclass(value) and type(value) not in _WRITTEN_WHOLE:
            self._write_fields(value, out)
        else:
            self._write(value, out)
        digest = blake(b"".join(out))
        self.memo[id(value)] = digest
        self.keep.append(value)
        return digest

    def _write(self, value, out: list) -> None:
        kind = type(value)
        if kind is str:
            data = value.encode("utf-8", "surrogatepass")
            out.append(b"s%d:" % len(data))
            out.append(data)
        elif kind is tuple or kind is list:
            out.append(b"l%d:" % len(value))
            for item in value:
                self._write(item, out)
        elif kind is dict:
            out.append(b"d%d:" % len(value))
            for key, item in value.items():
                self._write(key, out)
                self._write(item, out)
        elif kind is Entries or kind is Appearances:
            # A list as the Site keeps it: written as the tuple of its entries would be, from the
            # parse digests of its articles, without making an entry (a person's list of
            # thousands is digested at every change to it).
            out.append(b"l%d:" % len(value))
            digests = self.article_digests
            for key in value.keys:
                known = digests.get(key if kind is Entries else key[0])
                if known is None:  # an article the parse did not digest (made in a test)
                    self._write(value.made(key), out)
                elif kind is Entries:
                    out.append(b"A" + known)
                else:
                    out.append(b"P%d:%d:A" % (key[1], key[2]) + known)
        elif kind is Borrowings:
            # An outlet's borrowings, from their keys: the copy's and the original's parse
            # digests (of one length: none is written as nothing), the outlet, credit and relation.
            out.append(b"l%d:" % len(value))
            digests = self.article_digests
            for key in value.keys:
                copy, source, original, relation, credit = key
                copy_known, original_known = digests.get(copy), b"" if original is None else digests.get(original)
                if copy_known is None or original_known is None:  # not digested by the parse (a test's)
                    self._write(value.made(key), out)
                else:
                    out.append(b"B" + copy_known + b"O" + original_known)
                    self._write((source, credit, relation), out)
        elif value is None or kind is int or kind is bool or kind is float or isinstance(value, Path):
            text = repr(value).encode()
            out.append(b"r%d:" % len(text))
            out.append(text)
        elif kind is ArticleInfo:
            known = self.article_digests.get(value.slug)
            out.append(b"A")  # one the parse did not digest (made in a test) is digested here
            out.append(known if known is not None else blake(repr(value).encode()))
        elif kind is Appearance:
            # Its article (as above), which of its claims, and whether it is the earliest: each
            # person's list of claims, written out field by field, was 2 s at 100,000 articles.
            number = _claim_number(value)
            if number is None:  # a claim not of its article (made so in a test): field by field
                self._write_fields(value, out)
            else:
                out.append(b"P%d:%d:" % (number, value.earliest))
                self._write(value.article, out)
        elif kind in _ARTICLES:  # with its text
            known = self.article_digests.get(value.slug)
            out.append(b"T")
            out.append(known if known is not None else article_digest(value))
            self._write(value.body, out)  # the paragraphs are parsed from the body
        elif dataclasses.is_dataclass(value):
            # Records such as an Appearance are shared by several values read: digested once.
            out.append(b"D")
            out.append(self.of(value))
        elif isinstance(value, (set, frozenset)):
            items = sorted(value, key=repr)
            out.append(b"S%d:" % len(items))
            for item in items:
                self._write(item, out)
        elif isinstance(value, Mapping):  # a dict of another kind, or one made as it is read
            self._write(dict(value), out)
        elif isinstance(value, (tuple, list)):
            self._write(list(value), out)
        elif value is MISSING:
            out.append(b"M")
        else:
            text = repr(value).encode()
            out.append(b"x%d:%s:" % (len(text), kind.__name__.encode()))
            out.append(text)

    def _write_fields(self, value, out: list) -> None:
        names = _field_names(type(value))
        out.append(b"D%d:%s:" % (len(names), type(value).__name__.encode()))
        for name in names:
            self._write(getattr(value, name), out)


def _claim_number(appearance: Appearance) -> int | None:
    """Which of its article's claims the appearance is (None: a claim not of its article)."""
    return next((n for n, claim in enumerate(appearance.article.claims) if claim is appearance.claim), None)


class BuildFacts:
    """What outputs read of the build besides the Site: the digest of every template (a change
    to any makes every page again), each static output's digest by path, the pages a sitemap
    lists and a large site's sitemap in parts (render.sitemap_parts: part's path -> the pages
    it lists). The pages and parts are given, or made by `sitemap()` when first read: a
    rebuild that keeps the site's outputs, as an edit's does, needs them only to make a
    sitemap again (listing them was 0.15 s of every such rebuild at 100,000 articles)."""

    NAMES = frozenset({"templates", "static_files", "site_paths", "sitemap_parts"})

    def __init__(self, templates: bytes, static_files: dict[str, bytes], site_paths: tuple[str, ...] = (),
                 sitemap_parts: dict[str, tuple[str, ...]] | None = None,
                 sitemap: Callable[[], tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] | None = None):
        self.templates, self.static_files, self._sitemap = templates, static_files, sitemap
        if sitemap is None:
            self.__dict__["_pages_and_parts"] = (site_paths, sitemap_parts or {})

    @cached_property
    def _pages_and_parts(self) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
        return self._sitemap()

    @property
    def site_paths(self) -> tuple[str, ...]:
        return self._pages_and_parts[0]

    @property
    def sitemap_parts(self) -> dict[str, tuple[str, ...]]:
        return self._pages_and_parts[1]


_FACTS = BuildFacts.NAMES


class Reads:
    """What one output read, recorded while it is made (Lektor's record_dependency): a whole
    field, as ("articles",), or one entry of a mapping, as ("actor", "haftar")."""

    __slots__ = ("keys",)

    def __init__(self):
        self.keys: set[tuple] = set()

    def whole(self, name: str) -> None:
        self.keys.add((name,))

    def entry(self, name: str, key) -> None:
        self.keys.add((name, key))


class _Recorded:
    """A value of the Site handed to an output, whose every look at the whole is recorded as a
    read of the whole field `name`."""

    def __init__(self, name: str, value, reads: Reads):
        self._name, self._value, self._reads = name, value, reads

    def _all(self):
        self._reads.whole(self._name)
        return self._value

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __bool__(self) -> bool:
        return bool(self._all())


class RecordedMapping(_Recorded, Mapping):
    """A mapping of the Site as an output reads it: one key read is recorded as that entry,
    a look at all of it (iterating, its length, its keys, values or items) as the whole."""

    def __getitem__(self, key):
        self._reads.entry(self._name, key)
        return self._value[key]

    def get(self, key, default=None):
        self._reads.entry(self._name, key)
        return self._value.get(key, default)

    def __contains__(self, key) -> bool:
        self._reads.entry(self._name, key)
        return key in self._value

    def keys(self):
        return self._all().keys()

    def values(self):
        return self._all().values()

    def items(self):
        return self._all().items()


class RecordedSequence(_Recorded, Sequence):
    """A sequence of the build's facts handed to every page that few of them look at
    (site_paths, for the sitemap): recorded as read, and taken from the facts (which may make
    it then: BuildFacts), only when something looks at it."""

    def _all(self):
        self._reads.whole(self._name)
        return getattr(self._value, self._name)  # _value: the BuildFacts

    def __getitem__(self, index):
        return self._all()[index]

    def __contains__(self, item) -> bool:
        return item in self._all()


class _Whole:
    """A field of the Site (or of the build's facts) read whole: reading it records it."""

    def __set_name__(self, owner, name: str) -> None:
        self.name, self.facts = name, name in _FACTS

    def __get__(self, view: SiteView, owner=None):
        view._reads.whole(self.name)
        return getattr(view._facts if self.facts else view._site, self.name)


class _Entries(_Whole):
    """A mapping field: each key read is recorded apart (RecordedMapping)."""

    def __get__(self, view: SiteView, owner=None) -> RecordedMapping:
        return RecordedMapping(self.name, getattr(view._facts if self.facts else view._site, self.name), view._reads)


class _Lazy(_Whole):
    """A sequence of the build's facts, recorded only when looked at (RecordedSequence)."""

    def __get__(self, view: SiteView, owner=None) -> RecordedSequence:
        return RecordedSequence(self.name, view._facts, view._reads)


class SiteView:
    """The Site and the build's facts as one output sees them while it is made: every value
    it reads is recorded in `reads`, so the output is made again when one of them changes.

    Each field is declared here with how its reading is recorded; a field of the Site or of
    BuildFacts not declared stops the build at import (see _check_declared). The articles of
    the Site carry no text (sitemodel.ArticleInfo): an article with its text comes only from
    `text_of` (or `text[slug]`), which records it."""

    config: Config = _Whole()
    articles: Entries = _Whole()
    actors: tuple[Actor, ...] = _Whole()
    sources: tuple[Source, ...] = _Whole()
    reprints: tuple[Reprint, ...] = _Whole()
    claims: tuple[ClaimGroup, ...] = _Whole()
    undated: Entries = _Whole()
    undated_index: ListIndex = _Whole()
    undated_part: Mapping[str, Entries] = _Entries()
    claim: Mapping[str, ClaimGroup] = _Entries()
    article: Mapping[str, ArticleInfo] = _Entries()
    text: Mapping[str, Article] = _Entries()
    lead: Mapping[str, str] = _Entries()
    actor: Mapping[str, Actor] = _Entries()
    source: Mapping[str, Source] = _Entries()
    articles_naming: Mapping[str, Entries] = _Entries()
    claims_by: Mapping[str, Appearances] = _Entries()
    claim_count: Mapping[str, int] = _Entries()
    copies_of: Mapping[str, tuple[Reprint, ...]] = _Entries()
    originals_of: Mapping[str, tuple[str, ...]] = _Entries()
    copied_by: Mapping[str, tuple[Reprint, ...]] = _Entries()
    published_by: Mapping[str, Entries] = _Entries()
    latest_naming: Mapping[str, Entries] = _Entries()
    naming_index: Mapping[str, ListIndex] = _Entries()
    naming_part: Mapping[str, Entries] = _Entries()
    latest_published: Mapping[str, Entries] = _Entries()
    published_index: Mapping[str, ListIndex] = _Entries()
    published_part: Mapping[str, Entries] = _Entries()
    latest_reprints: tuple[Reprint, ...] = _Whole()
    reprint_kinds: dict[str, int] = _Whole()
    reprints_index: ListIndex = _Whole()
    reprints_part: Mapping[str, tuple[Reprint, ...]] = _Entries()
    borrowed_from: Mapping[str, Borrowings] = _Entries()
    borrowings_of: Mapping[str, Borrowings] = _Entries()
    reuse: Mapping[str, TextReuse] = _Entries()
    by_year: Mapping[str, dict[str, Entries]] = _Entries()
    by_month: Mapping[str, Entries] = _Entries()
    month_index: Mapping[str, ListIndex] = _Entries()
    month_part: Mapping[str, Entries] = _Entries()
    # the build's facts
    templates: bytes = _Whole()
    site_paths: Sequence[str] = _Lazy()
    static_files: Mapping[str, bytes] = _Entries()
    sitemap_parts: Mapping[str, tuple[str, ...]] = _Entries()

    __slots__ = ("_site", "_facts", "_reads")

    def __init__(self, site: Site, facts: BuildFacts, reads: Reads):
        self._site, self._facts, self._reads = site, facts, reads

    def text_of(self, article: ArticleInfo) -> Article:
        """The article with its text (body, paragraphs), recording that its text is read."""
        return self.text[article.slug]

    def data_item(self, slug: str) -> bytes:
        """An article's item of data/articles.json (Site.data_item), for an output that read the
        list of every article whole: that read covers it (the list's digest is made of its
        articles' parse digests), so this one is not recorded (100,000 keys at 100,000 articles)."""
        return self._site.data_item(slug)


def _check_declared() -> None:
    declared = {name for name, value in vars(SiteView).items() if isinstance(value, _Whole)}
    fields = {*SITE_FIELDS, *_FACTS}
    if declared != fields:
        raise TypeError(f"SiteView must declare how each field is read: {sorted(declared ^ fields)}")


_check_declared()


def read_value(site: Site, facts: BuildFacts, key: tuple):
    """The current value of what a SiteView recorded as read (`key`)."""
    value = getattr(facts if key[0] in _FACTS else site, key[0], MISSING)
    if len(key) == 1 or value is MISSING:
        return value
    return value.get(key[1], MISSING)
