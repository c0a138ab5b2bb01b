"""The outputs part of the build state: each output, each value outputs read, and who read what,
as tables of the state's SQLite database (buildstate.py opens it and decides whether to trust it).

    outputs(block, packed, checksum)   the outputs in blocks of 2**BLOCK_BITS by id, marshalled
                           as columns (ids, paths, sizes, mtimes, recipes, reads, digests,
                           searchable; OUTPUT_COLUMNS): `reads` the numbers of the values each
                           read (uint32), size and mtime as written
    reads(n, key, digest, checksum)   each value some output read (a dependencies key), numbered
    readers(n, outputs, checksum)     the reverse index: value n -> the ids of the outputs that
                           read it (uint32)

A rebuild digests only the values its changes can affect (changes.py), looks up their numbers
and previous digests here, and finds the outputs that read those that changed in `readers`.
Writing, it touches only the blocks of outputs made again or gone, the rows of values new or
changed, and of the values whose readers changed; a value keeps its number from build to
build, an output its id. Every row carries the digest of its fields: a row
that does not match raises DamagedRows (the build then starts afresh), or, found while writing,
empties the tables (the next build makes every output again).
"""

from __future__ import annotations

import marshal
import sqlite3
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from .digests import blake

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS outputs (block INTEGER PRIMARY KEY, packed BLOB, checksum BLOB)",
    "CREATE TABLE IF NOT EXISTS reads (n INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, digest BLOB, checksum BLOB)",
    "CREATE TABLE IF NOT EXISTS readers (n INTEGER PRIMARY KEY, outputs BLOB, checksum BLOB)",
)
TABLES = ("outputs", "reads", "readers")
_BATCH = 500  # values looked up in one statement
# Outputs are kept 1,024 to a row, by id: every rebuild reads all of them, which row by row (an
# SQLite row, a checksum and a record each) took 1.9 s at 100,000 articles; a rebuild making a
# few outputs rewrites a block each (200 KB).
BLOCK_BITS = 10
_SEPARATOR, _OTHER = "\x1f", "\x1e"


class DamagedRows(Exception):
    """A row of the outputs' tables does not match its checksum."""


def _checksum(*fields) -> bytes:
    return blake(repr(fields).encode())


def key_text(key: tuple) -> str:
    """A dependencies key as the reads table holds it: its parts joined by a control character.
    A key of other parts is written by its repr: read back whole (`load_all`), it names no value,
    and its readers are made again."""
    if all(type(part) is str and _SEPARATOR not in part for part in key) and not key[0].startswith(_OTHER):
        return _SEPARATOR.join(key)
    return _OTHER + repr(key)


def _key(text: str) -> tuple:
    return tuple(text.split(_SEPARATOR))


def numbers(reads: bytes) -> memoryview:
    """The numbers of the values an output read (MadeOutput.reads), or of outputs (readers)."""
    return memoryview(reads).cast("I")


