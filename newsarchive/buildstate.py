"""What one build hands the next: the typed build state, and how it is kept in its file.

On the next build an output is made again only when something it read has a new digest,
when its recipe (template) or the generator changed, or when its file on disk is not the one
we wrote; an article is parsed again only when a file it is parsed from changed.

Pickling costs per object far more than per byte. The state holds tens of thousands of
outputs reading hundreds of thousands of values, and ten thousand parsed articles; on disk
they are kept in columns of a few large objects (`_Stored`), put back together when read.
"""

from __future__ import annotations

import dataclasses
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from . import statefile
from .digests import DIGEST_SIZE, StatKey, blake
from .model import Article, Claim, Diagnostic, Original, PubDate, WebArchiveRecord
from .safeyaml import Lines, StoredLines


def article_digest(article: Article) -> bytes:
    """Digest of an article's fields but its text (ParsedArticle.digest)."""
    return blake(repr(dataclasses.replace(article, body="", paragraphs=())).encode())


@dataclass(frozen=True)
class ParsedArticle:
    """An article file as parsed, for the next build to reuse while its inputs are unchanged."""

    key: bytes  # digest of everything it was parsed from (file, capture, registries)
    article: Article
    problems: tuple[Diagnostic, ...]
    lines: Lines  # line of each front-matter key, for diagnostics
    digest: bytes  # article_digest: of its fields but its text


@dataclass(frozen=True)
class ParsedRegistry:
    """A registry (actors, sources) as read, reused while the file's content is unchanged."""

    digest: bytes  # of the file
    value: dict
    problems: tuple[Diagnostic, ...]


Parsed = ParsedArticle | ParsedRegistry


@dataclass(frozen=True, slots=True)
class MadeOutput:
    """What the build knows of an output it wrote: how it was made and what came out."""

    recipe: str  # what decides it besides what it read: "template:article.html", "static", "search:0/1"...
    reads: bytes  # what it read, as numbers (uint32) into the build's ReadTable
    digest: bytes  # of the file's bytes
    searchable: bool  # a page Pagefind indexes


def read_numbers(made: MadeOutput) -> memoryview:
    """The numbers in the ReadTable of what an output read."""
    return memoryview(made.reads).cast("I")


class ReadTable:
    """Everything outputs read (dependencies keys), numbered, with the digest of its value.

    Records hold the numbers of what they read. The numbers stay the same from build to
    build, so a record kept from an earlier build is stored again as it was read; entries that
    no output reads any more are dropped when they make up a quarter of the table."""

    def __init__(self, keys: list | None = None, digests: bytes = b""):
        self.keys = keys or []
        self.number = {key: n for n, key in enumerate(self.keys)}
        self.digests = [digests[DIGEST_SIZE * n:DIGEST_SIZE * (n + 1)] for n in range(len(self.keys))]

    def numbered(self, reads, digests: dict) -> bytes:
        """The numbers of what an output just made read, given the digests of those values now."""
        result = array("I")
        for key in reads:
            n = self.number.get(key)
            if n is None:
                n = self.number[key] = len(self.keys)
                self.keys.append(key)
                self.digests.append(digests[key])
            result.append(n)
        return result.tobytes()

    def compacted(self, records: dict[str, MadeOutput]) -> dict[str, MadeOutput]:
        """Drop what no record reads when it is a quarter of the table; the records renumbered."""
        used: set[int] = set()
        for made in records.values():
            used.update(read_numbers(made))
        if len(used) < len(self.keys) * 3 // 4:
            kept = sorted(used)
            new_number = {old: new for new, old in enumerate(kept)}
            records = {path: dataclasses.replace(
                           made, reads=array("I", [new_number[n] for n in read_numbers(made)]).tobytes())
                       for path, made in records.items()}
            self.keys = [self.keys[n] for n in kept]
            self.digests = [self.digests[n] for n in kept]
            self.number = {key: n for n, key in enumerate(self.keys)}
        return records


@dataclass(frozen=True)
class SearchIndexState:
    """What the search stage needs of the indexes it made (search.py): the large one's pages
    and the small one's."""

    base: dict[str, tuple[bytes, str]]  # page path -> (its digest when indexed, its result id there)
    recent: dict[str, bytes]  # page path -> digest, the pages of the small index


@dataclass
class BuildState:
    """What a build leaves for the next one."""

    code: bytes  # digests.code_digest of the generator that made it
    time: int  # when the build started, ns
    inputs: dict[str, tuple[StatKey, bytes]]  # input file -> (stat key, content digest): FileDigests.now
    parsed: dict[str, Parsed]  # article file or registry -> its parse (load.Archive.parsed)
    outputs: dict[str, MadeOutput]  # output path -> record
    reads: ReadTable
    search: SearchIndexState | None  # the search indexes (search.index); None: none made
    output_stats: dict[str, tuple[int, int]]  # output path -> (size, mtime_ns) as written


