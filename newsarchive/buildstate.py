"""What one build hands the next: the typed build state, and how it is kept in its file.

On the next build an output is made again only when something it read has a new digest,
when its recipe (template) or the generator changed, or when its file on disk is not the one
we wrote; an article is parsed again only when a file it is parsed from changed.

The state is a small file (`_Stored`: the input files' digests, the search shards' keys, the
reprint relations' digests) and an SQLite database beside it (`_StateRows`): the parsed
articles, a row each with the checksum of its bytes, their texts and their folded fields in
rows of their own, and the outputs with what each read and the reverse index from a value read
to its readers (outputrows.py). A build rewrites only the rows of the articles it parsed again
and of the outputs it made again. It reads every parsed row, which holds what every rebuild
needs of each article, but no text and no folded field: an article read back is a
StoredArticle, whose text is read from its row when first asked for (its page is made again,
its text is fingerprinted or compared), and likewise its other fields (_LAZY_FIELDS) and its
front matter's lines, so a rebuild reads those of what changed. A one-off build holds no text
in memory either: those of the articles it parses wait in its TextSpool.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import marshal
import os
import pickle
import sqlite3
import zlib
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from . import outputrows, statefile
from .digests import StatKey, blake, checksum
from .outputrows import ReadIndex
from .model import Article, Claim, Diagnostic, Original, PubDate, WebArchiveRecord
from .safeyaml import Lines, StoredLines


def article_digest(article: Article) -> bytes:
    """Digest of an article's fields but its text (ParsedArticle.digest)."""
    return blake(repr(dataclasses.replace(article, body="", paragraphs=())).encode())


class ParsedArticle(NamedTuple):
    """An article file as parsed, for the next build to reuse while its inputs are unchanged.
    (A tuple: every rebuild reads back one for each article, 100,000 at 100,000 articles.)"""

    key: bytes  # digest of everything it was parsed from (file, capture, registries)
    article: Article
    problems: tuple[Diagnostic, ...]
    lines: Lines  # line of each front-matter key, for diagnostics
    digest: bytes  # article_digest: of its fields but its text
    text_key: str  # text.text_key of its paragraphs: what the reprint caches know its text by
    lead: str  # text.lead of its paragraphs: what feeds show of it, known without reading its text
    kept: bytes  # listing.kept: what the lists and the data file need of it, without unfolding it


@dataclass(frozen=True)
class ParsedRegistry:
    """A registry (actors, sources) as read, reused while the file's content is unchanged."""

    digest: bytes  # of the file
    value: dict
    problems: tuple[Diagnostic, ...]


Parsed = ParsedArticle | ParsedRegistry


class MadeOutput(NamedTuple):
    """What the build knows of an output it wrote: how it was made and what came out. (A
    tuple: every output's is read back by every rebuild, 333,000 at 100,000 articles.)"""

    recipe: str  # what decides it besides what it read: "template:article.html", "static", "search:0/1"...
    reads: bytes  # what it read, as numbers (uint32) into the ReadIndex (outputrows.numbers)
    digest: bytes  # of the file's bytes
    searchable: bool  # a page the search index holds (search.BODY_MARK)


@dataclass(frozen=True)
class SearchIndexState:
    """What the search stage needs of the indexes it made (search.py): the large one's
    documents and the small one's pages."""

    base: dict[str, tuple[bytes, int]]  # page path -> (its digest when indexed, its document number)
    recent: dict[str, bytes]  # page path -> digest, the pages of the small index
    dates: tuple[str, ...] = ()  # the large index's documents' sort dates, by number
    format: int = 1  # search.FORMAT of the files


