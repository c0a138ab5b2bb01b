"""Reprint fingerprints kept between builds, so that unchanged articles are not read again.

The cache is one file in the project's `.cache/` folder (git-ignored), written whole into a
temporary file and moved into place. It is only ever a shortcut: each fingerprint is stored
under the content key of the text it was made from, so an edited article simply misses; and a
file with any sign of damage (another format or fingerprint version, a checksum that does not
match, sizes that do not add up) is ignored whole and the fingerprints are made afresh. The
site built is the same with or without it.

Layout: MAGIC, the header's length (8 bytes, little-endian), the header (JSON: version and one
[key, words, paragraphs, marks] entry per text), the arrays of every entry in that order
(uint16 words, int32 paragraph starts, uint32 marks, little-endian), then the SHA-256 of all
that precedes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

import numpy as np

from . import reprints
from .reprints import Fingerprint

MAGIC = b"newsarchive reprint fingerprints\n"
_KEY = re.compile(r"^[0-9a-f]{64}$")
_DTYPES = (np.dtype("<u2"), np.dtype("<i4"), np.dtype("<u4"))  # words, paragraphs, marks


def load(path: Path) -> dict[str, Fingerprint]:
    """The fingerprints stored at `path` by content key; empty if the file is missing or damaged."""
    try:
        data = path.read_bytes()
        return _parse(data)
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        return {}


def _parse(data: bytes) -> dict[str, Fingerprint]:
    body, digest = data[:-32], data[-32:]
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 8 + 32 \
            or hashlib.sha256(body).digest() != digest:
        raise ValueError("not a fingerprint cache, or damaged")
    at = len(MAGIC) + 8
    size = int.from_bytes(body[len(MAGIC):at], "little")
    header = json.loads(body[at:at + size].decode("utf-8"))
    if header["version"] != reprints.VERSION:
        raise ValueError("fingerprints of another version")
    at += size
    found = {}
    for key, *counts in header["entries"]:
        if not (isinstance(key, str) and _KEY.match(key)) or len(counts) != 3 \
                or not all(isinstance(c, int) and c >= 0 for c in counts):
            raise ValueError("malformed entry")
        arrays = []
        for dtype, count in zip(_DTYPES, counts):
            end = at + count * dtype.itemsize
            if end > len(body):
                raise ValueError("truncated")
            arrays.append(np.frombuffer(body, dtype=dtype, count=count, offset=at).astype(dtype.newbyteorder("=")))
            at = end
        words, paragraphs, marks = arrays
        if (len(paragraphs) and (paragraphs[0] != 0 or np.any(np.diff(paragraphs) < 0)
                                 or paragraphs[-1] > len(words))) or np.any(np.diff(marks.astype(np.int64)) <= 0):
            raise ValueError("inconsistent entry")
        found[key] = Fingerprint(key, words, paragraphs, marks)
    if at != len(body):
        raise ValueError("trailing bytes")
    return found


def save(path: Path, prints: list[Fingerprint]) -> None:
    """Store `prints` (one entry per distinct text) at `path`; a cache that cannot be written is skipped."""
    unique = {fp.key: fp for fp in prints}
    entries = [[key, len(fp.words), len(fp.paragraphs), len(fp.marks)] for key, fp in sorted(unique.items())]
    header = json.dumps({"version": reprints.VERSION, "entries": entries}, separators=(",", ":")).encode()
    parts = [MAGIC, len(header).to_bytes(8, "little"), header]
    for key, _, _, _ in entries:
        fp = unique[key]
        for dtype, array in zip(_DTYPES, (fp.words, fp.paragraphs, fp.marks)):
            parts.append(np.ascontiguousarray(array, dtype=dtype).tobytes())
    body = b"".join(parts)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(body + hashlib.sha256(body).digest())
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass  # a read-only project still builds; it only reads every article each time
