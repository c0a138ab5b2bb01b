"""Run a build that SIGKILLs itself at a chosen point of publishing (used by test_publish.py).

Usage: python killpoint.py POINT CONFIG [BUILD OPTIONS]. The patches live here, in the test's helper, so the
production code carries no test hooks.
"""

import ctypes
import os
import shutil
import signal
import sys
import types
from pathlib import Path

from newsarchive import cli, publish


def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


def libc_where_renameat2(then):
    """The C library as the build finds it, its renameat2 (the atomic exchange) replaced by
    `then`, or missing (as on a system without it) when `then` is None."""
    real = ctypes.CDLL

    def load(name, *args, **kwargs):
        if name is None:
            return types.SimpleNamespace() if then is None else types.SimpleNamespace(renameat2=then)
        return real(name, *args, **kwargs)
    return load


def die_on_rename(when):
    """os.replace that kills the build at the first rename `when(source, target)` picks."""
    original = os.replace

    def replace(source, target):
        if when(Path(source), Path(target)):
            die()
        return original(source, target)
    return replace


def main(point: str, config: str, *options: str) -> None:
    if point == "writing":
        original, written = Path.write_bytes, [0]

        def write_then_die(self, data):
            written[0] += 1
            if written[0] == 10:
                die()
            return original(self, data)

        Path.write_bytes = write_then_die
    elif point == "before-swap":  # the new site is written: killed as the two folders are exchanged
        ctypes.CDLL = libc_where_renameat2(die)
    elif point == "after-swap":
        shutil.rmtree = die  # the first removal after the exchange is the old site's
    elif point == "between-renames":  # a system without renameat2: the old site is moved aside, then
        ctypes.CDLL = libc_where_renameat2(None)  # killed before the new one is moved in
        os.replace = die_on_rename(lambda source, target: ".staging-" in source.name)
    elif point == "patch-renaming":  # an incremental build, killed after its first page is renamed into place
        staged = [0]

        def second_page(source, target):
            if publish.PATCH_PREFIX in source.as_posix():  # a page moved from the stage into place
                staged[0] += 1
            return staged[0] == 2

        os.replace = die_on_rename(second_page)
    else:
        raise SystemExit(f"unknown point {point}")
    sys.exit(cli.main(["--config", config, *options]))


if __name__ == "__main__":
    main(*sys.argv[1:])
