"""Time the search page in Chromium with 50 ms added to every request, as a reader uses it.

    python bench/search.py --articles 10000                  # makes the archive and builds its site
    python bench/search.py --site DIR [--word WORD] [--runs 5]  # a site already built

The site is served from a local web server in its own process; each run opens a fresh
browser context (cold cache) with Chrome's network emulation (CDP
Network.emulateNetworkConditions: the latency on every request, no bandwidth limit). Measured:

- page load: from navigation to the last response before the network is idle (1 s without
  a request), and the requests made meanwhile;
- a query: the reader clicks the box and types a word one key at a time (`--key-ms` apart),
  as a person types; the time from the first key to the first result on screen (`first_results_s`), and the
  requests (and bytes) from the first key until the network is idle again with the whole
  word's results shown. A page that shows nothing until Enter (the search page before issue
  15) gets Enter 3 s after the last key, `needs_enter` says so, and `after_enter_s` is the
  time from Enter to the first result.

The word is the surname of the person named by the most articles (`data/articles.json`),
unless `--word` is given. Prints one JSON line of medians (each run's figures in `runs`).

    python bench/search.py --rebuild ARCHIVE   # an archive whose site is built (in its config's output)

times what the search stage costs in a rebuild after editing one article, adding one and
deleting it again (in this order, in place: the archive ends as it began, its site too),
with `newsarchive.search.index` timed inside `pipeline.build` (the code on PYTHONPATH: run
it with an older checkout's folder there to time that code). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
QUIET_S = 1.0  # the network is idle after this long without a request


def _common_surname(site: Path) -> str:
    counts = collections.Counter(person for article in json.loads((site / "data" / "articles.json").read_text())
                                 for person in article["people"])
    person = counts.most_common(1)[0][0]
    words = [word for word in person.split("-") if not word.isdigit()]
    return words[-1].capitalize()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(site: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, f"http://127.0.0.1:{port}/"


class _Network:
    """Requests and bytes seen by a page (its worker's included), with the time of the last response."""

    def __init__(self, page):
        self.requests: list[tuple[float, str]] = []
        self.bytes = 0
        self.last_response = 0.0
        page.on("request", lambda request: self.requests.append((time.monotonic(), request.url)))
        page.on("requestfinished", self._finished)

    def _finished(self, request) -> None:
        self.last_response = time.monotonic()
        sizes = request.sizes()  # as sent over the network (compressed bodies stay compressed)
        self.bytes += sizes["responseBodySize"] + sizes["responseHeadersSize"]

    def wait_quiet(self, page) -> None:
        while True:
            latest = max([when for when, _ in self.requests] + [self.last_response])
            if time.monotonic() - latest >= QUIET_S:
                return
            page.wait_for_timeout(100)

    def since(self, start: float) -> list[str]:
        return [url for when, url in self.requests if when >= start]


def _one_run(browser, url: str, word: str, latency_ms: int, key_ms: int) -> dict:
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency_ms,
                                                  "downloadThroughput": -1, "uploadThroughput": -1})
    network = _Network(page)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    started = time.monotonic()
    page.goto(url + "search/index.html")
    network.wait_quiet(page)
    load_s = network.last_response - started
    load_requests = len(network.requests)
    load_bytes = network.bytes

    # The first result's arrival, timed in the page from the first key.
    page.evaluate("""() => {
        window.__firstKey = null; window.__firstResult = null; window.__enter = null;
        document.addEventListener('keydown', (event) => {
            window.__firstKey ??= performance.now();
            if (event.key === 'Enter') window.__enter ??= performance.now();
        }, true);
        new MutationObserver(() => {
            if (window.__firstResult === null && document.querySelector('#search-results li'))
                window.__firstResult = performance.now();
        }).observe(document.getElementById('search-results'), {childList: true});
    }""")
    page.click("#search-q")
    query_start, bytes_before = time.monotonic(), network.bytes
    page.keyboard.type(word, delay=key_ms)
    needs_enter = False
    try:
        page.wait_for_function("window.__firstResult !== null", timeout=3000)
    except Exception:  # the page before issue 15 waits for Enter
        needs_enter = True
        page.keyboard.press("Enter")
        page.wait_for_function("window.__firstResult !== null", timeout=60000)
    first_s = page.evaluate("(window.__firstResult - window.__firstKey) / 1000")
    after_enter_s = page.evaluate("window.__enter === null ? null : (window.__firstResult - window.__enter) / 1000")
    network.wait_quiet(page)
    status = page.locator("#search-status").inner_text()
    query_urls = network.since(query_start)
    context.close()
    return {"load_s": round(load_s, 3), "load_requests": load_requests, "load_kb": round(load_bytes / 1024),
            "first_results_s": round(first_s, 3),
            "after_enter_s": after_enter_s and round(after_enter_s, 3), "query_requests": len(query_urls),
            "query_kb": round((network.bytes - bytes_before) / 1024), "needs_enter": needs_enter,
            "status": status, "errors": errors}