@dataclass
class BuildState:
    """What a build leaves for the next one."""

    code: bytes  # digests.code_digest of the generator that made it
    time: int  # when the build started, ns
    inputs: dict[str, tuple[StatKey, bytes]]  # input file -> (stat key, content digest): FileDigests.now
    parsed: dict[str, Parsed]  # article file or registry -> its parse (load.Archive.parsed)
    outputs: dict[str, MadeOutput]  # output path -> record
    reads: ReadIndex  # what outputs read, looked up in the state's database
    search: SearchIndexState | None  # the search indexes (search.index); None: none made
    output_stats: dict[str, tuple[int, int]]  # output path -> (size, mtime_ns) as written: every output's
    relations: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (copy, original) -> digest
    archive_counts: tuple | None = None  # what the shape and claims' headings are counted from: sitemodel.ArchiveCounts
    # every slug in order, and by person and outlet: sitemodel.ArchiveOrders, as a tuple; as the
    # state file holds it (statefile.Pickled) until a build asks for it
    archive_orders: tuple | statefile.Pickled | None = None
    listing: bytes = b""  # what decided which outputs the site has, packed (render._listing_of)
    # parsed entries found whole in the state's rows when it was read (file -> key): the next
    # write keeps those rows as they are while the entry's key is the same
    stored: dict[str, bytes] = field(default_factory=dict)
    # the files whose parsed entries each block of them holds, as read (_StateRows, PARSED_BLOCKS)
    stored_blocks: dict[int, tuple[str, ...]] = field(default_factory=dict)
    # each output as the state's rows hold it (path -> (row id, record)); the next write
    # rewrites the rows of records that are not these very objects
    stored_outputs: dict[str, tuple[int, MadeOutput]] = field(default_factory=dict)
    # slug -> the slugs of the articles naming it (load.Archive.named): whose references a
    # rebuild checks again when an article is gone; None when not known (all are checked)
    named: dict[str, tuple[str, ...]] | None = None


# --- in the file --------------------------------------------------------------------------------

@dataclass
class _Stored:
    # marshalled (statefile.py): path -> ((size, mtime, ctime, inode), digest); slug -> slugs
    PLAIN_FIELDS = ("inputs", "named")
    # unpickled only when asked for (statefile.Pickled): 0.14 s to read, 0.18 s to write at
    # 100,000 articles, for a build whose changes move no article in any list (an edit of a text)
    LAZY_FIELDS = ("archive_orders",)

    code: bytes
    time: int
    inputs: dict
    search: SearchIndexState | None
    relations: dict = field(default_factory=dict)
    parsed_rows: bytes = b""  # the token of the rows written with this state (_StateRows)
    archive_counts: tuple | None = None  # sitemodel.ArchiveCounts
    archive_orders: tuple | statefile.Pickled | None = None  # sitemodel.ArchiveOrders
    listing: bytes = b""
    named: dict | None = None


def write(path: Path, state: BuildState, again: bool = True) -> BuildState | None:
    """Keep `state` for the next build. Returns it as `read` would give it back from the files
    just written, for a process that builds `again` (pipeline.BuildMemory; a one-off build's
    process has no use for it: None, and nothing made for it, 0.3-0.5 s at 100,000 articles);
    None too when the rows were found damaged while writing (the next build then reads the
    files, and makes all)."""
    state.reads.close()
    rows = _StateRows(path)
    _ArticleRows.of(rows.path).close()
    # The rows first, then the file naming their token: a build stopped in between leaves a
    # file whose token is not the rows', and the next build starts afresh.
    token, row_ids, blocks = rows.write(state)
    statefile.save(path, _Stored(code=state.code, time=state.time, inputs=state.inputs,
                                 search=state.search, relations=state.relations, parsed_rows=token,
                                 archive_counts=state.archive_counts, archive_orders=state.archive_orders,
                                 listing=state.listing, named=state.named))
    if row_ids is None or not again:
        return None
    # What read() would find: every parsed entry and output in the rows, under these row ids.
    return dataclasses.replace(
        state, reads=ReadIndex(rows.path, state.reads.next_number, {row_id: output for output, row_id in row_ids.items()}),
        stored={location: _key_of(entry) for location, entry in state.parsed.items()},
        stored_blocks=blocks,
        stored_outputs={output: (row_ids[output], record) for output, record in state.outputs.items()})


