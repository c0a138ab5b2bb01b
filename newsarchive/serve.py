"""`build.py serve`: build the site, serve it on 127.0.0.1 and rebuild it whenever a source changes.

- Watching: articles/, templates/ and static/ (recursively) and the config file, with
  watchfiles. Editor temp files, lock files, the output folder and the cache are ignored.
- Building: one builder thread calls `pipeline.build()`, telling it which files the watcher saw
  change (so it need not list and stat every input and output first; it checks them after the
  site is shown, and a miss makes one more build that lists everything); changes that arrive
  during a build are coalesced into one more build. A failed build leaves the last good site
  in place (publishing is atomic), and the problems are printed as `build.py` prints them.
- Live reload: HTML responses, only as sent and never the files on disk, get a small script
  before </body> that listens to /__newsarchive/events (Server-Sent Events) and reloads the page
  after each build. While the last build has failed, every HTML page also carries a banner
  (role="alert") listing the problems.
- Only files inside the output folder are served: `..` (encoded or not), hidden files and
  symlinks leading out of it are refused.
"""

from __future__ import annotations

import html
import http.server
import queue
import re
import signal
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import watchfiles

from . import pipeline
from .config import load_config
from .messages import describe_failure, print_failure, print_finished
from .paths import display_path, is_within

EVENTS = "/__newsarchive/events"
RELOAD_FIRST_S = 0.3  # after a build shows its site, the time left to the pages reloading
HOST = "127.0.0.1"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".wasm": "application/wasm",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}  # anything else: octet-stream
# Editors' temp files and our own lock and staging files, on top of watchfiles' default list.
_IGNORED_NAMES = re.compile(r"^4913$|^\.goutputstream-|^\..*\.lock$|\.staging-\d+$|\.old-\d+$|\.kate-swp$")

_SCRIPT = """<script>
/* added by `build.py serve`; never written to the built files */
(function () {
  var token = "%s", source = null;
  function connect() {
    source = new EventSource("%s");
    source.addEventListener("hello", function (event) { if (event.data !== token) location.reload(); });
    source.addEventListener("reload", function () { location.reload(); });
    source.addEventListener("build-error", function () { location.reload(); });
    source.onerror = function () {  /* the server stopped: try again quietly until it is back */
      if (source.readyState === EventSource.CLOSED) { source.close(); setTimeout(connect, 1000); }
    };
  }
  connect();
})();
</script>
"""
_BANNER = """<div id="newsarchive-build-error" role="alert" style="position:fixed;top:0;left:0;right:0;\
z-index:2147483647;max-height:60vh;overflow:auto;margin:0;padding:.75rem 1rem;background:#fff;color:#111;\
border-bottom:6px solid #b00020;box-shadow:0 2px 10px rgba(0,0,0,.35);font:16px/1.5 system-ui,sans-serif;\
text-align:left">
<p style="margin:0 0 .5rem;color:#8b0000;font-weight:bold">%s</p>
<pre style="margin:0;white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;color:#111;\
font:14px/1.5 ui-monospace,Menlo,Consolas,monospace">%s</pre>
<button type="button" onclick="this.parentNode.remove()" style="margin-top:.5rem;font:inherit;color:#111;\
background:#eee;border:2px solid #111;padding:.1rem .6rem">Hide</button>
</div>
"""
_BANNER_TITLE = ("The last build failed; this is the last site that built. "
                 "Fix these problems and save: the page reloads by itself.")
