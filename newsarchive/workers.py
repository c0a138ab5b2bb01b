"""Run a stage's independent jobs in forked worker processes, with results in job order.

Every stage that forks (parsing articles, fingerprinting and aligning texts, making pages)
goes through `chunks`: a stage hands over a function `work(state, lo, hi)` that does jobs
lo..hi of `count`, and the `state` they read. With the "fork" start method the workers
inherit `state` without copying or pickling it; only results travel back. Results come back
in job order, so the output never depends on the number of workers.

`workers` is the count the user asked for (`--workers`; None: one per core, up to 8).
Whether forking is worth it is decided here, from the number of jobs and the stage's own
`threshold` (below it, handing the work to processes costs more than it saves).
"""

from __future__ import annotations

import gc
import os
import signal
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

JOBS_PER_WORKER = 8  # chunks a worker gets on average: one slow chunk is caught up by the others


def default_workers() -> int:
    """One worker per core, up to 8."""
    return max(1, min(os.cpu_count() or 1, 8))


def resolve(workers: int | None) -> int:
    """The number of workers to use: the one asked for, else the default."""
    return default_workers() if workers is None else max(1, workers)


def worth_forking(count: int, workers: int | None, threshold: int) -> bool:
    """Whether `count` jobs go to worker processes: more than one worker, at least `threshold`
    jobs, and a system that can fork."""
    return (resolve(workers) > 1 and count >= threshold
            and hasattr(os, "fork"))  # where there is fork, multiprocessing has its "fork" start method


_TASK: tuple[Callable, Any] | None = None  # (work, state) while a pool runs: what the workers inherit


def _as_a_worker() -> None:
    """A worker's signals, set as it starts: SIGTERM ends it, Ctrl-C's SIGINT (sent to the whole
    terminal's process group) is left to the build's own process. Inherited, a handler of the
    build's (serve's raises KeyboardInterrupt on SIGTERM) could have a worker that the pool ends
    with SIGTERM leave the pool's queue lock taken, or go on waiting for it, and the build wait
    for that worker forever."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(bounds: tuple[int, int]):
    work, state = _TASK
    return work(state, *bounds)


def chunks(work: Callable[[Any, int, int], T], state, count: int, workers: int | None, threshold: int,
           smallest: int = 1, largest: int | None = None) -> Iterator[tuple[int, int, T]]:
    """(lo, hi, work(state, lo, hi)) for consecutive chunks covering jobs 0..count, in order,
    each yielded as soon as it and those before it are done.

    In worker processes, chunks hold about count / (workers * JOBS_PER_WORKER) jobs, at least
    `smallest`; without forking, the chunks are done here one after the other, all jobs in one
    unless a chunk holds at most `largest` (a stage that streams its results asks for that)."""
    global _TASK
    forking = worth_forking(count, workers, threshold)
    size = max(smallest, count // (resolve(workers) * JOBS_PER_WORKER)) if forking else max(1, count)
    if largest is not None:
        size = max(1, min(size, largest))
    bounds = [(lo, min(count, lo + size)) for lo in range(0, count, size)]
    if not forking:
        for lo, hi in bounds:
            yield lo, hi, work(state, lo, hi)
        return
    import multiprocessing  # here: a build with nothing to do forks nothing (quickcheck.py)

    _TASK = (work, state)
    # Frozen objects are left alone by the garbage collector: a worker's collections then do not
    # walk, and so write to and copy, every object it inherited (the gc module's advice for fork).
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(resolve(workers), initializer=_as_a_worker) as pool:
            for (lo, hi), result in zip(bounds, pool.imap(_run, bounds, chunksize=1)):
                yield lo, hi, result
    finally:
        gc.unfreeze()
        _TASK = None


def run(work: Callable[[Any, int, int], list[T]], state, count: int, workers: int | None, threshold: int,
        smallest: int = 1, largest: int | None = None) -> list[T]:
    """work(state, 0, count), the jobs shared among worker processes when that is worth it:
    each chunk's list of results, joined in job order."""
    return [item for _, _, part in chunks(work, state, count, workers, threshold, smallest, largest)
            for item in part]
