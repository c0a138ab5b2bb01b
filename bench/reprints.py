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


def relations_digest(found) -> str:
    """SHA-256 of the relations as data/reprints.json would hold them: equal digests, equal answers."""
    import hashlib
    from newsarchive.export import reprints_file
    return hashlib.sha256(reprints_file(found)).hexdigest()[:16]


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
            "relations_sha256": relations_digest(found),
            "workers": pool.resolve(workers), "seed": seed,
            "runs_s": times, "load_avg": round(load, 2)}


# --- The Spark engine (newsarchive/spark_reprints.py) -----------------------------------------
# The archive is written as JSON Lines by a separate process (not timed), the way a corpus at
# scale is read; this process then only runs the job (its driver, the JVM Spark starts and the
# Python workers that JVM starts are the process tree whose memory is sampled).

def write_corpus(articles: int, seed: int, folder: Path) -> None:
    """The synthetic archive as JSON Lines files (one article a row), its outlets and its truth."""
    from newsarchive.spark_reprints import article_row
    archive = make_archive(articles, seed)
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    per_file = 20_000
    for part, lo in enumerate(range(0, len(archive.articles), per_file)):
        with open(folder / "articles" / f"part-{part:04}.jsonl", "w", encoding="utf-8") as out:
            for article in archive.articles[lo:lo + per_file]:
                out.write(json.dumps(article_row(article), ensure_ascii=False) + "\n")
    sources = {s.id: {"name": s.name, "domains": list(s.domains), "kind": s.kind} for s in archive.sources.values()}
    (folder / "sources.json").write_text(json.dumps(sources), encoding="utf-8")
    (folder / "truth.json").write_text(json.dumps(sorted(archive.truth)), encoding="utf-8")
    (folder / "done").write_text(str(len(archive.articles)), encoding="utf-8")


def _shuffle_figures(event_logs: Path) -> dict:
    """Shuffle bytes written and read, and bytes spilled, over every task of the run (Spark's event log)."""
    figures = {"shuffle_write_mb": 0.0, "shuffle_read_mb": 0.0, "spill_disk_mb": 0.0, "tasks": 0, "stages": 0}
    for log in sorted(p for p in event_logs.rglob("*") if p.is_file() and not p.name.startswith(".")):
        with open(log, encoding="utf-8") as events:
            for line in events:
                if '"SparkListenerStageCompleted"' in line:
                    figures["stages"] += 1
                if '"SparkListenerTaskEnd"' not in line:
                    continue
                metrics = json.loads(line).get("Task Metrics") or {}
                figures["tasks"] += 1
                figures["shuffle_write_mb"] += metrics.get("Shuffle Write Metrics", {}).get("Shuffle Bytes Written", 0)
                read = metrics.get("Shuffle Read Metrics", {})
                figures["shuffle_read_mb"] += read.get("Remote Bytes Read", 0) + read.get("Local Bytes Read", 0)
                figures["spill_disk_mb"] += metrics.get("Disk Bytes Spilled", 0)
    for key in ("shuffle_write_mb", "shuffle_read_mb", "spill_disk_mb"):
        figures[key] = round(figures[key] / 2**20)
    return figures


def run_spark(articles: int, seed: int, master: str, partitions: int, driver_memory: str, workdir: Path) -> dict:
    from newsarchive import spark_reprints
    from newsarchive.model import Source
    corpus = workdir / f"corpus-{articles}-{seed}"
    if not (corpus / "done").exists():
        subprocess.run([sys.executable, __file__, "--write-corpus", str(corpus), "--articles", str(articles),
                        "--seed", str(seed)], check=True)
    sources = {sid: Source(sid, s["name"], tuple(s["domains"]), s["kind"])
               for sid, s in json.loads((corpus / "sources.json").read_text()).items()}
    truth = {tuple(item) for item in json.loads((corpus / "truth.json").read_text())}
    events = workdir / f"events-{os.getpid()}"
    events.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    watcher = subprocess.Popen([sys.executable, __file__, "--watch", str(os.getpid())],
                               stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.3)
        started = time.perf_counter()
        spark = spark_reprints.session(master, partitions, {
            "spark.driver.memory": driver_memory, "spark.eventLog.enabled": "true",
            "spark.eventLog.dir": events.as_uri(),
            "spark.eventLog.compress": "false", "spark.eventLog.rolling.enabled": "false",
            "spark.local.dir": str(workdir / "spark-local")})
        up = time.perf_counter()
        result = spark_reprints.detect(spark, spark_reprints.read_articles(spark, str(corpus / "articles")), sources)
        seconds = time.perf_counter() - started
        spark.stop()
    finally:
        watcher.send_signal(signal.SIGTERM)
        peak_kb = int(watcher.communicate()[0].strip() or 0)
    precision, recall, right = score(result.reprints, truth)
    return {"engine": "spark", "master": master, "partitions": partitions, "articles": result.counts["articles"],
            "seconds": round(seconds, 1), "start_s": round(up - started, 1), "peak_mb": round(peak_kb / 1024),
            **_shuffle_figures(events), "candidate_pairs": result.counts["pairs"],
            "precision": round(precision, 5), "recall": round(recall, 5), "relations_true": len(truth),
            "relations_found": len(result.reprints), "relations_right": right,
            "relations_sha256": relations_digest(result.reprints), "seed": seed,
            "load_avg": round(load, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, help="worker processes (default: one per core, up to 8)")
    parser.add_argument("--runs", type=int, default=1, help="time detection this many times; report the median")
    parser.add_argument("--engine", choices=("in-process", "spark"), default="in-process",
                        help="reprints.detect (default), or the Spark job in local mode (spark_reprints.py)")
    parser.add_argument("--master", default="local[*]", help="with --engine spark: the Spark master")
    parser.add_argument("--partitions", type=int, default=8, help="with --engine spark: shuffle partitions")
    parser.add_argument("--driver-memory", default="4g", help="with --engine spark: the JVM's heap")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/newsarchive-bench"),
                        help="with --engine spark: where the JSON Lines corpus and Spark's files go")
    parser.add_argument("--watch", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--write-corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.watch:
        watch(args.watch)
        return
    if args.write_corpus:
        write_corpus(args.articles, args.seed, args.write_corpus)
        return
    if args.engine == "spark":
        print(json.dumps(run_spark(args.articles, args.seed, args.master, args.partitions, args.driver_memory,
                                   args.workdir)))
        return
    print(json.dumps(run(args.articles, args.seed, args.workers, args.runs)))


if __name__ == "__main__":
    main()