_ERROR_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed · newsarchive serve</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;margin:0;padding:60vh 1rem 1rem">
<main><h1>The site could not be built</h1>
<p>The problems are listed above. This page reloads by itself when a build succeeds.</p></main>
</body>
</html>
"""


class _Site:
    """What is being served: the output folder, the last build's problems, who listens for builds."""

    def __init__(self, output: Path, has_site: bool):
        self.lock = threading.Lock()
        self.output = output
        self.has_site = has_site  # a good site is in the output folder
        self.problems: list[str] = []  # the last build's problems, as printed; empty once a build succeeds
        self.started = f"{time.time_ns():x}"
        self.builds = 0
        self.listeners: set[queue.Queue] = set()

    def token(self) -> str:
        """Changes with every build and every server start: a page with an older one reloads."""
        return f"{self.started}-{self.builds}"

    def finished(self, output: Path, problems: list[str]) -> None:
        with self.lock:
            self.builds += 1
            self.problems = problems
            if not problems:
                self.output, self.has_site = output, True
            event = ("build-error" if problems else "reload", self.token())
            for listener in self.listeners:
                listener.put(event)

    def snapshot(self) -> tuple[Path, bool, list[str], str]:
        with self.lock:
            return self.output, self.has_site, list(self.problems), self.token()

    def listen(self) -> tuple[queue.Queue, str]:
        listener: queue.Queue = queue.Queue()
        with self.lock:
            self.listeners.add(listener)
            return listener, self.token()

    def forget(self, listener: queue.Queue) -> None:
        with self.lock:
            self.listeners.discard(listener)

    def close(self) -> None:
        with self.lock:
            for listener in self.listeners:
                listener.put(None)


def _inject(page: bytes, problems: list[str], token: str, title: str = _BANNER_TITLE) -> bytes:
    added = ""
    if problems:
        added += _BANNER % (html.escape(title), html.escape("\n".join(problems)))
    added += _SCRIPT % (token, EVENTS)
    at = page.lower().rfind(b"</body>")
    at = len(page) if at < 0 else at
    return page[:at] + added.encode("utf-8") + page[at:]


def _locate(root: Path, url_path: str) -> tuple[int, Path | str | None]:
    """(200, file) to send, (301, new address), (403, None) for a refused path, (404, None)."""
    try:
        path = unquote(url_path, errors="strict")
    except UnicodeDecodeError:
        return 403, None
    if not path.startswith("/") or "\x00" in path or "\\" in path:
        return 403, None
    parts = [part for part in path.split("/") if part]
    if any(part in (".", "..") for part in parts):
        return 403, None
    if any(part.startswith(".") for part in parts):  # the manifest, a user's .git folder
        return 404, None
    base = root.resolve()
    target = base.joinpath(*parts)
    if target.is_dir():
        if not path.endswith("/"):
            return 301, quote(path + "/")
        target = target / "index.html"
    real = target.resolve()
    if not is_within(real, base):  # a symlink leading out of the output folder
        return 403, None
    if not real.is_file():
        return 404, None
    return 200, real


