"""Measure reprint detection on a synthetic archive with known relations.

    python bench/reprints.py --articles 10000

prints one JSON line: articles, seconds (detection only: making the archive is not timed; with
--runs N, the median of N detections on the same archive, each run listed in runs_s),
peak_mb (the most memory the process and its worker processes held together while detecting,
archive included), precision and recall against the generator's truth, and the counts behind
them. See bench/README.md for the runs and how to read them.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from newsarchive import reprints, workers as pool  # noqa: E402
from synth import make_archive, same_text_key  # noqa: E402


def _memory_kb(pid: int) -> int:
    """Proportional set size of a process and its descendants (shared pages counted once)."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                total += sum(_memory_kb(int(child)) for child in children.read().split())
    except (OSError, StopIteration, ValueError):
        pass  # the process ended between two reads
    return total


def watch(pid: int) -> None:
    """Sample memory until told to stop (SIGTERM), then print the peak in kB."""
    peak = 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    while not stop and os.path.exists(f"/proc/{pid}"):  # ends with the process it watches
        started = time.perf_counter()
        peak = max(peak, _memory_kb(pid))
        # Reading smaps_rollup walks the page tables: at 100,000 articles (1.8 GB) a sample costs
        # tens of milliseconds of a core that detection needs. Sampling at most a tenth of the
        # time keeps the watcher from slowing what it watches (the peak lasts seconds).
        time.sleep(max(0.1, 9 * (time.perf_counter() - started)))
    peak = max(peak, _memory_kb(pid))
    print(peak, flush=True)


def score(found, truth) -> tuple[float, float, int]:
    predicted = {same_text_key(r.copy, r.original) if r.kind == "same-text" else (r.copy, r.original, "copy")
                 for r in found}
    right = len(predicted & truth)
    return right / max(1, len(predicted)), right / max(1, len(truth)), right


def _detect_once(archive, workers):
    # A separate process samples memory, so that no thread runs in this one while it forks.
    watcher = subprocess.Popen([sys.executable, __file__, "--watch", str(os.getpid())],
                               stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.3)
        started = time.perf_counter()
        found = reprints.detect(archive.articles, sources=archive.sources, workers=workers)
        seconds = time.perf_counter() - started
    finally:
        watcher.send_signal(signal.SIGTERM)
        peak_kb = int(watcher.communicate()[0].strip() or 0)
    return found, seconds, peak_kb


def run(articles: int, seed: int = 1, workers: int | None = None, runs: int = 1) -> dict:
    """Detection on one archive, `runs` times: `seconds` is the median run, `peak_mb` that of the first
    (later runs also hold what the earlier ones left for the garbage collector: `peak_mb_max`)."""
    archive = make_archive(articles, seed)
    load = os.getloadavg()[0]
    times, peaks = [], []
    for _ in range(runs):
        found, seconds, peak_kb = _detect_once(archive, workers)
        times.append(round(seconds, 2))
        peaks.append(peak_kb)
    precision, recall, right = score(found, archive.truth)
    return {"articles": len(archive.articles), "seconds": statistics.median(times), "peak_mb": round(peaks[0] / 1024),
            "peak_mb_max": round(max(peaks) / 1024),
            "precision": round(precision, 4), "recall": round(recall, 4),
            "relations_true": len(archive.truth), "relations_found": len(found), "relations_right": right,
            "workers": pool.resolve(workers), "seed": seed,
            "runs_s": times, "load_avg": round(load, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, help="worker processes (default: one per core, up to 8)")
    parser.add_argument("--runs", type=int, default=1, help="time detection this many times; report the median")
    parser.add_argument("--watch", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.watch:
        watch(args.watch)
        return
    print(json.dumps(run(args.articles, args.seed, args.workers, args.runs)))


if __name__ == "__main__":
    main()
