"""The quick check: no input file changed and the last site is as it was written, so a build
has nothing to do. It reads no article and imports none of the stages."""

from __future__ import annotations

import marshal
import os
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from operator import itemgetter
from stat import S_ISDIR, S_ISLNK
from typing import NamedTuple

from . import workers as pool
from .digests import RACY_NS, StatKey, blake, stat_key

_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY


@dataclass(frozen=True)
class QuickState:
    """The little the quick check needs, kept apart from the big build state."""

    code: bytes  # digests.code_digest of the generator that wrote it
    listing: bytes  # input_listing's digest of every input's name and stat
    time: int  # when that build started, ns
    racy: dict[str, bytes]  # inputs changed just before that build: path -> content digest
    stats: PackedStats  # each output file -> (size, mtime_ns) as written
    report: object  # that build's pipeline.BuildReport


def nothing_changed(quick: QuickState, listing: bytes, input_stats: dict[str, StatKey], outputs: OutputCheck) -> bool:
    """The inputs listed now are those of the build that left `quick`, and its outputs are
    still as it wrote them (`outputs`, checking quick.stats)."""
    return quick.listing == listing \
        and all(same_content(path, quick.racy.get(path)) for path in racy_files(input_stats, quick.time)) \
        and not outputs.changed()


class InputListing(NamedTuple):
    """What input_listing found."""

    digest: bytes  # of the name and stat of every input file
    stats: dict[str, StatKey]  # each input file's stat key
    # each folder listed -> (the names in it, sorted, dot files included; those of its symbolic links)
    folders: dict[str, tuple[list[str], set[str]]]

    def entries(self, folder: Path, suffix: str) -> list[tuple[str, bool]] | None:
        """Each entry of a listed folder whose name ends with `suffix`, by name, and whether it
        is a symbolic link: what a scan of the folder would find when the listing was taken
        (the build then lists no folder twice). None: the folder was not listed."""
        found = self.folders.get(str(folder))
        if found is None:
            return None
        names, links = found
        # Dot files are not inputs (never stat-ed while listed): asked here, if any is named so.
        return [(name, name in links or (name.startswith(".") and os.path.islink(os.path.join(folder, name))))
                for name in names if name.endswith(suffix)]


def input_listing(folders: list[Path], files: list[Path]) -> InputListing:
    """A digest of the name and stat of every input file, each file's stat key (size, mtime,
    ctime, inode), which the build reuses rather than stat every file again, and the names in
    each folder.

    When the listing equals the last build's, no file was added, removed or touched since; the
    files changed so shortly before that build that their stat cannot be trusted (the racy
    window) are compared by content too. Then the build has nothing to do.
    """
    stats: dict[str, StatKey] = {}
    absent: list[str] = []  # folders and files named but missing, files gone while listed
    listed: dict[str, tuple[list[str], set[str]]] = {}

    def walk(folder: str, at: int | None = None) -> None:
        # Names, not os.scandir's entries: 100,000 entries held while sorted are 90 MB. Each name
        # is stat-ed within its folder (opened once), not by its path walked from the root: a
        # fifth less time for the 200,000 files of 100,000 articles.
        try:
            fd = os.open(folder if at is None else os.path.basename(folder), _FOLDER_FLAGS, dir_fd=at)
        except OSError:
            absent.append(folder)
            return
        try:
            names = sorted(os.listdir(fd))
            links: set[str] = set()
            listed[folder] = (names, links)
            prefix = folder if folder.endswith(os.sep) else folder + os.sep  # os.path.join's answer, faster
            for name in names:
                if name.startswith("."):
                    continue  # lock files, editors' swap files: never read as input
                try:
                    stat = os.stat(name, dir_fd=fd, follow_symlinks=False)
                    if S_ISLNK(stat.st_mode):  # what it leads to is the input
                        links.add(name)
                        stat = os.stat(name, dir_fd=fd)
                except OSError:
                    absent.append(prefix + name)
                    continue
                if S_ISDIR(stat.st_mode):
                    walk(prefix + name, fd)
                else:
                    stats[prefix + name] = stat_key(stat)
        finally:
            os.close(fd)

    for folder in folders:
        walk(str(folder))
    for path in files:
        try:
            stats[str(path)] = stat_key(os.stat(path))
        except OSError:
            absent.append(str(path))
    # Digested at once, in C: the names in the order listed, each with its stat key.
    return InputListing(blake(marshal.dumps((stats, absent))), stats, listed)


def racy_files(stats: dict[str, StatKey], build_time_ns: int) -> list[str]:
    """Inputs changed within the racy window before a build started: their stat proves nothing.
    Usually none, which the newest times say in C (one by one: 0.06 s of every build at
    100,000 articles, no-ops included)."""
    since, keys = build_time_ns - RACY_NS, stats.values()
    if not keys or max(max(map(_MTIME, keys)), max(map(_CTIME, keys))) < since:
        return []
    return [path for path, (_, mtime, ctime, _) in stats.items() if max(mtime, ctime) >= since]


_MTIME, _CTIME = itemgetter(1), itemgetter(2)  # of a StatKey


def same_content(path: str, digest: bytes | None) -> bool:
    try:
        return digest is not None and blake(Path(path).read_bytes()) == digest
    except OSError:
        return False


