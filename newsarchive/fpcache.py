"""Reprint fingerprints kept between builds, so that unchanged articles are not read again, and
the passages pairs of texts share, so that they are not aligned again.

The cache is two files in the project's `.cache/` folder (git-ignored), each written whole into
a temporary file and moved into place. It is only ever a shortcut: each fingerprint is stored
under the content key of the text it was made from, so an edited article simply misses; and a
file with any sign of damage (another format or fingerprint version, a checksum that does not
match, sizes or offsets that do not add up, paragraphs or marks out of order) is ignored whole
and the fingerprints are made afresh. The site built is the same with or without it.

Layout, every number little-endian, each array starting at a multiple of its item size:

    MAGIC
    the header's length (8 bytes), the header: JSON {version, texts, words, paragraphs, marks}
        (the counts), padded with spaces to a multiple of 8 bytes
    keys        texts x 32 bytes: each text's content key (SHA-256), in increasing order
    offsets     3 x (texts + 1) int64: where each text's words, paragraphs and marks start
                in the arrays below (the last of each is the total)
    marks       uint32, every text's marks one after another
    paragraphs  int32, every text's paragraph starts
    words       uint16, every text's word hashes
    the CRC-32 of all that precedes it (4 bytes: CHECKSUM_SIZE)

The arrays are read as they lie in the file: each fingerprint is a view into them, so loading
10,000 fingerprints is a few numpy calls, not a loop over their entries; checking them is
likewise done on all texts at once.

Beside it, ALIGNMENTS_FILE keeps the passages found in each pair of texts compared (by both
texts' content keys; see reprints.alignment.align_pairs), so that a rebuild aligns only the pairs with a new
text. Alignment code may change without a change to the fingerprints' version: these are kept
for one version of the generator's code only (digests.code_digest). Layout: ALIGNMENTS_MAGIC,
JSON {code, pairs: [[key, key, [[a, a_end, b, b_end, words, words_b], ...]], ...]}, the CRC-32
of both.

INDEX_FILE keeps what the last detection leaves for the next to update (reprints.Index: the
marks' postings, a large sorted array and the few entries changed since (reprints.postings),
the relations before and after earliest witnesses), for one version of the code. It and the
fingerprints are written together, and not after every build: an index written some changes
ago is brought up to date by the next build's update as well as the last one (REWRITE_AFTER
says how many changes). The index is pickled with its arrays' data beside the pickle
(save_index), and those arrays are read as views into the file mapped into memory. Numpy
arrays rather than SQLite rows: an update reads a changed text's groups from the postings
with two binary searches per mark, and a full detection sorts that very array anyway, so
writing it costs one copy to disk instead of millions of row inserts.

The checksums find damage, nothing more: a CRC-32, checked over the file mapped in place, where
a SHA-256 read through the process took 0.35 s of every rebuild at 100,000 articles (the
fingerprints and the index are 470 MB there). A file checked whole is not checked again while
its stat is the one it had then (CHECKED_SUFFIX), as an input or output file with the stat its
build saw is taken as unchanged: the checksums and the arrays' order were 0.2 s of each rebuild
at 100,000 articles, for files written every REWRITE_AFTER changes.
"""

from __future__ import annotations

import itertools
import json
import mmap
import os
import pickle
import re
import tempfile
import time
import zlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from . import reprints
from .digests import CHECKSUM_SIZE, RACY_NS, checksum
from .reprints import Fingerprint, Match

