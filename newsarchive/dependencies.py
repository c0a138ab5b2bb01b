"""What each output reads of the Site, recorded while it is made, and the digests of those values.

Every output (page, feed, data file) is made by a function that reads the Site through a
SiteView, which records each value the function looked at: `site.articles`, or
`site.actor["haftar"]`, or `site.config`, or an article's text (`site.text_of(article)`).
An output is made again when one of those values has a new digest (buildstate.py keeps them
between builds).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .buildstate import article_digest
from .digests import blake
from .model import Article
from .sitemodel import ArticleInfo

if TYPE_CHECKING:
    from .sitemodel import Site

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

    def of(self, value) -> bytes:
        if value is MISSING:
            return MISSING_DIGEST
        known = self.memo.get(id(value))
        if known is not None:
            return known
        out: list[bytes] = []
        if dataclasses.is_dataclass(value) and type(value) is not Article and type(value) is not ArticleInfo:
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
        elif value is None or kind is int or kind is bool or kind is float or isinstance(value, Path):
            text = repr(value).encode()
            out.append(b"r%d:" % len(text))
            out.append(text)
        elif kind is ArticleInfo:
            known = self.article_digests.get(value.slug)
            out.append(b"A")  # one the parse did not digest (made in a test) is digested here
            out.append(known if known is not None else blake(repr(value).encode()))
        elif kind is Article:  # with its text
            known = self.article_digests.get(value.slug)
            out.append(b"T")
            out.append(known if known is not None else article_digest(value))
            self._write(value.body, out)  # the paragraphs are parsed from the body
        elif dataclasses.is_dataclass(value):
            # Records such as an Appearance are shared by several parts: digested once.
            out.append(b"D")
            out.append(self.of(value))
        elif isinstance(value, (set, frozenset)):
            items = sorted(value, key=repr)
            out.append(b"S%d:" % len(items))
            for item in items:
                self._write(item, out)
        elif isinstance(value, dict):
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


@dataclass(frozen=True)
class BuildFacts:
    """What outputs read of the build besides the Site."""

    site_paths: tuple[str, ...]  # the pages a sitemap lists
    templates: bytes  # digest of every template: a change to any makes every page again
    search_shards: int  # how many shards the search page merges
    static_files: dict[str, bytes]  # static output path -> digest of its content


_FACTS = frozenset(field.name for field in dataclasses.fields(BuildFacts))


class SiteView:
    """The Site and the build's facts as one output sees them while it is made.

    Every value read is recorded in `reads`: a whole field (`site.articles`), or one key of a
    mapping (`site.actor["haftar"]`). The articles of the Site carry no text
    (sitemodel.ArticleInfo); an article with its text comes only from `text_of`, or from
    `site.text[slug]`, both recorded. Read-only."""

    def __init__(self, site: Site, facts: BuildFacts, reads: set):
        object.__setattr__(self, "_site", site)
        object.__setattr__(self, "_facts", facts)
        object.__setattr__(self, "_reads", reads)

    def __getattr__(self, name: str):
        value = getattr(self._facts if name in _FACTS else self._site, name)
        if isinstance(value, dict):
            return TrackedMapping(name, value, self._reads)
        if isinstance(value, (tuple, list)) and name in _FACTS:
            return TrackedSequence(name, value, self._reads)
        self._reads.add((name,))
        return value

    def __setattr__(self, name, value):
        raise AttributeError("the site is read-only while outputs are made")

    def text_of(self, article: ArticleInfo) -> Article:
        """The article with its text (body, paragraphs), recording that its text is read."""
        return self.text[article.slug]


class _TrackedWhole:
    """A value given to outputs whose every look at the whole is noted as a read of `name`."""

    def __init__(self, name: str, value, reads: set):
        self._name, self._value, self._reads = name, value, reads

    def _all(self):
        self._reads.add((self._name,))
        return self._value

    def __iter__(self):
        return iter(self._all())

    def __len__(self):
        return len(self._all())

    def __bool__(self):
        return bool(self._all())


class TrackedMapping(_TrackedWhole):
    """A mapping of the Site: reading one key notes that key, looking at all of it notes all."""

    def __getitem__(self, key):
        self._reads.add((self._name, key))
        return self._value[key]

    def get(self, key, default=None):
        self._reads.add((self._name, key))
        return self._value.get(key, default)

    def __contains__(self, key):
        self._reads.add((self._name, key))
        return key in self._value

    def keys(self):
        return self._all().keys()

    def values(self):
        return self._all().values()

    def items(self):
        return self._all().items()


class TrackedSequence(_TrackedWhole):
    """A sequence given to templates beside the site (site_paths): any look at it is noted."""

    def __getitem__(self, index):
        return self._all()[index]

    def __contains__(self, item):
        return item in self._all()


def read_value(site: Site, facts: BuildFacts, key: tuple):
    """The current value of what a SiteView recorded as read (`key`)."""
    value = getattr(facts if key[0] in _FACTS else site, key[0], MISSING)
    if len(key) == 1 or value is MISSING:
        return value
    return value.get(key[1], MISSING)