class ReadIndex:
    """The values outputs read, numbered, with their digests. A rebuild looks them up in the
    state's database as it needs them; what this build adds or changes is kept here until the
    state is written. Without a database (a first build, or one not trusting the last), every
    value is new."""

    def __init__(self, database: Path | None = None, next_number: int = 0, paths: dict[int, str] | None = None):
        self.database = database
        self.next_number = next_number
        self.paths = paths or {}  # output id -> path, of the outputs in the database
        self.number: dict[tuple, int] = {}  # key -> number, of the keys looked up or added
        self.stored: dict[int, bytes] = {}  # number -> digest in the database, of those looked up
        self.now: dict[int, bytes] = {}  # number -> digest this build, where new or changed
        self.keys: dict[int, tuple] = {}  # number -> key, of the values new in this build
        self.texts: dict[int, str] = {}  # number -> key as stored, of the values looked up
        self._connection: sqlite3.Connection | None = None
        self._all_loaded = False

    # --- looking up ---

    def _rows(self, sql: str, values: list) -> list:
        if self.database is None or not values:
            return []
        if self._connection is None:
            self._connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)
        found = []
        for start in range(0, len(values), _BATCH):
            part = values[start:start + _BATCH]
            found += self._connection.execute(sql.format(",".join("?" * len(part))), part).fetchall()
        return found

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _look_up(self, keys: Iterable[tuple]) -> None:
        texts = {key_text(key): key for key in keys if key not in self.number}
        for n, text, digest, check in self._rows("SELECT n, key, digest, checksum FROM reads WHERE key IN ({})",
                                                 list(texts)):
            if _checksum(n, text, digest) != check:
                raise DamagedRows(f"value {n}")
            self.number[texts[text]] = n
            self.texts[n] = text
            self.stored[n] = digest

    def load_all(self) -> None:
        """Every stored value at once (a build about to make most outputs again)."""
        if self._all_loaded:
            return
        self._all_loaded = True
        for n, text, digest, check in self._rows("SELECT n, key, digest, checksum FROM reads WHERE n >= ?", [0]):
            if _checksum(n, text, digest) != check:
                raise DamagedRows(f"value {n}")
            self.number.setdefault(_key(text), n)
            self.texts[n] = text
            self.stored[n] = digest

    def changed(self, keys: set[tuple] | None, digest_now: Callable[[tuple], bytes]) -> set[int]:
        """Digest the values of `keys` now (None: of every stored value) and return the numbers of
        those whose digest differs from the stored one."""
        if keys is None:
            self.load_all()
            keys = self.number
        else:
            self._look_up(keys)
        changed = set()
        for key in keys:
            n = self.number.get(key)
            if n is None or n not in self.stored:
                continue  # no output read it
            digest = digest_now(key)
            if digest != self.stored[n]:
                changed.add(n)
                self.now[n] = digest
        return changed

    def stored_digests(self, keys: list[tuple]) -> dict[tuple, bytes]:
        """The digests the previous build stored of these values (of those some output read)."""
        self._look_up(keys)
        return {key: self.stored[self.number[key]] for key in keys if key in self.number}

    def readers(self, values: set[int]) -> set[str]:
        """The outputs (paths) that read any of these values."""
        ids = set()
        for n, blob, check in self._rows("SELECT n, outputs, checksum FROM readers WHERE n IN ({})", sorted(values)):
            if _checksum(n, blob) != check:
                raise DamagedRows(f"readers of value {n}")
            ids.update(numbers(blob))
        return {self.paths[output] for output in ids}

    # --- what an output just made read ---

    def numbered(self, keys: Iterable[tuple], digests: dict) -> bytes:
        """The numbers of what an output just made read, given the digests of those values now."""
        keys = list(keys)
        if self.database is not None:
            self._look_up(keys)
        result = array("I")
        for key in keys:
            n = self.number.get(key)
            if n is None:
                n = self.number[key] = self.next_number
                self.next_number += 1
                self.keys[n] = key
                self.now[n] = digests[key]
            elif self.now.get(n, self.stored.get(n)) != digests[key]:
                self.now[n] = digests[key]
            result.append(n)
        return result.tobytes()


OUTPUT_COLUMNS = ("ids", "paths", "sizes", "mtimes", "recipes", "reads", "digests", "searchable")


def read(connection: sqlite3.Connection) -> tuple[tuple[list, ...], int]:
    """Every output as stored, in columns (OUTPUT_COLUMNS: a list each, in the same order), and
    the next free number of a value. (Columns, from which the build's mappings are made by
    zip in C: records made one by one were 0.4 s at 100,000 articles.)"""
    columns = tuple([] for _ in OUTPUT_COLUMNS)
    for block, packed, checksum in connection.execute("SELECT block, packed, checksum FROM outputs"):
        if blake(packed) != checksum:
            raise DamagedRows(f"outputs {block << BLOCK_BITS}-{((block + 1) << BLOCK_BITS) - 1}")
        for column, part in zip(columns, marshal.loads(packed)):
            column += part
    (highest,) = connection.execute("SELECT max(n) FROM reads").fetchone()
    return columns, (highest + 1 if highest is not None else 0)