MAGIC = b"newsarchive reprint fingerprints, format 3\n"
KEY_BYTES = 32  # a content key is a SHA-256, stored as its bytes rather than its 64 hex digits
OFFSET = np.dtype("<i8")
MARKS, PARAGRAPHS, WORDS = np.dtype("<u4"), np.dtype("<i4"), np.dtype("<u2")
_KEY = re.compile(r"[0-9a-f]{64}")  # reprints.content_key: a SHA-256 in lowercase hex
_HEADER_FIELDS = {"version", "texts", "words", "paragraphs", "marks"}
FINGERPRINTS_FILE = "reprint-fingerprints.bin"  # in the cache folder (Config.cache_dir)
ALIGNMENTS_FILE = "reprint-alignments.bin"
ALIGNMENTS_MAGIC = b"newsarchive reprint alignments, format 2\n"
INDEX_FILE = "reprint-index.bin"
# Beside a file checked whole (checksum, layout, order), the stat it had then: the file is taken
# as checked while its stat is that one (a change in place moves its ctime; a new file is a new
# inode), unless it changed within RACY_NS of being checked (the clock's tick may hide a change).
CHECKED_SUFFIX = ".checked"
# The index and the fingerprints are written again once the updates since they were written
# changed this many articles (pipeline.py): well below the 50 changes past which an update
# gives way to a full detection (reprints.incremental.MOST_CHANGED).
REWRITE_AFTER = 20
INDEX_MAGIC = b"newsarchive reprint index, format 3\n"
# Each file ends with the checksum (digests.checksum) of all before it, CHECKSUM_SIZE bytes.


def load(path: Path) -> Mapping[str, Fingerprint]:
    """The fingerprints stored at `path` by content key; empty if the file is missing or damaged.

    The file is mapped into memory, not read into it: a rebuild reads the words of the few
    texts it aligns, and the other pages (at 100,000 articles, 120 MB of words) are never loaded.
    A file is replaced by renaming a new one into place, never written over, so the mapped one
    stays as it was checked."""
    try:
        with open(path, "rb") as file:
            data, unchecked = _mapped_and_checked(file, path)
        if data is None:
            raise Damaged("not a fingerprint cache, or damaged")
        found = _parse(data, checked=unchecked is None)
        if unchecked is not None:
            _note_checked(path, unchecked)
        return found
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        return {}


def _checked_record(stat: os.stat_result) -> bytes:
    return f"{stat.st_ino} {stat.st_size} {stat.st_mtime_ns} {stat.st_ctime_ns}".encode()


def _checked_before(path: Path, stat: os.stat_result) -> bool:
    """Whether the file of this stat was checked whole before (CHECKED_SUFFIX)."""
    try:
        found = path.with_name(path.name + CHECKED_SUFFIX).read_bytes()
    except OSError:
        return False
    record = _checked_record(stat)
    return found == record + checksum(record)


def _note_checked(path: Path, stat: os.stat_result) -> None:
    """Keep the stat of the file just checked whole, unless it changed too lately to tell."""
    if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) >= RACY_NS:
        _write(path.with_name(path.name + CHECKED_SUFFIX), [_checked_record(stat)])


def _mapped_and_checked(file, path: Path) -> tuple[mmap.mmap | None, os.stat_result | None]:
    """The file (`file`, open, at `path`) mapped into memory, if its last CHECKSUM_SIZE bytes
    are the checksum of all before them (computed over the mapping: the file is never copied
    into the process) or it was checked whole before as it is (CHECKED_SUFFIX); and its stat,
    for _note_checked once the caller's checks hold too, or None when it was checked before."""
    stat = os.fstat(file.fileno())
    if stat.st_size < CHECKSUM_SIZE:
        return None, stat
    data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    if _checked_before(path, stat):
        return data, None
    with memoryview(data) as view:
        holds = checksum(view[:-CHECKSUM_SIZE]) == view[-CHECKSUM_SIZE:]
    if not holds:
        data.close()
        return None, stat
    # The pages read for the checksum are left to the page cache, not counted as this process's
    # memory (470 MB at 100,000 articles); those a build reads are mapped again as it reads them.
    data.madvise(mmap.MADV_DONTNEED)
    return data, stat


class Damaged(ValueError):
    """The file is not a fingerprint cache of this version, or not as it was written."""


