"""What each output reads of the Site, recorded while it is made, and the digests of those values.

Every output (page, feed, data file) is made by a function that reads the Site through a
Tracker, which records each value of the Site the function looked at: `site.articles`, or
`site.actor["haftar"]`, or `site.config`. An output is made again when one of those values
has a new digest (buildstate.py keeps them between builds).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .digests import blake
from .model import Article

MISSING = object()  # the value of a key a mapping does not hold


# An article's text is read by few outputs (its page, its JSON file, comparisons): an article's
# digest leaves the text out, and reading the text is noted apart, as ("body", slug).
BODY_FIELDS = ("body", "paragraphs")


def article_digest(article) -> bytes:
    """Digest of an article's fields but its text."""
    return blake(repr(dataclasses.replace(article, body="", paragraphs=())).encode())


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
    parse made of each stands in for it."""

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
        if dataclasses.is_dataclass(value) and type(value) is not Article:
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
        elif kind is Article:
            known = self.article_digests.get(value.slug)
            out.append(b"A")  # one the parse did not digest (made in a test) is digested here
            out.append(known if known is not None else article_digest(value))
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


class Tracker:
    """Stands in for the Site while one output is made, and notes every part of it read."""

    def __init__(self, site, extra: dict, reads: set):
        object.__setattr__(self, "_site", site)
        object.__setattr__(self, "_extra", extra)
        object.__setattr__(self, "_reads", reads)

    def __getattr__(self, name: str):
        if name in self._extra:
            value = self._extra[name]
        else:
            value = getattr(self._site, name)
        if isinstance(value, dict):
            return TrackedMapping(name, value, self._reads)
        if isinstance(value, (tuple, list)) and name in self._extra:
            return TrackedSequence(name, value, self._reads)
        self._reads.add((name,))
        return value

    def __setattr__(self, name, value):
        raise AttributeError("the site is read-only while outputs are made")

    def text_of(self, article):
        """The article, noting that its text (body, paragraphs) is read."""
        self._reads.add(("body", article.slug))
        return article


_reading: set | None = None  # the reads of the output being made, for templates' attribute access


def reading(reads: set | None) -> None:
    global _reading
    _reading = reads


def note_text_read(article) -> None:
    """Called by the template environment when a template reads an article's text."""
    if _reading is not None:
        _reading.add(("body", article.slug))


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


def read_value(site, extra: dict, read: tuple):
    """The current value of a part of the site noted by a Tracker."""
    if read[0] == "body":
        article = site.article.get(read[1])
        return MISSING if article is None else article.body
    value = extra[read[0]] if read[0] in extra else getattr(site, read[0], MISSING)
    if len(read) == 1 or value is MISSING:
        return value
    return value.get(read[1], MISSING)