def write(connection: sqlite3.Connection, reads: ReadIndex, stored: dict[str, tuple[int, object]],
          outputs: dict, stats: dict[str, tuple[int, int]]) -> dict[str, int] | None:
    """Bring the tables to this build's `outputs` (path -> MadeOutput) inside the caller's
    transaction. `stored`: each output as the tables hold it (path -> (id, record)), the
    records this build kept being the very same objects, and `reads.paths` the same by id;
    empty with a ReadIndex that has no database: the tables are written afresh. Returns each
    output's row id, or None when the tables were found damaged and emptied."""
    fresh = reads.database is None
    if fresh:
        stored = {}
        for table in TABLES:
            connection.execute(f"DELETE FROM {table}")
    # One pass over the outputs: the ids of those stored, and those made now (new or not the
    # very record stored); the stored ones not among them are gone.
    ids, made = {}, []
    for path, record in outputs.items():
        known = stored.get(path)
        if known is None:
            made.append(path)
        else:
            ids[path] = known[0]
            if known[1] is not record:
                made.append(path)
    gone = [] if len(ids) == len(stored) else [path for path in stored if path not in ids]
    new = [path for path in made if path not in ids]
    next_id = max((row_id for row_id, _ in stored.values()), default=-1) + 1 if new else 0
    for path in new:
        ids[path], next_id = next_id, next_id + 1
    if fresh:
        blocks = defaultdict(list)
        for path in outputs:
            blocks[ids[path] >> BLOCK_BITS].append(path)
    else:  # the blocks of what was made or is gone, each with the outputs it holds now
        gone_ids = {path: stored[path][0] for path in gone}
        blocks = {block: [] for block in sorted({ids[path] >> BLOCK_BITS for path in made}
                                                | {row_id >> BLOCK_BITS for row_id in gone_ids.values()})}
        for block, paths in blocks.items():
            paths.extend(path for row_id in range(block << BLOCK_BITS, (block + 1) << BLOCK_BITS)
                         if (path := reads.paths.get(row_id)) is not None and path in outputs)
        for path in new:
            blocks[ids[path] >> BLOCK_BITS].append(path)
    _write_blocks(connection, blocks, outputs, stats, ids)
    connection.executemany("INSERT INTO reads VALUES (?, ?, ?, ?)", (
        (n, text, reads.now[n], _checksum(n, text, reads.now[n])) for n, key in reads.keys.items()
        for text in (key_text(key),)))
    connection.executemany("UPDATE reads SET digest = ?, checksum = ? WHERE n = ?", (
        (digest, _checksum(n, reads.texts[n], digest), n) for n, digest in reads.now.items() if n not in reads.keys))
    if fresh:
        _write_readers(connection, outputs, ids)
    else:
        try:
            _update_readers(connection, stored, outputs, {path: ids[path] for path in made} | gone_ids)
        except DamagedRows:  # the next build finds no output it can keep, and makes them all
            for table in TABLES:
                connection.execute(f"DELETE FROM {table}")
            return None
        if len(made) + len(gone) > len(outputs) // 4:  # values no output reads any more are dropped
            connection.execute("DELETE FROM reads WHERE n NOT IN (SELECT n FROM readers)")
    return ids


def _write_blocks(connection: sqlite3.Connection, blocks: dict[int, list[str]], outputs: dict,
                  stats: dict[str, tuple[int, int]], ids: dict[str, int]) -> None:
    """Write each of `blocks` (number -> the paths of the outputs it holds); one left with no
    output is deleted."""
    connection.executemany("DELETE FROM outputs WHERE block = ?", ((block,) for block, paths in blocks.items()
                                                                   if not paths))
    connection.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?)", (
        (block, packed, blake(packed)) for block, paths in sorted(blocks.items()) if paths
        for packed in (marshal.dumps(tuple(zip(*sorted(
            (ids[path], path, *stats[path], record.recipe, record.reads, record.digest, bool(record.searchable))
            for path in paths for record in (outputs[path],))))),)))