def _looks_like_page(url_path: str) -> bool:
    name = url_path.rsplit("/", 1)[-1]
    return name == "" or name.endswith((".html", ".htm")) or "." not in name


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "newsarchive-serve"
    site: _Site  # set on the subclass made by run()

    def log_message(self, format, *args):  # quiet: the terminal is for build messages
        pass

    def do_HEAD(self):
        self._respond(head=True)

    def do_GET(self):
        self._respond(head=False)

    def _send(self, status: int, body: bytes, kind: str, head: bool, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _respond(self, head: bool) -> None:
        url = urlsplit(self.path)
        if url.path == EVENTS:
            return self._events(head)
        output, has_site, problems, token = self.site.snapshot()
        if not has_site and _looks_like_page(url.path):
            page = _inject(_ERROR_PAGE.encode("utf-8"), problems, token,
                           "The site could not be built. Fix these problems and save: the page reloads by itself.")
            return self._send(500, page, _TYPES[".html"], head)
        status, found = _locate(output, url.path)
        if status == 301:
            return self._send(301, b"", "text/plain", head,
                              {"Location": found + (f"?{url.query}" if url.query else "")})
        if status == 403:
            return self._send(403, b"refused: only files inside the output folder are served\n",
                              _TYPES[".txt"], head)
        if status == 404:
            missing = output / "404.html"
            if not missing.is_file() or missing.is_symlink():
                return self._send(404, b"not found\n", _TYPES[".txt"], head)
            status, found = 404, missing
        try:
            body = found.read_bytes()
        except OSError:  # swapped away by a build between the look-up and the read: ask again
            return self._send(503, b"the site is being rebuilt; reload\n", _TYPES[".txt"], head,
                              {"Retry-After": "1"})
        kind = _TYPES.get(found.suffix.lower(), "application/octet-stream")
        if found.suffix.lower() in (".html", ".htm"):
            body = _inject(body, problems, token)
        self._send(status, body, kind, head)

    def _events(self, head: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if head:
            return
        listener, token = self.site.listen()
        try:
            self.wfile.write(f"retry: 1000\nevent: hello\ndata: {token}\n\n".encode())
            while True:
                try:
                    event = listener.get(timeout=15)
                except queue.Empty:
                    self.wfile.write(b": still here\n\n")  # finds clients that went away
                    continue
                if event is None:
                    return
                self.wfile.write(f"event: {event[0]}\ndata: {event[1]}\n\n".encode())
        except OSError:  # the page was closed or reloaded
            return
        finally:
            self.site.forget(listener)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        failure = sys.exc_info()[1]
        if not isinstance(failure, ConnectionError):  # a reader going away is not worth a line
            print(f"serve: error answering a request: {type(failure).__name__}: {failure}", file=sys.stderr,
                  flush=True)


class _Builder:
    """Runs one build at a time; changes seen during a build make one more build afterwards."""

    def __init__(self, config_path: Path, output_override: str | None, strict: bool, force: bool, site: _Site,
                 workers: int | None = None):
        self.config_path, self.output_override = config_path, output_override
        self.strict, self.force, self.site, self.workers = strict, force, site, workers
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.changed: set[str] = set()  # paths of changed files, as the watcher gives them
        self.unsure = False  # the changes are not all known: the next build lists every input
        self.project = config_path.resolve().parent
        # The last build's state and reprint caches, kept between builds: a rebuild does not
        # read them back from disk (pipeline.BuildMemory).
        self.memory = pipeline.BuildMemory()

    def notice(self, paths: set[str], unsure: bool = False) -> None:
        with self.lock:
            self.changed |= paths
            self.unsure |= unsure
            self.wake.set()

    def loop(self) -> None:
        self._remember()
        while True:
            self.wake.wait()
            if self.stopping.is_set():
                return
            with self.lock:
                changed, self.changed = self.changed, set()
                unsure, self.unsure = self.unsure, False
                self.wake.clear()
            self.build(changed, unsure)

    def _remember(self) -> None:
        """While no file changes, read what the last build left into memory, then rebuild with
        nothing changed, which makes nothing but the lists a rebuild keeps (the Site's, the
        outputs'): the first edit is then shown as fast as the next ones."""
        try:
            config = load_config(self.config_path, self.output_override)
            self.memory.load(config)
            if self.site.has_site and not self.site.problems:
                report = pipeline.build(config, strict=self.strict, force=self.force, workers=self.workers,
                                        memory=self.memory, changed=frozenset())
                if report.made:
                    self.site.finished(config.output, [])
                if report.missed_changes:
                    self._build_again()
        except Exception:  # noqa: BLE001 - only a shortcut: the next build reads the files itself
            pass

    def build(self, changed: set[str] = frozenset(), unsure: bool = True) -> None:
        """Build once; `changed` names the files changed since the last build, all of them
        unless `unsure` (then the build finds them itself)."""
        if changed:
            names = sorted(display_path(Path(path), self.project) for path in changed)
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            print(f"changed: {shown}; rebuilding", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            config = load_config(self.config_path, self.output_override)
            shown = []

            def published() -> None:  # the browser reloads while the build writes what the next one needs
                self.site.finished(config.output, [])
                shown.append(True)
                # The pages' reloads are answered first: the build's last work would take the
                # interpreter from the threads answering them for as long as it runs.
                self.stopping.wait(RELOAD_FIRST_S)

            report = pipeline.build(config, strict=self.strict, force=self.force, workers=self.workers,
                                    memory=self.memory, published=published,
                                    changed=None if unsure else frozenset(changed))
        except Exception as failure:  # any failure: the last good site stays, the problems are shown
            problems, summary, _ = print_failure(failure, self.strict)
            print("serving the last good site until a build succeeds" if self.site.has_site
                  else "nothing to serve until a build succeeds", file=sys.stderr, flush=True)
            self.site.finished(self.site.output, problems or [summary])
            return
        print_finished(report, config.output, time.perf_counter() - started)
        if not shown:  # nothing to do: the site stands as it was, and a failed build's banner goes
            self.site.finished(config.output, [])
        if report.missed_changes:
            self._build_again()

    def _build_again(self) -> None:
        """A build told what changed found files the watcher did not report (or outputs changed
        by hand): one more build, not told, lists and checks everything."""
        print("files changed that the watcher did not report; building again", file=sys.stderr, flush=True)
        self.notice(set(), unsure=True)


def _watch(paths: list[Path], recursive: bool, accept, builder: _Builder, ready: threading.Event) -> None:
    try:
        # Without changes, watch() yields an empty set every rust_timeout ms: the first one says
        # the watcher is in place.
        # step: how long a change waits for others saved with it (an editor's temp file and
        # rename take a few ms); every ms of it is a ms more before the page shows the edit.
        for changes in watchfiles.watch(*paths, watch_filter=accept, recursive=recursive, step=50,
                                        rust_timeout=300, yield_on_timeout=True, raise_interrupt=False,
                                        stop_event=builder.stopping):
            ready.set()
            if changes:
                builder.notice({path for _, path in changes})
    except Exception as failure:  # a watched folder deleted, too many files to watch
        ready.set()
        if not builder.stopping.is_set():
            print(f"serve: error: stopped watching {', '.join(map(str, paths))}: {failure}; "
                  "restart serve to rebuild on changes again", file=sys.stderr, flush=True)


def _start_watching(config, config_path: Path, builder: _Builder) -> None:
    default = watchfiles.DefaultFilter()
    ignored = [config.output, config.cache_dir]

    def accept(change, path: str) -> bool:
        where = Path(path)
        return (default(change, path) and not _IGNORED_NAMES.search(where.name)
                and not any(is_within(where, folder) for folder in ignored))

    def is_config(change, path: str) -> bool:
        return Path(path).name == config_path.name

    folders = [f for f in (config.articles, config.templates, config.static) if f.is_dir()]
    watchers = [(folders, True, accept), ([config_path.resolve().parent], False, is_config)]
    readiness = []
    for paths, recursive, check in watchers:
        if not paths:
            continue
        ready = threading.Event()
        readiness.append(ready)
        threading.Thread(target=_watch, args=(paths, recursive, check, builder, ready), daemon=True,
                         name="watch").start()
    for ready in readiness:
        ready.wait(5)


def run(config_path: Path, output_override: str | None, port: int = 8000, strict: bool = False,
        force: bool = False, workers: int | None = None) -> int:
    """Serve until Ctrl-C (or SIGTERM); 0 then, 1 when the server cannot start."""
    if not 0 <= port <= 65535:
        print(f"serve: error: --port must be between 0 and 65535, got {port}", file=sys.stderr)
        return 1
    try:
        config = load_config(config_path, output_override)
    except Exception as failure:  # the folders to watch and serve come from the config
        problems, _, status = describe_failure(failure, strict)
        print(*problems, sep="\n", file=sys.stderr)
        print("serve: cannot start without a valid config file; fix it and run serve again", file=sys.stderr)
        return status
    has_site = (config.output / "index.html").is_file()  # the last build's site, served until one succeeds
    site = _Site(config.output, has_site)
    handler = type("Handler", (_Handler,), {"site": site})
    try:
        server = _Server((HOST, port), handler)
    except OSError as failure:
        print(f"{HOST}:{port}: error: cannot listen: {failure.strerror or failure}", file=sys.stderr)
        print("    hint: another program uses this port; choose another with --port N (0 picks a free one)",
              file=sys.stderr)
        return 1
    builder = _Builder(config_path, output_override, strict, force, site, workers)
    previous = {}
    if threading.current_thread() is threading.main_thread():
        # Ctrl-C stops even when started from a shell that ignores SIGINT in the background.
        previous = {signal.SIGTERM: signal.signal(signal.SIGTERM, _interrupt),
                    signal.SIGINT: signal.signal(signal.SIGINT, _interrupt)}
    try:
        _start_watching(config, config_path, builder)
        builder.build()
        threading.Thread(target=builder.loop, daemon=True, name="build").start()
        print(f"serving http://{HOST}:{server.server_port}/", flush=True)
        print("rebuilding whenever a file in articles/, templates/, static/ or the config changes; "
              "Ctrl-C stops", file=sys.stderr, flush=True)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        builder.stopping.set()
        builder.wake.set()
        site.close()
        server.server_close()
        for number, handler in previous.items():
            signal.signal(number, handler)
    print("stopped", file=sys.stderr, flush=True)
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt
