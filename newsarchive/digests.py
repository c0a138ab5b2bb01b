"""Content digests (BLAKE2b) of the build's inputs: bytes, input files, the generator's code.

Input files are fingerprinted by content. A file's size, mtime, ctime and inode only let us
skip re-reading a file whose fingerprint is already known; a file that changed within two
seconds of the last build is always read again, since its mtime cannot be trusted.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Set
from pathlib import Path

RACY_NS = 2_000_000_000  # files changed this close to the last build are read again
DIGEST_SIZE = 16
CHECKSUM_SIZE = 4

StatKey = tuple  # (size, mtime_ns, ctime_ns, inode)


def blake(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).digest()


def checksum(data, running: int = 0) -> bytes:
    """What tells stored bytes damaged (the state's rows, the reprint caches' files): a CRC-32,
    a ninth of a digest's cost, of `data` after the `running` zlib.crc32 of what came before.
    It finds damage only: nothing is trusted for being known by it."""
    return zlib.crc32(data, running).to_bytes(CHECKSUM_SIZE, "little")


def code_digest() -> bytes:
    """The generator's own source: new code never reuses outputs of the old.

    Every module of the package, subpackages included: the build reads captures through
    capture/, and the articles it parsed are kept in the state. (The package's templates and
    static files are inputs like the archive's: see theme.py and files_digest.)"""
    h = hashlib.blake2b(digest_size=DIGEST_SIZE)
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    # Outputs that carry a time fall back to SOURCE_DATE_EPOCH; a new value is a new build.
    h.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    return h.digest()


def files_digest(files: dict[str, Path]) -> bytes:
    """Files by name (the templates a build uses, theme.files), names and contents."""
    h = hashlib.blake2b(digest_size=DIGEST_SIZE)
    for name in sorted(files):
        h.update(name.encode() + b"\0" + blake(files[name].read_bytes()))
    return h.digest()


def stat_key(stat: os.stat_result) -> StatKey:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


class FileDigests:
    """Content digests of input files, re-reading only files whose stat changed.

    `stats` are the stat keys quickcheck.input_listing took at the start of this build: a file
    listed there is not stat-ed again. They were taken after the build's start time was noted,
    so a file changed since has an mtime or ctime within the next build's racy window and is
    read again then, whatever digest this build records for it.
    """

    def __init__(self, previous: dict[str, tuple[StatKey, bytes]] | None, previous_time_ns: int,
                 stats: dict[str, StatKey] | None = None, changed: frozenset[str] | None = None):
        self.previous = previous or {}
        self.trust_before = previous_time_ns - RACY_NS
        self.stats = stats or {}
        # From a watcher (`serve`): the only files changed since the previous build. The others
        # are as they were, whatever their stat says of the racy window.
        self.changed = changed
        self.now: dict[str, tuple[StatKey, bytes]] = {}  # path -> (stat key, digest), for the next build

    def _trusted(self, key: StatKey) -> bool:
        """Whether a file of this stat was changed outside the racy window before the previous
        build: then the same stat means the same content."""
        return key[1] < self.trust_before and key[2] < self.trust_before

    def unchanged(self) -> Set[str]:
        """The files that are as the previous build read them (their digests are that build's,
        and are recorded for the next): each with that build's stat, and either the watcher's
        word that it did not change or its stat taken outside the racy window (as `of` would
        take its digest). Found in one pass, rather than asked file by file: a rebuild asks of
        every article and capture, 200,000 files at 100,000 articles."""
        stats, told = self.stats, self.changed
        if told is not None:
            # The watcher's word: every file the previous build read but those it named and
            # those no longer listed. The others have that build's stat by construction (these
            # `stats` are its listing, moved by the same word: pipeline.BuildMemory), so the
            # digests are copied whole, in C (compared one by one: 0.19 s at 100,000 articles).
            found = dict(self.previous)
            for path in (*told, *(found.keys() - stats.keys())):
                found.pop(path, None)
        else:  # the stat's word, as `of` takes a digest
            found = {path: known for path, known in self.previous.items()
                     if known[0] == stats.get(path) and self._trusted(known[0])}
        self.now.update(found)
        return found.keys()

    def of(self, path: str | Path, data: bytes | None = None) -> bytes:
        """The digest of a file's content; `data`, when given, is that content already read."""
        name = os.fspath(path)
        key = self.stats.get(name) or stat_key(os.stat(name))
        known = self.previous.get(name)
        seen = self.now.get(name)
        if data is None and seen and seen[0] == key:
            digest = seen[1]  # read already in this build
        elif data is None and known and known[0] == key and self._trusted(key):
            digest = known[1]
        else:
            if data is None:
                with open(name, "rb") as file:
                    data = file.read()
            digest = blake(data)
        self.now[name] = (key, digest)
        return digest