def rows_path(path: Path) -> Path:
    """The database of the rows beside the state file at `path`."""
    return _StateRows(path).path


def read(path: Path, code: bytes) -> BuildState | None:
    """The state left by the previous build, or None when there is none to trust."""
    stored = statefile.load(path, _Stored, code)
    rows = _StateRows(path)
    found = rows.read(code, stored.parsed_rows) if stored is not None else None
    if stored is None or found is None:
        rows.remove()  # nothing in them is trusted: the next write makes them all again
        return None
    parsed, blocks, (ids, paths, sizes, mtimes, *fields), next_number = found
    # Each mapping made by zip in C, each MadeOutput by tuple.__new__ (no Python code a record).
    made = list(map(tuple.__new__, itertools.repeat(MadeOutput), zip(*fields)))
    outputs, stats = dict(zip(paths, made)), dict(zip(paths, zip(sizes, mtimes)))
    stored_outputs, by_id = dict(zip(paths, zip(ids, made))), dict(zip(ids, paths))
    return BuildState(code=stored.code, time=stored.time, inputs=stored.inputs, parsed=parsed,
                      outputs=outputs, reads=ReadIndex(rows.path, next_number, by_id),
                      search=stored.search, output_stats=stats, relations=stored.relations,
                      archive_counts=stored.archive_counts, archive_orders=stored.archive_orders,
                      listing=stored.listing, named=stored.named,
                      stored={key: _key_of(entry) for key, entry in parsed.items()},
                      stored_blocks=blocks, stored_outputs=stored_outputs)


# The parsed entries are kept PARSED_BLOCKS to the table, each file's in the block its path's
# CRC-32 names: every rebuild reads all of them, which a row each (an SQLite row, a checksum and
# an unpickling each) took 0.15 s at 10,000 articles; a rebuild parsing a few files again
# rewrites their blocks (400 entries, 600 KB, at 100,000 articles).
PARSED_BLOCKS = 256


def _block_of(location: str) -> int:
    return zlib.crc32(location.encode("utf-8", "surrogateescape")) % PARSED_BLOCKS


def _block_row(block: int, locations: list[str], parsed: dict[str, Parsed]) -> tuple:
    packed = marshal.dumps(tuple(_packed_parse(location, parsed[location]) for location in sorted(locations)))
    return (block, checksum(packed), packed)


def _text_row(location: str, key: bytes, entry: Parsed) -> tuple | None:
    if isinstance(entry, ParsedRegistry):
        return None
    packed = _packed_text(entry.article)
    return (location, key, checksum(packed), packed)


def _folded_row(location: str, key: bytes, entry: Parsed) -> tuple | None:
    if isinstance(entry, ParsedRegistry):
        return None
    packed = pickle.dumps((_folded_fields(entry.article), StoredLines.text_of(entry.lines)),
                          protocol=pickle.HIGHEST_PROTOCOL)
    return (location, key, checksum(packed), packed)


def _packed_text(article: Article) -> bytes:
    body, paragraphs = article._text() if isinstance(article, StoredArticle) else (article.body, article.paragraphs)
    return pickle.dumps((body, _pack_paragraphs(paragraphs)), protocol=pickle.HIGHEST_PROTOCOL)


def _rows_read(entry: Parsed) -> bool:
    """Whether the entry's text and folded fields can be had once the rows are rewritten: read
    now from the rows if that is where they are."""
    if isinstance(entry, ParsedArticle) and isinstance(entry.article, StoredArticle) \
            and isinstance(entry.article._texts, _ArticleRows):
        try:
            entry.article.body
            entry.article._folded_part()
        except outputrows.DamagedRows:
            return False
    return True


def _key_of(entry: Parsed) -> bytes:
    """What decides a parse: equal keys, equal parses (load.reuse)."""
    return entry.digest if isinstance(entry, ParsedRegistry) else entry.key


