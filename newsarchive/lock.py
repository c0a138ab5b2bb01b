"""One writer at a time: an advisory lock file per folder being written.

The lock is an flock on a small file holding the owner's pid. The kernel drops an flock when
its process dies, however it dies, so a lock left by a killed build is stale by definition:
the next build takes it over (and says so) instead of waiting for a process that is gone.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from .model import BuildError, Diagnostic


def lock_path(folder: Path) -> Path:
    """The lock file for `folder`: beside it, so locking never writes inside the folder."""
    return folder.parent / f".{folder.name}.lock"


@contextlib.contextmanager
def hold(folder: Path, purpose: str, shared: bool = False):
    """Hold the lock for `folder` for the duration of the block, or fail with a clear error.

    Writers take it exclusively; readers (a build reading articles/) share it, so two builds
    may read at once but `add` cannot change the articles under a build.
    """
    path = lock_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise BuildError([Diagnostic(
                str(folder), None, None, f"{folder} is in use by {owner}",
                "wait for it to finish; only one build or add may write a folder at a time")]) from None
        previous = "" if shared else os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
        if not shared:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{purpose} (pid {os.getpid()})\n".encode(), 0)
        try:
            yield previous  # what a killed owner left behind, "" if the lock was released cleanly
        finally:
            if not shared:
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