# --- in the file --------------------------------------------------------------------------------

@dataclass
class _Stored:
    code: bytes
    time: int
    inputs: dict
    parsed: dict  # path -> _packed_parse
    output_paths: list[str]
    output_recipes: list[str]
    output_reads: list[bytes]
    output_digests: bytes  # DIGEST_SIZE each
    output_searchable: bytes  # one byte each
    read_keys: list
    read_digests: bytes  # DIGEST_SIZE each
    search: SearchIndexState | None
    output_stats: dict = field(default_factory=dict)


def write(path: Path, state: BuildState) -> None:
    state.outputs = state.reads.compacted(state.outputs)
    digests = b"".join(state.reads.digests)
    if len(digests) != DIGEST_SIZE * len(state.reads.keys):
        raise ValueError("a read value's digest has the wrong size")
    outputs = state.outputs.values()
    statefile.save(path, _Stored(
        code=state.code, time=state.time, inputs=state.inputs,
        parsed={key: _packed_parse(entry) for key, entry in state.parsed.items()},
        output_paths=list(state.outputs), output_recipes=[made.recipe for made in outputs],
        output_reads=[made.reads for made in outputs], output_digests=b"".join(made.digest for made in outputs),
        output_searchable=bytes(made.searchable for made in outputs),
        read_keys=state.reads.keys, read_digests=digests,
        search=state.search, output_stats=state.output_stats))


def read(path: Path, code: bytes) -> BuildState | None:
    """The state left by the previous build, or None when there is none to trust."""
    stored = statefile.load(path, _Stored, code)
    if stored is None:
        return None
    digests = stored.output_digests
    outputs = {path: MadeOutput(recipe, reads, digests[DIGEST_SIZE * n:DIGEST_SIZE * (n + 1)], bool(searchable))
               for n, (path, recipe, reads, searchable) in enumerate(
                   zip(stored.output_paths, stored.output_recipes, stored.output_reads, stored.output_searchable))}
    return BuildState(code=stored.code, time=stored.time, inputs=stored.inputs,
                      parsed={key: _unpacked_parse(entry) for key, entry in stored.parsed.items()},
                      outputs=outputs, reads=ReadTable(stored.read_keys, stored.read_digests),
                      search=stored.search, output_stats=stored.output_stats)


# A parsed article is kept as plain tuples: the path as text; the date, origin and claims as
# tuples of their fields; the paragraphs joined into one string with their lengths beside it;
# the line numbers of the front matter as JSON text, read only if a diagnostic needs one.
# Registries are kept as they are.

def _fields_of(record) -> tuple:
    return tuple(getattr(record, f.name) for f in dataclasses.fields(record))


def _pack_paragraphs(paragraphs: tuple[str, ...]) -> tuple[str, bytes]:
    return "".join(paragraphs), array("I", map(len, paragraphs)).tobytes()


def _unpack_paragraphs(packed: tuple[str, bytes]) -> tuple[str, ...]:
    text, lengths = packed
    sizes, paragraphs, at = array("I"), [], 0
    sizes.frombytes(lengths)
    for size in sizes:
        paragraphs.append(text[at:at + size])
        at += size
    return tuple(paragraphs)


def _optional(kind):
    return lambda fields: None if fields is None else kind(*fields)


def _same(value):
    return value


# Each field of Article kept otherwise than as it is: (packed, unpacked).
_ARTICLE_CODEC = {
    "path": (str, Path),
    "date": (_fields_of, lambda fields: PubDate(*fields)),
    "original": (lambda value: value and _fields_of(value), _optional(Original)),
    "archive": (lambda value: value and _fields_of(value), _optional(WebArchiveRecord)),
    "claims": (lambda claims: tuple(map(_fields_of, claims)), lambda claims: tuple(Claim(*c) for c in claims)),
    "paragraphs": (_pack_paragraphs, _unpack_paragraphs),
}
_ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
_PACK = tuple(_ARTICLE_CODEC.get(name, (_same, _same))[0] for name in _ARTICLE_FIELDS)
_UNPACK = tuple(_ARTICLE_CODEC.get(name, (_same, _same))[1] for name in _ARTICLE_FIELDS)


def _packed_parse(entry: Parsed):
    if isinstance(entry, ParsedRegistry):
        return entry
    article = entry.article
    fields = tuple(pack(getattr(article, name)) for pack, name in zip(_PACK, _ARTICLE_FIELDS))
    return (entry.key, fields, entry.problems, StoredLines.text_of(entry.lines), entry.digest)


def _unpacked_parse(packed) -> Parsed:
    if isinstance(packed, ParsedRegistry):
        return packed
    key, fields, problems, lines, digest = packed
    article = Article(**{name: unpack(value) for name, unpack, value in zip(_ARTICLE_FIELDS, _UNPACK, fields)})
    return ParsedArticle(key, article, problems, StoredLines(lines) if lines is not None else None, digest)
