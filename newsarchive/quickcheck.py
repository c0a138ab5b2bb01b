"""The quick check: no input file changed and the last site is as it was written, so a build
has nothing to do. It reads no article and imports none of the stages."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .digests import RACY_NS, StatKey, blake, stat_key


@dataclass(frozen=True)
class QuickState:
    """The little the quick check needs, kept apart from the big build state."""

    code: bytes  # digests.code_digest of the generator that wrote it
    listing: bytes  # input_listing's digest of every input's name and stat
    time: int  # when that build started, ns
    racy: dict[str, bytes]  # inputs changed just before that build: path -> content digest
    stats: dict[str, tuple[int, int]]  # each output file -> (size, mtime_ns) as written
    report: object  # that build's pipeline.BuildReport


def nothing_changed(quick: QuickState, listing: bytes, input_stats: dict[str, StatKey], output: Path) -> bool:
    """The inputs listed now are those of the build that left `quick`, and its outputs are
    still as it wrote them."""
    return quick.listing == listing \
        and all(same_content(path, quick.racy.get(path)) for path in racy_files(input_stats, quick.time)) \
        and outputs_unchanged(output, quick.stats)


def input_listing(folders: list[Path], files: list[Path]) -> tuple[bytes, dict[str, StatKey]]:
    """A digest of the name and stat of every input file, and each file's stat key (size,
    mtime, ctime, inode), which the build reuses rather than stat every file again.

    When the listing equals the last build's, no file was added, removed or touched since; the
    files changed so shortly before that build that their stat cannot be trusted (the racy
    window) are compared by content too. Then the build has nothing to do.
    """
    h = hashlib.blake2b(digest_size=16)
    stats: dict[str, StatKey] = {}

    def add(path: str, stat: os.stat_result) -> None:
        h.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}\0{stat.st_ino}\n".encode())
        stats[path] = stat_key(stat)

    def walk(folder: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            h.update(f"{folder}\0missing\n".encode())
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue  # lock files, editors' swap files: never read as input
            if entry.is_dir():
                walk(entry.path)
            else:
                try:
                    add(entry.path, entry.stat())
                except OSError:
                    h.update(f"{entry.path}\0gone\n".encode())

    for folder in folders:
        walk(str(folder))
    for path in files:
        try:
            add(str(path), os.stat(path))
        except OSError:
            h.update(f"{path}\0missing\n".encode())
    return h.digest(), stats


def racy_files(stats: dict[str, StatKey], build_time_ns: int) -> list[str]:
    """Inputs changed within the racy window before a build started: their stat proves nothing."""
    return [path for path, (_, mtime, ctime, _) in stats.items() if max(mtime, ctime) >= build_time_ns - RACY_NS]


def same_content(path: str, digest: bytes | None) -> bool:
    try:
        return digest is not None and blake(Path(path).read_bytes()) == digest
    except OSError:
        return False


def outputs_unchanged(output: Path, stats: dict[str, tuple[int, int]]) -> bool:
    """Every file of the last build is still there as it was written."""
    root = str(output) + os.sep
    try:
        for path, (size, mtime) in stats.items():
            stat = os.stat(root + path)
            if stat.st_size != size or stat.st_mtime_ns != mtime:
                return False
    except OSError:
        return False
    return True