@dataclass(frozen=True)
class PackedStats:
    """The outputs' stats as written (path -> (size, mtime_ns)), marshalled: at 100,000 articles
    a mapping of 333,000 entries, 0.1 s to unpickle and 80 MB, which the quick check leaves to
    the process that checks the outputs (OutputCheck). In two parts: most of them (`apart`),
    checked by that process, and the rest (`here`), checked by the build's own once it has
    listed the inputs, so that both finish together."""

    count: int
    apart: bytes
    here: bytes

    @classmethod
    def of(cls, stats: dict[str, tuple[int, int]], inputs: int) -> PackedStats:
        """The stats of outputs checked beside the listing of `inputs` input files."""
        items = iter(stats.items())
        apart = dict(islice(items, len(stats) - _checked_here(len(stats), inputs)))
        # Marshal's version 2 keeps no references: each key, held by `stats` too, would get one
        # (packing at 100,000 articles: 0.15 s with them, 0.08 s without; 0.03 s in one part).
        return cls(len(stats), marshal.dumps(apart, 2), marshal.dumps(dict(items), 2))

    def unpacked(self) -> dict[str, tuple[int, int]]:
        return {**marshal.loads(self.apart), **marshal.loads(self.here)}


# An input listed costs about this many outputs checked (4.1 us against 3.3 us, at 10,000
# articles: the listing walks folders and keeps each stat, the check compares two numbers).
_INPUT_COST = 1.25


def _checked_here(outputs: int, inputs: int) -> int:
    """How many of the outputs the build's own process checks after listing the inputs, so
    that it and the checking process finish together: at 10,000 articles (20,000 inputs, 39,000
    outputs) a fifth of them, 0.13 -> 0.105 s to the answer."""
    return max(0, int((outputs - _INPUT_COST * inputs) / 2))


# From this many outputs on, they are checked in a process of their own while this one lists
# the inputs: both are a stat a file (333,000 outputs and 200,000 inputs at 100,000 articles,
# 0.8 s each), and a thread would take turns with this one for the interpreter (tried: slower
# than one after the other).
CHECK_APART_MIN = 5000


class OutputCheck:
    """Which of the last build's output files are no longer as it wrote them (changed by hand,
    removed), found while the build does something else: in a forked process when there are
    many (CHECK_APART_MIN) and the build may fork, else here when first asked. The stat of every
    output is the larger half of a build that finds nothing to do, and a rebuild needs the same
    answer to know which outputs it may keep (pipeline._still_on_disk)."""

    def __init__(self, output: Path, stats: dict[str, tuple[int, int]] | PackedStats, written_by: int,
                 workers: int | None):
        self.output, self._stats, self._found = output, stats, None
        self.written_by = written_by  # the start time of the build that wrote `stats` (BuildState.time)
        self._child, self._pipe = None, None
        if not pool.worth_forking(stats.count if isinstance(stats, PackedStats) else len(stats), workers,
                                  CHECK_APART_MIN):
            return
        read_end, write_end = os.pipe()
        child = os.fork()
        if child == 0:  # the checking process: writes its answer and ends, running nothing else
            status = 1
            try:
                os.close(read_end)
                with os.fdopen(write_end, "wb") as answer:
                    answer.write("\0".join(changed_outputs(output, self._apart())).encode("utf-8", "surrogateescape"))
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self._child, self._pipe = child, read_end

    @property
    def stats(self) -> dict[str, tuple[int, int]]:
        return self._stats.unpacked() if isinstance(self._stats, PackedStats) else self._stats

    def _apart(self) -> dict[str, tuple[int, int]]:
        """What the checking process checks: all, or the part packed for it."""
        return marshal.loads(self._stats.apart) if isinstance(self._stats, PackedStats) else self._stats

    def _here(self) -> dict[str, tuple[int, int]]:
        """What this process checks while the other does the rest: nothing, or the part packed for it."""
        return marshal.loads(self._stats.here) if isinstance(self._stats, PackedStats) else {}

    def changed(self) -> frozenset[str]:
        """The outputs in `stats` missing, or whose size or modification time is not as written."""
        if self._found is None:
            # This process's part, while the other checks the rest (none when none was forked).
            here = changed_outputs(self.output, self._here()) if self._child is not None else []
            answer = self._collect()
            self._found = frozenset(changed_outputs(self.output, self.stats) if answer is None else answer + here)
        return self._found

    def _collect(self) -> list[str] | None:
        """The forked process's answer; None when there is none (not forked, or it failed)."""
        if self._child is None:
            return None
        with os.fdopen(self._pipe, "rb") as answer:
            text = answer.read().decode("utf-8", "surrogateescape")
        _, status = os.waitpid(self._child, 0)
        self._child = self._pipe = None
        if status != 0:
            return None
        return text.split("\0") if text else []

    def close(self) -> None:
        """End the checking process if its answer was never asked for (the build failed)."""
        if self._child is not None:
            os.close(self._pipe)
            os.waitpid(self._child, 0)
            self._child = self._pipe = None


def changed_outputs(output: Path, stats: dict[str, tuple[int, int]]) -> list[str]:
    """The files of `stats`, under `output`, missing or not of the size and time written."""
    try:
        folder = os.open(output, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return list(stats)
    changed = []
    try:
        for path, written in stats.items():
            try:
                stat = os.stat(path, dir_fd=folder)  # in the output folder: no path walked from the root
            except OSError:
                changed.append(path)
                continue
            if (stat.st_size, stat.st_mtime_ns) != written:
                changed.append(path)
    finally:
        os.close(folder)
    return changed