def _write_readers(connection: sqlite3.Connection, outputs: dict, ids: dict[str, int]) -> None:
    """Every value's readers, from every output's reads (700,000 pairs at 10,000 articles, so
    in numpy: every pair as one number, value above reader, sorted; then cut where the value
    changes). Written at the end of a first build, when its memory is highest: one array of the
    pairs is sorted in place rather than an order of them taken and applied (7.5 million pairs
    at 100,000 articles, 60 MB an array of 64-bit numbers)."""
    import numpy

    paths = sorted(outputs, key=ids.__getitem__)  # each row's outputs in ascending order
    pairs = numpy.frombuffer(b"".join(outputs[path].reads for path in paths), dtype=numpy.uint32).astype(numpy.uint64)
    pairs <<= numpy.uint64(32)
    pairs |= numpy.repeat(numpy.array([ids[path] for path in paths], dtype=numpy.uint32),
                          [len(outputs[path].reads) // 4 for path in paths])
    pairs.sort()
    values, readers = _halves(pairs)
    del pairs
    starts = numpy.flatnonzero(numpy.r_[True, values[1:] != values[:-1]]) if len(values) else values
    ends = numpy.r_[starts[1:], len(values)] if len(values) else values

    def rows():
        # A slice of the values at a time as Python numbers: all of them at once would be three
        # lists of a few million numbers at 100,000 articles, a few hundred MB at the build's end.
        for at in range(0, len(starts), _ROWS_AT_A_TIME):
            cut = slice(at, at + _ROWS_AT_A_TIME)
            for n, start, end in zip(values[starts[cut]].tolist(), starts[cut].tolist(), ends[cut].tolist()):
                blob = readers[start:end].tobytes()
                yield n, blob, _checksum(n, blob)

    connection.executemany("INSERT INTO readers VALUES (?, ?, ?)", rows())


def _halves(pairs):
    """The high and the low 32 bits of each of `pairs` (uint64), as two uint32 arrays, a slice
    at a time (never a whole 64-bit array more)."""
    import numpy

    high, low = numpy.empty(len(pairs), dtype=numpy.uint32), numpy.empty(len(pairs), dtype=numpy.uint32)
    for at in range(0, len(pairs), _PAIRS_AT_A_TIME):
        part = pairs[at:at + _PAIRS_AT_A_TIME]
        high[at:at + len(part)] = part >> numpy.uint64(32)
        low[at:at + len(part)] = part & numpy.uint64(0xFFFFFFFF)
    return high, low


_PAIRS_AT_A_TIME = 1 << 20
_ROWS_AT_A_TIME = 50_000


def _update_readers(connection: sqlite3.Connection, stored: dict, outputs: dict, ids: dict[str, int]) -> None:
    """The rows of the values whose readers changed, those of the outputs made or gone (`ids`:
    path -> id): an output made again mostly reads what it read before, so few are."""
    added, removed = defaultdict(set), defaultdict(set)
    for path in ids:
        before = set(numbers(stored[path][1].reads)) if path in stored else set()
        now = set(numbers(outputs[path].reads)) if path in outputs else set()
        for n in before - now:
            removed[n].add(ids[path])
        for n in now - before:
            added[n].add(ids[path])
    touched = sorted(added.keys() | removed.keys())
    rows = {}
    for start in range(0, len(touched), _BATCH):
        part = touched[start:start + _BATCH]
        for n, blob, check in connection.execute(
                f"SELECT n, outputs, checksum FROM readers WHERE n IN ({','.join('?' * len(part))})", part):
            if _checksum(n, blob) != check:
                raise DamagedRows(f"readers of value {n}")
            rows[n] = blob
    for n in touched:
        readers = (set(numbers(rows[n])) if n in rows else set()) - removed[n] | added[n]
        if readers:
            blob = array("I", sorted(readers)).tobytes()
            connection.execute("INSERT OR REPLACE INTO readers VALUES (?, ?, ?)", (n, blob, _checksum(n, blob)))
        else:
            connection.execute("DELETE FROM readers WHERE n = ?", (n,))