def _parse(data, checked: bool = False) -> StoredPrints:
    """The fingerprints in `data` (a file's bytes, their checksum already checked), viewed in
    place; their order is checked too, unless the file was `checked` whole before."""
    view = memoryview(data)
    start = len(MAGIC) + 8
    if data[:len(MAGIC)] != MAGIC or len(data) < start + CHECKSUM_SIZE:
        raise Damaged("not a fingerprint cache")
    size = int.from_bytes(data[len(MAGIC):start], "little")
    if size > len(data) or (start + size) % 8:
        raise Damaged("header of the wrong length")
    header = json.loads(data[start:start + size].decode("utf-8"))
    if not isinstance(header, dict) or set(header) != _HEADER_FIELDS:
        raise Damaged("malformed header")
    if header["version"] != reprints.VERSION:
        raise Damaged("fingerprints of another version")
    counts = [header[name] for name in ("texts", "marks", "paragraphs", "words")]
    if not all(type(count) is int and count >= 0 for count in counts):
        raise Damaged("malformed header")
    texts, marks_count, paragraphs_count, words_count = counts
    # Where each part begins; the file must end right after the last one.
    at = start + size
    keys_at, at = at, at + texts * KEY_BYTES
    offsets_at, at = at, at + 3 * (texts + 1) * OFFSET.itemsize
    marks_at, at = at, at + marks_count * MARKS.itemsize
    paragraphs_at, at = at, at + paragraphs_count * PARAGRAPHS.itemsize
    words_at, at = at, at + words_count * WORDS.itemsize
    if at != len(data) - CHECKSUM_SIZE:
        raise Damaged("sizes do not add up")

    def array(dtype: np.dtype, count: int, offset: int) -> np.ndarray:
        found = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
        return found if dtype.isnative else found.astype(dtype.newbyteorder("="))

    offsets = array(OFFSET, 3 * (texts + 1), offsets_at).reshape(3, texts + 1)
    marks = array(MARKS, marks_count, marks_at)
    paragraphs = array(PARAGRAPHS, paragraphs_count, paragraphs_at)
    words = array(WORDS, words_count, words_at)
    if not checked:
        _check(offsets, (marks_count, paragraphs_count, words_count), marks, paragraphs)
    keys = view[keys_at:offsets_at].hex()
    keys = [keys[n:n + 2 * KEY_BYTES] for n in range(0, len(keys), 2 * KEY_BYTES)]
    if not checked and any(a >= b for a, b in zip(keys, keys[1:])):
        raise Damaged("keys repeated or out of order")
    return StoredPrints(keys, words, paragraphs, marks, offsets.tolist())


class StoredPrints(Mapping[str, Fingerprint]):
    """The fingerprints of a cache file by content key, each made from the file's arrays when
    asked for (a rebuild asks for a few: making all 100,000 at 100,000 articles took 0.18 s)."""

    def __init__(self, keys: list[str], words: np.ndarray, paragraphs: np.ndarray, marks: np.ndarray,
                 offsets: list[list[int]]):
        self._number = dict(zip(keys, range(len(keys))))
        self._words, self._paragraphs, self._marks = words, paragraphs, marks
        self._marks_at, self._paragraphs_at, self._words_at = offsets  # text n's part: [at[n], at[n + 1])

    def __getitem__(self, key: str) -> Fingerprint:
        n = self._number[key]
        return Fingerprint(key, self._words[self._words_at[n]:self._words_at[n + 1]],
                           self._paragraphs[self._paragraphs_at[n]:self._paragraphs_at[n + 1]],
                           self._marks[self._marks_at[n]:self._marks_at[n + 1]])

    def __contains__(self, key) -> bool:
        return key in self._number

    def __iter__(self):
        return iter(self._number)

    def __len__(self) -> int:
        return len(self._number)