class _StateRows:
    """The rows of the state, in an SQLite database beside the state file: the parsed entries,
    one row each (file, key, checksum of the row's bytes, the packed parse pickled), each
    article's text and its folded fields and lines in rows of the same shape (tables texts and
    folded, read by _ArticleRows), and the outputs' tables (outputrows.py). A row is trusted
    only when its bytes have their checksum, and the database only when its code and token are
    the ones the state file names."""

    _ARTICLE_TABLES = ("texts", "folded")
    _BLOCKS_TABLE = "CREATE TABLE IF NOT EXISTS parsed_blocks (block INTEGER PRIMARY KEY, checksum BLOB, packed BLOB)"

    def __init__(self, state_path: Path):
        self.path = state_path.with_name(state_path.name + ".parsed.sqlite")

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, isolation_level=None)
        connection.execute("PRAGMA journal_mode=DELETE")
        return connection

    def remove(self) -> None:
        for suffix in ("", "-journal"):
            with contextlib.suppress(OSError, sqlite3.Error):
                os.unlink(str(self.path) + suffix)

    def read(self, code: bytes, token: bytes) -> tuple[dict[str, Parsed], dict, tuple, int] | None:
        if not token or not self.path.is_file():
            return None
        try:
            connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                meta = dict(connection.execute("SELECT name, value FROM meta"))
                if meta.get("code") != code or meta.get("token") != token:
                    return None
                parsed, blocks, texts = {}, {}, _ArticleRows.of(self.path)
                for block, check, packed in connection.execute("SELECT block, checksum, packed FROM parsed_blocks"):
                    if checksum(packed) != check:
                        return None
                    entries = marshal.loads(packed)
                    for entry in entries:
                        parsed[entry[0]] = _unpacked_parse(entry, texts)
                    blocks[block] = tuple(entry[0] for entry in entries)
                return (parsed, blocks, *outputrows.read(connection))
            finally:
                connection.close()
        except Exception:  # damaged, foreign or half written: never trusted, never a crash
            return None

    def write(self, state: BuildState) -> tuple[bytes, dict[str, int] | None, dict[int, tuple[str, ...]]]:
        """Bring the rows to the state, rewriting only the blocks of parsed entries and the
        texts' and folded fields' rows whose key differs from `state.stored` (the rows as read
        and checked), and the outputs' rows of what changed (outputrows.write); returns the new
        token, the outputs' row ids (outputrows.write) and the files each block holds now."""
        code, parsed, stored, stored_blocks = state.code, state.parsed, state.stored, state.stored_blocks
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = self._open()
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError:
            self.remove()
            connection, stored, stored_blocks = self._open(), {}, {}
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB)")
            for table in self._ARTICLE_TABLES:
                connection.execute(f"CREATE TABLE IF NOT EXISTS {table} "
                                   "(path TEXT PRIMARY KEY, key BLOB, checksum BLOB, packed BLOB)")
            connection.execute(self._BLOCKS_TABLE)
            for statement in outputrows.SCHEMA:
                connection.execute(statement)
            if dict(connection.execute("SELECT name, value FROM meta")).get("code") != code:
                stored, stored_blocks = {}, {}
            changed = {location: key for location, entry in parsed.items()
                       if stored.get(location) != (key := _key_of(entry))}
            # An article read back from these rows, to be written again (they are emptied
            # below), takes its text and folded fields first; one whose rows cannot be read is
            # left out (parsed again).
            unreadable = {location for location in changed if not _rows_read(parsed[location])}
            gone = [(location,) for location in stored if location not in parsed]
            for table in (*self._ARTICLE_TABLES, "parsed_blocks"):
                if not stored:
                    connection.execute(f"DELETE FROM {table}")
            for table in self._ARTICLE_TABLES:
                connection.executemany(f"DELETE FROM {table} WHERE path = ?", gone)
            blocks = self._blocks_now(parsed, stored, stored_blocks, changed, unreadable, gone)
            connection.executemany("DELETE FROM parsed_blocks WHERE block = ?",
                                   ((block,) for block, locations in blocks.items() if not locations))
            connection.executemany("INSERT OR REPLACE INTO parsed_blocks VALUES (?, ?, ?)", (
                _block_row(block, locations, parsed) for block, locations in sorted(blocks.items()) if locations))
            # Rows are made as SQLite takes them: a full build never holds all of them at once.
            for table, make in zip(self._ARTICLE_TABLES, (_text_row, _folded_row)):
                connection.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?, ?)", (
                    row for location, key in changed.items() if location not in unreadable
                    and (row := make(location, key, parsed[location])) is not None))
            row_ids = outputrows.write(connection, state.reads, state.stored_outputs, state.outputs,
                                       state.output_stats)
            token = os.urandom(16)
            connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [("code", code), ("token", token)])
            connection.execute("COMMIT")
            kept_blocks = {} if not stored else {block: locations for block, locations in stored_blocks.items()
                                                 if block not in blocks}
            return token, row_ids, kept_blocks | {block: tuple(sorted(locations))
                                                  for block, locations in blocks.items() if locations}
        except BaseException:
            with contextlib.suppress(OSError, sqlite3.Error):
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()

    @staticmethod
    def _blocks_now(parsed: dict, stored: dict, stored_blocks: dict, changed: dict, unreadable: set,
                    gone: list) -> dict[int, list[str]]:
        """The blocks to write (all of them with nothing stored), each with the files it holds
        now: those of the files parsed again, new or gone. An entry whose text or fields could
        not be read is left out (parsed again by the next build)."""
        if not stored:
            touched = {}
            for location in parsed:
                if location not in unreadable:
                    touched.setdefault(_block_of(location), []).append(location)
            return touched
        touched = {_block_of(location) for location in changed} | {_block_of(location) for (location,) in gone}
        blocks = {block: [location for location in stored_blocks.get(block, ())
                          if location in parsed and location not in unreadable] for block in touched}
        for location in changed:
            if location not in stored and location not in unreadable:
                blocks[_block_of(location)].append(location)
        return blocks


