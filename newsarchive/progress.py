"""Progress of a build on a terminal: quiet for a second, then a rich progress bar.

Nothing is shown when standard error is not a terminal (piped, redirected, CI), so logs hold
only the one-line summary the CLI prints at the end.
"""

from __future__ import annotations

import os
import sys
import time

SHOW_AFTER_S = 1.0
STAGES = {"load": "Reading articles", "reprints": "Finding reprints", "render": "Making pages",
          "search": "Indexing for search", "publish": "Publishing", "add": "Reading archive records"}


def wanted() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


class Reporter:
    """Takes pipeline.build's progress(stage, done, total) calls and shows them once a build is slow."""

    def __init__(self):
        self.enabled = wanted()
        self.started = time.monotonic()
        self.bar = None
        self.task = None

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def update(self, stage: str, done: int = 0, total: int = 0) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.started < SHOW_AFTER_S:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(STAGES.get(stage, stage), total=None)
        self.bar.update(self.task, description=STAGES.get(stage, stage), completed=done, total=total or None)