def _check(offsets: np.ndarray, totals: tuple[int, int, int], marks: np.ndarray, paragraphs: np.ndarray) -> None:
    """Every text's slice of each array is in bounds, its paragraphs start at word 0 and go
    forward within its words, and its marks strictly increase (sorted, no repeats): what
    reprints.fingerprint_texts makes. Checked for all texts at once."""
    for row, total in zip(offsets, totals):
        if row[0] != 0 or row[-1] != total or np.any(row[1:] < row[:-1]):
            raise Damaged("offsets out of order")
    mark_offsets, paragraph_offsets, word_offsets = offsets
    if _steps_back(marks, mark_offsets, strictly=True):
        raise Damaged("marks out of order")
    if _steps_back(paragraphs, paragraph_offsets, strictly=False):
        raise Damaged("paragraphs out of order")
    paragraph_counts = np.diff(paragraph_offsets)
    with_paragraphs = paragraph_counts > 0
    firsts = paragraphs[paragraph_offsets[:-1][with_paragraphs]]
    lasts = paragraphs[paragraph_offsets[1:][with_paragraphs] - 1]
    if np.any(firsts != 0) or np.any(lasts > np.diff(word_offsets)[with_paragraphs]):
        raise Damaged("paragraphs outside their text")


def _steps_back(values: np.ndarray, offsets: np.ndarray, strictly: bool) -> bool:
    """Whether, within any one text's slice, a value is below (or, strictly, not above) the one before."""
    wrong = values[1:] <= values[:-1] if strictly else values[1:] < values[:-1]
    # A text's first value follows the previous text's last: that step is no fault.
    starts = offsets[1:-1]
    wrong[starts[(starts > 0) & (starts < len(values))] - 1] = False
    return bool(wrong.any())


def save(path: Path, prints: list[Fingerprint]) -> None:
    """Store `prints` (one entry per distinct text) at `path`; a cache that cannot be written is skipped."""
    # Only fingerprints made with their content key can be found again (detection alone makes
    # them without one).
    unique = {fp.key: fp for fp in prints if _KEY.fullmatch(fp.key)}
    ordered = [unique[key] for key in sorted(unique)]
    _, (words, word_offsets), (paragraphs, paragraph_offsets), (marks, mark_offsets) = reprints.pack_prints(ordered)
    # On disk, in the byte order the layout names (a copy only on a big-endian machine).
    words, paragraphs, marks = words.astype(WORDS, copy=False), paragraphs.astype(PARAGRAPHS, copy=False), \
        marks.astype(MARKS, copy=False)
    mark_offsets, paragraph_offsets, word_offsets = (offsets.astype(OFFSET, copy=False)
                                                     for offsets in (mark_offsets, paragraph_offsets, word_offsets))
    header = json.dumps({"version": reprints.VERSION, "texts": len(ordered), "words": len(words),
                         "paragraphs": len(paragraphs), "marks": len(marks)}, separators=(",", ":")).encode()
    header += b" " * (-(len(MAGIC) + 8 + len(header)) % 8)  # the arrays after it start aligned
    parts = [MAGIC, len(header).to_bytes(8, "little"), header,
             b"".join(bytes.fromhex(fp.key) for fp in ordered),
             np.concatenate((mark_offsets, paragraph_offsets, word_offsets)), marks, paragraphs, words]
    _write(path, parts)


def _write(path: Path, parts: list) -> None:
    """`parts` then their checksum, written to a temporary file moved into place; skipped if that fails."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            running = 0
            with os.fdopen(handle, "wb") as out:
                for part in parts:
                    if isinstance(part, np.ndarray):
                        part = part.view(np.uint8)  # its bytes, without a copy
                    running = zlib.crc32(part, running)
                    out.write(part)
                out.write(checksum(b"", running))
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass  # a read-only project still builds; it only does again each time what the cache spares


def load_alignments(path: Path, code: bytes) -> dict[tuple[str, str], tuple[Match, ...]]:
    """The alignments stored at `path` by this version of the code; empty if missing, damaged or another's."""
    try:
        data = path.read_bytes()
        body = data[len(ALIGNMENTS_MAGIC):-CHECKSUM_SIZE]
        if not data.startswith(ALIGNMENTS_MAGIC) or len(data) < len(ALIGNMENTS_MAGIC) + CHECKSUM_SIZE \
                or checksum(data[:-CHECKSUM_SIZE]) != data[-CHECKSUM_SIZE:]:
            return {}
        stored = json.loads(body.decode("utf-8"))
        if not isinstance(stored, dict) or set(stored) != {"code", "pairs"} or stored["code"] != code.hex():
            return {}
        found, numbers = {}, []
        for first, second, matches in stored["pairs"]:
            if not (isinstance(first, str) and _KEY.fullmatch(first) and isinstance(second, str)
                    and _KEY.fullmatch(second)) or (first, second) in found:
                return {}
            found[first, second] = tuple(Match(*match) for match in matches)  # six numbers, or TypeError
            numbers.extend(itertools.chain.from_iterable(matches))
        if not set(map(type, numbers)) <= {int} or min(numbers, default=0) < 0:
            return {}  # word positions and counts are whole numbers from 0
        return found
    except (OSError, ValueError, TypeError, UnicodeDecodeError):  # JSONDecodeError is a ValueError
        return {}


def save_alignments(path: Path, alignments: dict[tuple[str, str], tuple[Match, ...]], code: bytes) -> None:
    """Store `alignments` at `path`, for this version of the code; a cache that cannot be written is skipped."""
    pairs = [[first, second, [[m.a, m.a_end, m.b, m.b_end, m.words, m.words_b] for m in matches]]
             for (first, second), matches in sorted(alignments.items())]
    body = json.dumps({"code": code.hex(), "pairs": pairs}, separators=(",", ":")).encode()
    _write(path, [ALIGNMENTS_MAGIC, body])


def load_index(path: Path, code: bytes) -> reprints.Index | None:
    """The index stored at `path` by this version of the code; None if missing, damaged or another's.

    Its arrays are views into the file mapped into memory (pickle's buffers out of band): the
    postings' large array (230 MB at 100,000 articles) is read only where an update's binary
    searches look, and never copied (reprints.postings)."""
    start = len(INDEX_MAGIC) + len(code)  # the code's digest as save_index wrote it, whatever its size
    try:
        with open(path, "rb") as file:
            if file.read(start) != INDEX_MAGIC + code:
                return None
            data, unchecked = _mapped_and_checked(file, path)
        if data is None:
            return None
        view, end = memoryview(data), len(data) - CHECKSUM_SIZE
        pickled = int.from_bytes(data[start:start + 8], "little")
        count = int.from_bytes(data[start + 8:start + 16], "little")
        at = start + 16
        sizes = [int.from_bytes(data[at + 8 * n:at + 8 * n + 8], "little") for n in range(count)]
        body, at = view[at + 8 * count:at + 8 * count + pickled], at + 8 * count + pickled
        buffers = []
        for size in sizes:
            at += -at % 8  # each buffer starts aligned
            buffers.append(view[at:at + size])
            at += size
        if at != end:  # the pickle and its buffers fill the file to its checksum, and no more
            return None
        index = pickle.loads(body, buffers=buffers)
    except Exception:  # noqa: BLE001 - a file that checks out but does not unpickle is still only a cache
        return None
    if not isinstance(index, reprints.Index):
        return None
    if unchecked is not None:
        _note_checked(path, unchecked)
    return index


def save_index(path: Path, index: reprints.Index, code: bytes) -> None:
    """Store `index` at `path`, for this version of the code; a cache that cannot be written is
    skipped. Layout: INDEX_MAGIC, the code's digest, the pickle's size and the number of its
    buffers (8 bytes each), each buffer's size (8 bytes), the index pickled with its arrays' data
    out of band, the arrays' data each from a multiple of 8 bytes, the CRC-32 of all that."""
    buffers = []
    body = pickle.dumps(index, protocol=5, buffer_callback=buffers.append)
    raws = [buffer.raw() for buffer in buffers]
    parts = [INDEX_MAGIC, code, len(body).to_bytes(8, "little"), len(raws).to_bytes(8, "little"),
             *(len(raw).to_bytes(8, "little") for raw in raws), body]
    at = sum(map(len, parts))
    for raw in raws:
        parts.append(bytes(-at % 8))
        parts.append(raw)
        at += -at % 8 + len(raw)
    _write(path, parts)