class _ArticleRows:
    """Reads the texts and the folded fields of stored articles from the state's database, each
    row checked against its checksum and its parse's key. A rebuild asks for a few, one row at
    a time; one that asks for many (a change that makes the lists of the whole archive, or every
    page, again: the articles in the order of their files) has them read WINDOW rows at a time
    from the one asked for on, in the table's order, once it asked for WINDOW_AFTER one by one
    (100,000 queries of a row were 2.3 s at 100,000 articles), and while windows pay: one that
    served less than 1/WINDOW_PAYS of the rows it read sends the reads back to one at a time (rows
    asked for across the whole table, as a reprint update's are, each cost a window: 0.17 s of an
    edit at 100,000 articles). One reader a database, shared by
    the articles read from it; its connection is opened when first needed, again in a forked
    worker process (a connection never crosses a fork), and closed before the rows are written."""

    keeps_read = True  # a text read is kept by its article: a rebuild reads few, some of them twice
    WINDOW_AFTER, WINDOW, WINDOW_PAYS = 64, 1024, 16
    _readers: dict[Path, _ArticleRows] = {}

    @classmethod
    def of(cls, database: Path) -> _ArticleRows:
        reader = cls._readers.get(database)
        if reader is None:
            reader = cls._readers[database] = cls(database)
        return reader

    def __init__(self, database: Path):
        self.database = database
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._inherited: list[sqlite3.Connection] = []
        self._asked: dict[str, int] = {}  # table -> rows asked for one by one
        self._window: dict[str, dict[str, tuple]] = {}  # table -> rows read ahead, by path
        self._window_read: dict[str, int] = {}  # table -> how many rows its last window read

    def close(self) -> None:
        if self._connection is not None:
            if self._pid == os.getpid():
                self._connection.close()
            else:  # the parent's: never used, nor closed, here
                self._inherited.append(self._connection)
        self._connection = None
        self._asked, self._window, self._window_read = {}, {}, {}

    def text(self, location: str, key: bytes) -> tuple[str, tuple[str, ...]]:
        """(body, paragraphs) of the article parsed from `location` under `key`."""
        body, paragraphs = self._row("texts", "the text", location, key)
        return body, _unpack_paragraphs(paragraphs)

    def folded(self, location: str, key: bytes) -> tuple[bytes, str | None]:
        """The folded fields (_folded_fields) and the lines' JSON text of that article."""
        return self._row("folded", "the fields", location, key)

    def _row(self, table: str, what: str, location: str, key: bytes):
        if self._connection is None or self._pid != os.getpid():
            if self._connection is not None:  # the parent's: never used, nor closed, here
                self._inherited.append(self._connection)
            self._connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)
            self._pid = os.getpid()
            self._asked, self._window, self._window_read = {}, {}, {}
        row = self._window.get(table, {}).pop(location, None)
        try:
            if row is None and self._windows_pay(table):
                window = self._window[table] = {path: found for path, *found in self._connection.execute(
                    f"SELECT path, key, checksum, packed FROM {table} WHERE path >= ? ORDER BY path LIMIT ?",
                    (location, self.WINDOW))}
                self._window_read[table] = len(window)
                row = window.pop(location, None)
            elif row is None:
                self._asked[table] = self._asked.get(table, 0) + 1
                row = self._connection.execute(f"SELECT key, checksum, packed FROM {table} WHERE path = ?",
                                               (location,)).fetchone()
        except sqlite3.Error as error:
            raise outputrows.DamagedRows(f"{what} of {location} ({error})") from None
        if row is None or row[0] != key or checksum(row[2]) != row[1]:
            raise outputrows.DamagedRows(f"{what} of {location}")
        return pickle.loads(row[2])

    def _windows_pay(self, table: str) -> bool:
        """Whether the next row of `table` not read ahead is read with a window (see the class)."""
        if self._asked.get(table, 0) < self.WINDOW_AFTER:
            return False
        last, read = self._window.get(table), self._window_read.get(table, 0)
        if last is not None and (read - len(last)) * self.WINDOW_PAYS < read:  # served under 1/WINDOW_PAYS
            self._asked[table] = 0  # one at a time again, until as many were asked for
            del self._window[table]
            return False
        return True


