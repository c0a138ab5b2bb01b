"""Preview benchmark: how long after saving an edit `build.py serve` shows it in an open browser.

    python bench/preview.py --articles 10000 [--runs 5] [--archive DIR | --keep DIR] [--workdir DIR]

makes an archive of N articles with bench/archive.py (or uses --archive DIR, an archive made
before, with its config.yaml), builds it once (not timed), starts `python build.py serve` on a
free port and opens an article's page in headless Chromium (/usr/bin/chromium). Each run edits
three words of one paragraph of a different article (bench/build.py's edit_article) while
that article's page is open, and times from the moment the file is written to the moment the
page in the browser shows the new words: the watcher noticing the change, the rebuild, the
live-reload event and the page loading again, all of it. It prints one JSON line on stdout
(progress on stderr):

    articles       articles in the archive
    edit_shown_s   the median, over the runs, of saving -> the edit shown in the browser
    each_s         every run's time, in order
    rebuild_s      the rebuild time serve printed for each run ("built ... in N s"), in order
    runs, load_avg the timed runs; the 1-minute load average at the start
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from build import BenchError, _log, _ours, checked_arguments, edit_article, make_archive  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync"]
_BUILT = re.compile(r" in ([0-9.]+)s$")  # the summary serve prints after each build


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Server:
    """`build.py serve` in the archive, its output read on a thread (so its pipes never fill)."""

    def __init__(self, archive: Path):
        self.port = _free_port()
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "build.py"), "serve", "--config", "config.yaml", "--port", str(self.port)],
            cwd=archive, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError("serve stopped:\n" + "\n".join(self.lines[-40:]))
            try:
                with urllib.request.urlopen(self.url(""), timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise BenchError(f"serve did not answer within {timeout:.0f} s:\n" + "\n".join(self.lines[-40:]))

    def rebuild_times(self) -> list[float]:
        return [float(m.group(1)) for line in self.lines if line.startswith("built") and (m := _BUILT.search(line))]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _shows(page, text: str) -> bool:
    try:
        return text in page.inner_text("body", timeout=1000)
    except Exception:  # the page is reloading: its document is gone for a moment
        return False


def measure(archive: Path, articles: int, runs: int, timeout: float) -> dict:
    from playwright.sync_api import sync_playwright

    server = _Server(archive)
    try:
        server.wait_ready(timeout)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            times, builds_before = [], []
            for run in range(runs):
                slug = f"article-{(run * 7919 + articles // 3) % articles:06d}"
                page.goto(server.url(f"articles/{slug}/"), wait_until="load")
                time.sleep(1.0)  # the live-reload connection is open and the watcher quiet
                builds_before.append(len(server.rebuild_times()))
                tag = int(time.time()) * 100 + run  # new words at every run of the benchmark
                edit_article(archive / "articles" / f"{slug}.md", tag)
                saved = time.perf_counter()
                marker = f"edited{tag}x0"
                while not _shows(page, marker):
                    if time.perf_counter() - saved > timeout:
                        raise BenchError(f"the edit of {slug} was not shown within {timeout:.0f} s:\n"
                                         + "\n".join(server.lines[-40:]))
                    time.sleep(0.01)
                times.append(time.perf_counter() - saved)
                _log(f"edit {run + 1}/{runs} ({slug}) shown after {times[-1]:.2f} s")
            browser.close()
        # The page reloads as soon as the new site is in place; serve prints the rebuild's line
        # once it has also written what the next build needs: wait for the last one.
        deadline = time.monotonic() + timeout
        while len(server.rebuild_times()) <= builds_before[-1] and time.monotonic() < deadline:
            time.sleep(0.05)
        built = server.rebuild_times()
        rebuilds = [built[n] if n < len(built) else None for n in builds_before]
    finally:
        server.stop()
    return {"articles": articles, "edit_shown_s": round(statistics.median(times), 3),
            "each_s": [round(t, 3) for t in times], "rebuild_s": rebuilds, "runs": runs}


def _arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True, help="articles in the synthetic archive")
    parser.add_argument("--runs", type=int, default=5, help="timed edits; the median is reported")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--actors", type=int, default=2000)
    parser.add_argument("--archive", type=Path, metavar="DIR",
                        help="use this archive (made by archive.py with --articles N; it is edited)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="make the archive in DIR (new) and keep it")
    parser.add_argument("--workdir", type=Path, metavar="DIR", help="where the temporary archive goes")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for serve or an edit")
    return checked_arguments(parser, argv)


def main(argv=None) -> int:
    args = _arguments(argv)
    load = os.getloadavg()[0]
    root = None
    try:
        if args.archive is not None:
            archive = args.archive
        else:
            root = args.keep or Path(tempfile.mkdtemp(prefix="bench-preview-", dir=args.workdir))
            root.mkdir(parents=True, exist_ok=True)
            archive = root / "archive"
            _log(f"generating {args.articles} articles in {archive} (not timed)")
            make_archive(archive, args.articles, args.seed, args.actors)
        if not (archive / "_site" / "index.html").is_file():
            _log("building the site once (not timed)")
            _ours(archive, "the first build")
        result = measure(archive, args.articles, args.runs, args.timeout)
    except BenchError as failure:
        print(f"bench/preview.py: {failure}", file=sys.stderr)
        return 1
    finally:
        if root is not None and args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    result["load_avg"] = round(load, 3)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
