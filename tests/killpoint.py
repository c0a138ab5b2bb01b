"""Run a build that SIGKILLs itself at a chosen point of publishing (used by test_publish.py).

Usage: python killpoint.py POINT CONFIG [BUILD OPTIONS]. The patches live here, in the test's helper, so the
production code carries no test hooks.
"""

import os
import signal
import sys
from pathlib import Path

from newsarchive import cli, publish


def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


def main(point: str, config: str, *options: str) -> None:
    if point == "writing":
        original, written = Path.write_bytes, [0]

        def write_then_die(self, data):
            written[0] += 1
            if written[0] == 10:
                die()
            return original(self, data)

        Path.write_bytes = write_then_die
    elif point == "before-swap":
        publish._exchange = die
    elif point == "after-swap":
        publish.shutil.rmtree = die  # the first removal after the exchange is the old site's
    elif point == "between-renames":
        publish._exchange = lambda a, b: False  # as on a system without renameat2
        original_replace, calls = os.replace, [0]

        def replace_then_die(a, b):
            calls[0] += 1
            if calls[0] == 2:
                die()
            return original_replace(a, b)

        publish.os.replace = replace_then_die
    elif point == "patch-renaming":  # an incremental build, cut after its first file is renamed into place
        original_replace, calls = os.replace, [0]

        def replace_then_die(a, b):
            calls[0] += 1
            if calls[0] == 3:  # the first call puts the manifest in place, the second the first page
                die()
            return original_replace(a, b)

        publish.os.replace = replace_then_die
    else:
        raise SystemExit(f"unknown point {point}")
    sys.exit(cli.main(["--config", config, *options]))


if __name__ == "__main__":
    main(*sys.argv[1:])