class TextSpool:
    """The texts of the articles a one-off build parsed, kept in a file of the build's own while
    it runs rather than in its memory: at 100,000 articles, bodies and paragraphs take 800 MB,
    a quarter of what a first build held. Each article parsed is then a StoredArticle that reads
    its text from here whenever it is asked for (fingerprinted, its page made, its row of the
    state written), and never keeps it. Written by the build's process alone, at positions it
    chose, so a forked worker reading texts shares nothing that moves; `close` removes the file."""

    keeps_read = False
    _PENDING_MAX = 1 << 20  # bytes gathered before they are written

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        self._places: dict[str, tuple[int, int]] = {}  # article file -> (offset, size) of its text
        self._pending: list[bytes] = []
        self._pending_at = self._end = 0

    def spooled(self, location: str, key: bytes | None, article: Article) -> StoredArticle:
        """The article with its text kept here instead."""
        packed = _packed_text(article)
        self._places[location] = (self._end, len(packed))
        self._pending.append(packed)
        self._end += len(packed)
        if self._end - self._pending_at >= self._PENDING_MAX:
            self._write_pending()
        fields = {name: getattr(article, name) for name in _ROW_FIELDS}
        return StoredArticle.stored(fields, self, location, key)

    def _write_pending(self) -> None:
        data = b"".join(self._pending)
        os.pwrite(self._fd, data, self._pending_at)
        self._pending, self._pending_at = [], self._pending_at + len(data)

    def text(self, location: str, key: bytes | None) -> tuple[str, tuple[str, ...]]:
        if self._pending:
            self._write_pending()
        offset, size = self._places[location]
        body, paragraphs = pickle.loads(os.pread(self._fd, size, offset))
        return body, _unpack_paragraphs(paragraphs)

    def close(self) -> None:
        """Remove the file; the articles spooled can no longer be read."""
        os.close(self._fd)
        with contextlib.suppress(OSError):
            os.unlink(self.path)


class StoredArticle(Article):
    """An article whose text is kept outside the process's memory. Read back from the build
    state, the fields every rebuild needs came with the parsed row, the others (_LAZY_FIELDS)
    are read from their row the first time one is asked for, and its text (body and
    paragraphs) likewise from its own, each then kept; parsed by a one-off build, its text is
    in the build's TextSpool and read from there each time. Otherwise it is an Article: it
    equals, hashes and pickles as the Article it stands for, and `dataclasses.replace` of it
    makes a plain Article."""

    def __new__(cls, *args, **fields):
        return Article(*args, **fields)  # dataclasses.replace(stored, ...): a plain Article

    @classmethod
    def stored(cls, fields: dict, texts: TextSpool, location: str, key: bytes | None) -> StoredArticle:
        """The article of `fields` (every field but its text), its text in `texts`."""
        article = object.__new__(cls)
        values = article.__dict__
        values.update(fields, _texts=texts, _location=location, _key=key)
        # Its file's path is kept as text, made a Path when asked for (by a diagnostic): making
        # 100,000 of them took 0.3 s of every rebuild at 100,000 articles.
        values["_path_text"] = os.fspath(values.pop("path"))
        return article

    @classmethod
    def read_back(cls, eager: tuple, rows: _ArticleRows, location: str, key: bytes) -> StoredArticle:
        """The article of a parsed row: its eager fields as packed (_EAGER_FIELDS), the others
        in `rows` (_ArticleRows.folded) until one of them is first asked for."""
        article = object.__new__(cls)
        values = article.__dict__
        values.update(zip(_EAGER_KEYS, eager))
        for name, unpack in _UNPACK_EAGER:
            values[name] = unpack(values[name])
        values.update(_texts=rows, _location=location, _key=key, _folded=True)
        return article

    def __getattr__(self, name: str):
        """A field still folded (read back from the state, not asked for since): all of them
        unfolded now. A rebuild asks for them only of the articles its changes touch."""
        values = self.__dict__
        if not values.get("_folded"):
            raise AttributeError(name)
        values.update(_unfolded_fields(self._folded_part()[0]))
        del values["_folded"]
        return getattr(self, name)

    def _folded_part(self) -> tuple[bytes, str | None]:
        """Its folded fields and its lines' JSON text, from its row (read once)."""
        found = self.__dict__.get("_folded_read")
        if found is None:
            found = self.__dict__["_folded_read"] = self._texts.folded(self._location, self._key)
        return found

    @property
    def path(self) -> Path:
        return Path(self._path_text)

    def _text(self) -> tuple[str, tuple[str, ...]]:
        found = self.__dict__.get("_text_read")
        if found is None:
            found = self._texts.text(self._location, self._key)
            if self._texts.keeps_read:
                self.__dict__["_text_read"] = found
        return found

    @property
    def body(self) -> str:
        return self._text()[0]

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return self._text()[1]

    def __eq__(self, other):
        if not isinstance(other, Article):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _ARTICLE_FIELDS)

    __hash__ = Article.__hash__

    def __reduce__(self):
        return Article, tuple(getattr(self, name) for name in _ARTICLE_FIELDS)