def measure(site: Path, word: str | None, runs: int, latency_ms: int, key_ms: int) -> dict:
    from playwright.sync_api import sync_playwright

    word = word or _common_surname(site)
    server, url = _serve(site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
            try:
                results = [_one_run(browser, url, word, latency_ms, key_ms) for _ in range(runs)]
            finally:
                browser.close()
    finally:
        server.kill()
        server.wait()
    medians = {key: statistics.median(run[key] for run in results)
               for key in ("load_s", "load_requests", "load_kb", "first_results_s", "query_requests", "query_kb")}
    if all(run["after_enter_s"] is not None for run in results):
        medians["after_enter_s"] = statistics.median(run["after_enter_s"] for run in results)
    return {"site": str(site), "articles": len(list((site / "articles").iterdir())), "word": word,
            "latency_ms": latency_ms, "key_ms": key_ms, **medians,
            "needs_enter": any(run["needs_enter"] for run in results), "status": results[-1]["status"],
            "runs": results, "load_avg": os.getloadavg()[0]}


def _build_site(articles: int, workdir: Path) -> Path:
    archive = workdir / f"archive-{articles}"
    if not archive.exists():
        subprocess.run([sys.executable, str(REPO / "bench" / "archive.py"), "--articles", str(articles),
                        "--out", str(archive)], check=True, stdout=sys.stderr)  # the figures alone on stdout
    subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(archive / "config.yaml")], check=True,
                   stdout=sys.stderr)
    return archive / "_site"


def rebuild_costs(archive: Path) -> dict:
    """Whole rebuild and search stage, in seconds, after an edit, an add and a delete."""
    from newsarchive import pipeline, search
    from newsarchive.config import load_config
    from newsarchive.model import BuildError

    timed = []
    index = search.index

    def timed_index(*args, **kwargs):
        start = time.perf_counter()
        try:
            return index(*args, **kwargs)
        finally:
            timed.append(time.perf_counter() - start)

    search.index = timed_index
    config = load_config(archive / "config.yaml")
    articles = sorted((archive / "articles").glob("article-*.md"))
    edited, model = articles[len(articles) // 3], articles[len(articles) // 2]
    added = archive / "articles" / "article-bench-added.md"
    original = edited.read_text(encoding="utf-8")

    def edit():
        edited.write_text(original + "\nA paragraph added by the benchmark, about Zanzibar.\n", encoding="utf-8")

    capture = archive / "articles" / "captures" / "article-bench-added.txt"

    def add():  # a copy of another article (its text, under an address and a capture of its own)
        text = model.read_text(encoding="utf-8").replace(f"/{model.stem}\n", "/article-bench-added\n", 1)
        added.write_text(text.replace(f"captures/{model.stem}.txt", "captures/article-bench-added.txt"), encoding="utf-8")
        shutil.copyfile(archive / "articles" / "captures" / f"{model.stem}.txt", capture)

    def delete():
        added.unlink()
        capture.unlink()
        edited.write_text(original, encoding="utf-8")

    result = {"archive": str(archive), "articles": len(articles)}
    try:
        for name, change in (("edit", edit), ("add", add), ("delete", delete)):
            change()
            start = time.perf_counter()
            try:
                report = pipeline.build(config)
            except BuildError as error:
                added.unlink(missing_ok=True)
                capture.unlink(missing_ok=True)
                edited.write_text(original, encoding="utf-8")
                sys.exit(f"{name}: the archive does not build: {[str(p) for p in error.diagnostics]}")
            result[f"{name}_s"] = round(time.perf_counter() - start, 3)
            result[f"{name}_search_s"] = round(timed[-1], 3)
            result[f"{name}_indexes_redone"] = f"{report.search_redone} of {report.search_parts}"
    finally:
        search.index = index
    result["load_avg"] = os.getloadavg()[0]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, help="make an archive of this many articles and build its site")
    parser.add_argument("--site", type=Path, help="a site already built (instead of --articles)")
    parser.add_argument("--workdir", type=Path, default=Path("bench-search"), help="where --articles builds")
    parser.add_argument("--word", help="the word typed (default: the surname of the person most named)")
    parser.add_argument("--runs", type=int, default=5, help="runs, each in a fresh context; medians reported")
    parser.add_argument("--latency", type=int, default=50, help="ms added to every request (default 50)")
    parser.add_argument("--key-ms", type=int, default=150, help="ms between keys (default 150)")
    parser.add_argument("--rebuild", type=Path, metavar="ARCHIVE", help="time the search stage of rebuilds instead")
    args = parser.parse_args()
    if args.rebuild:
        print(json.dumps(rebuild_costs(args.rebuild)))
        return
    if (args.site is None) == (args.articles is None):
        parser.error("give --articles or --site")
    site = args.site or _build_site(args.articles, args.workdir)
    print(json.dumps(measure(site, args.word, args.runs, args.latency, args.key_ms)))


if __name__ == "__main__":
    main()