# A parsed article is kept as plain tuples: the path as text; the date, origin and claims as
# tuples of their fields; the paragraphs joined into one string with their lengths beside it
# (in the texts table); the line numbers of the front matter as JSON text, read only if a
# diagnostic needs one. Registries are kept as they are.

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
    "path": (str, _same),  # a Path again when asked for (StoredArticle.path)
    "date": (_fields_of, lambda fields: PubDate(*fields)),
    "original": (lambda value: value and _fields_of(value), _optional(Original)),
    "archive": (lambda value: value and _fields_of(value), _optional(WebArchiveRecord)),
    "claims": (lambda claims: tuple(map(_fields_of, claims)), lambda claims: tuple(Claim(*c) for c in claims)),
}
_ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
_TEXT_FIELDS = ("body", "paragraphs")  # kept in the texts table
_ROW_FIELDS = tuple(name for name in _ARTICLE_FIELDS if name not in _TEXT_FIELDS)
# The fields a rebuild needs of every article, changed or not (to key its parse, check its
# capture and the relations set by hand), come unpacked with the row; the others stay folded
# in bytes until one of them is asked for (StoredArticle.__getattr__), which a rebuild does only
# for the articles its changes touch (sitemodel.ArchiveCounts and the reprint index's digests
# spare the others). A folded field has no default in Article: a class attribute would answer.
_LAZY_FIELDS = ("title", "url", "date", "publisher", "original", "credit", "people", "claims")
_EAGER_FIELDS = tuple(name for name in _ROW_FIELDS if name not in _LAZY_FIELDS)
if any(hasattr(Article, name) for name in _LAZY_FIELDS) or not set(_LAZY_FIELDS) < set(_ROW_FIELDS):
    raise TypeError("a folded field of StoredArticle must be a field of Article without a default")
_PACK = {name: _ARTICLE_CODEC.get(name, (_same, _same))[0] for name in _ROW_FIELDS}
_UNPACK = {name: _ARTICLE_CODEC.get(name, (_same, _same))[1] for name in _ROW_FIELDS}
_EAGER_KEYS = tuple("_path_text" if name == "path" else name for name in _EAGER_FIELDS)  # as StoredArticle keeps them
_UNPACK_EAGER = tuple((name, _UNPACK[name]) for name in _EAGER_FIELDS if _UNPACK[name] is not _same)
_UNPACK_LAZY = tuple((name, _UNPACK[name]) for name in _LAZY_FIELDS if _UNPACK[name] is not _same)


def _folded_fields(article: Article) -> bytes:
    if isinstance(article, StoredArticle) and "_folded_read" in article.__dict__:
        return article.__dict__["_folded_read"][0]  # as read back
    return pickle.dumps(tuple(_PACK[name](getattr(article, name)) for name in _LAZY_FIELDS),
                        protocol=pickle.HIGHEST_PROTOCOL)


def _unfolded_fields(folded: bytes) -> dict:
    values = dict(zip(_LAZY_FIELDS, pickle.loads(folded)))
    for name, unpack in _UNPACK_LAZY:
        values[name] = unpack(values[name])
    return values


def _packed_parse(location: str, entry: Parsed) -> tuple:
    """An entry as its block holds it (marshalled): a registry pickled whole; an article as its
    eager fields, its problems pickled (b"": none) and the rest of its ParsedArticle."""
    if isinstance(entry, ParsedRegistry):
        return (location, pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
    article = entry.article
    fields = tuple(_PACK[name](getattr(article, name)) for name in _EAGER_FIELDS)
    problems = pickle.dumps(entry.problems, protocol=pickle.HIGHEST_PROTOCOL) if entry.problems else b""
    return (location, entry.key, fields, problems, entry.digest, entry.text_key, entry.lead, entry.kept)


def _unpacked_parse(packed: tuple, texts: _ArticleRows) -> Parsed:
    if len(packed) == 2:
        return pickle.loads(packed[1])
    location, key, eager, problems, digest, text_key, lead, kept = packed
    problems = pickle.loads(problems) if problems else ()
    article = StoredArticle.read_back(eager, texts, location, key)
    lines = _new_lines(_RowLines)
    lines._article = article
    return _parsed_article(ParsedArticle, (key, article, problems, lines, digest, text_key, lead, kept))


class _RowLines(StoredLines):
    """The lines of an article read back from the state: their JSON text stays in the article's
    row of folded fields until a diagnostic asks for a line (or the row is written again). Made
    by _new_lines, without __init__: one for each article a rebuild reads back."""

    text = None
    _article: StoredArticle | None = None

    def undecoded(self) -> str | None:
        if self._article is not None:
            self.text, self._article = self._article._folded_part()[1], None
        return self.text


_parsed_article = tuple.__new__  # a ParsedArticle of its fields, without a call of Python code
_new_lines = dict.__new__  # an empty _RowLines, likewise
