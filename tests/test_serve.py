"""`build.py serve`: the preview server, run as the user runs it, in a subprocess on a free port."""

from __future__ import annotations

import http.client
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import PROJECT, run_build

SLUG = "putin-asked-to-intervene-in-libya"
PAGE = f"articles/{SLUG}/"
SENTENCE = "reported Radio Liberty."
SCRIPT_MARK = "/__newsarchive/events"


class Server:
    def __init__(self, project: Path):
        self.project = project
        self.out = project.parent / "serve.out"
        self.err = project.parent / "serve.err"
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, str(PROJECT / "build.py"), "serve", "--port", "0",
                 "--config", str(project / "config.yaml")], stdout=out, stderr=err, cwd=project)
        self.url = self._wait_for_url()

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for line in self.out.read_text().splitlines():
                if line.startswith("serving http://127.0.0.1:"):
                    return line.split(" ", 1)[1]
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no URL printed; stderr: {self.stderr()}")

    def stderr(self) -> str:
        return self.err.read_text()

    def get(self, path: str) -> tuple[int, str, dict]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8"), dict(response.headers)
        except urllib.error.HTTPError as failure:
            return failure.code, failure.read().decode("utf-8"), dict(failure.headers)

    def raw_status(self, raw_path: str) -> tuple[int, str]:
        """GET a path exactly as written: urllib and browsers would tidy `..` away."""
        host, port = self.url.split("//")[1].rstrip("/").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.putrequest("GET", raw_path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, body

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def server(project):
    started = Server(project)
    yield started
    started.stop()


def wait_until(check, what: str, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def listen(server: Server) -> list[str]:
    """Read the event stream in a thread; returns the list it appends `event:` names to."""
    events: list[str] = []

    def read():
        try:
            with urllib.request.urlopen(server.url + "__newsarchive/events", timeout=60) as stream:
                for line in stream:
                    if line.startswith(b"event:"):
                        events.append(line.decode().split(":", 1)[1].strip())
        except OSError:
            pass

    threading.Thread(target=read, daemon=True).start()
    wait_until(lambda: "hello" in events, "the event stream to open", 10)
    return events


def edit(project: Path, old: str, new: str) -> None:
    path = project / "articles" / f"{SLUG}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_paragraph(project: Path, text: str) -> None:
    path = project / "articles" / f"{SLUG}.md"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{text}\n", encoding="utf-8")


def test_serve_reloads_on_change_shows_errors_and_recovers(server, project):
    # (1) the page is served with the reload script; the built file has none
    status, page, headers = server.get(PAGE)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert SENTENCE in page and SCRIPT_MARK in page and 'role="alert"' not in page
    on_disk = (project / "_site" / PAGE / "index.html").read_text(encoding="utf-8")
    assert SCRIPT_MARK not in on_disk and "<script>\n/* added by" not in on_disk
    assert page.replace(page[page.index("<script>\n/* added by"):page.rindex("</body>")], "") == on_disk

    # (2) an edit is rebuilt, served, and announced
    events = listen(server)
    add_paragraph(project, "Zanzibar lighthouse first edit.")
    wait_until(lambda: "Zanzibar lighthouse first edit" in server.get(PAGE)[1], "the edited text")
    wait_until(lambda: "reload" in events, "a reload event")
    assert SCRIPT_MARK not in (project / "_site" / PAGE / "index.html").read_text(encoding="utf-8")

    # (3) a broken article: the last good site is still served, with a banner naming file and line
    edit(project, "date_precision: unknown", "date_precision: sometimes")
    line = next(number for number, text in enumerate(
        (project / "articles" / f"{SLUG}.md").read_text().splitlines(), 1) if "sometimes" in text)
    where = f"articles/{SLUG}.md:{line}: error: field &#x27;date_precision&#x27;"
    status, page, _ = wait_until(lambda: (r := server.get(PAGE)) and 'role="alert"' in r[1] and r,
                                 "the error banner")
    assert status == 200 and "Zanzibar lighthouse first edit" in page
    assert where in page, page[page.index('role="alert"'):][:800]
    status, other, _ = server.get("index.html")
    assert status == 200 and where in other
    wait_until(lambda: "build-error" in events, "a build-error event")
    assert f"articles/{SLUG}.md:{line}: error: field 'date_precision'" in server.stderr()
    assert "Traceback" not in server.stderr()

    # (4) fixed: the banner goes, the new text is served
    edit(project, "date_precision: sometimes", "date_precision: unknown")
    edit(project, "Zanzibar lighthouse first edit.", "Zanzibar lighthouse second edit.")
    # (the new site is in place an instant before the server learns the build succeeded)
    wait_until(lambda: (r := server.get(PAGE)[1]) and "second edit" in r and 'role="alert"' not in r,
               "the fixed page without the banner")
    wait_until(lambda: events.count("reload") >= 2, "a second reload event")

    # Ctrl-C stops cleanly
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(10) == 0
    assert "Traceback" not in server.stderr()


def test_serve_rebuilds_what_it_was_told_and_then_what_it_was_not(server, project):
    """A rebuild is told which files the watcher saw change; an output removed by hand (the
    output folder is not watched) is found once the site is shown, and one more build restores it."""
    removed = project / "_site" / "actors" / "khalifa-haftar" / "index.html"
    removed.unlink()
    add_paragraph(project, "Zanzibar lighthouse told edit.")
    wait_until(lambda: "Zanzibar lighthouse told edit" in server.get(PAGE)[1], "the edited text")
    wait_until(lambda: removed.is_file(), "the removed page made again")
    assert "files changed that the watcher did not report; building again" in server.stderr()
    assert "Traceback" not in server.stderr()


def test_serve_serves_only_the_site(server, project):
    (project / "secret.txt").write_text("top secret\n")
    (project / "_site" / "leak").symlink_to(project / "secret.txt")
    for raw in ("/../config.yaml", "/%2e%2e/config.yaml", "/%2E%2E/%2e%2e/etc/passwd", "/articles/..%2f..%2fconfig.yaml",
                "/leak", "/.newsarchive-manifest.json"):
        status, body = server.raw_status(raw)
        assert status in (400, 403, 404), raw
        assert "top secret" not in body and "reprint_min_share" not in body, raw
    status, page, _ = server.get("no/such/page.html")
    assert status == 404 and "Page not found" in page and SCRIPT_MARK in page
    status, page, _ = server.get("")
    assert status == 200 and SCRIPT_MARK in page
    # a folder without its slash is redirected, so the page's relative links work
    status, page, _ = server.get(PAGE.rstrip("/"))
    assert status == 200 and SENTENCE in page
    for path, kind in (("feed.xml", "application/xml"), ("data/articles.json", "application/json"),
                       ("static/favicon.svg", "image/svg+xml"), ("static/style.css", "text/css"),
                       ("static/search.js", "text/javascript"), ("search/base/index.json", "application/json"),
                       ("search/base/words/0.json", "application/json")):
        assert _head(server, path)["Content-Type"].startswith(kind), path
    # what serve builds is what a normal build writes, byte for byte
    normal = project.parent / "normal"
    assert run_build(project, "--output", str(normal)).code == 0
    served = project / "_site"
    files = sorted(p.relative_to(normal) for p in normal.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(served) for p in served.rglob("*") if p.is_file() and p.name != "leak")
    assert all((normal / name).read_bytes() == (served / name).read_bytes() for name in files)


def _head(server: Server, path: str) -> dict:
    request = urllib.request.Request(server.url + path, method="HEAD")
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(response.headers)


def test_serve_when_the_first_build_fails(project, tmp_path):
    edit(project, "date_precision: unknown", "date_precision: sometimes")
    server = Server(project)
    try:
        status, page, _ = server.get(PAGE)
        assert status == 500 and 'role="alert"' in page and f"articles/{SLUG}.md:" in page
        edit(project, "date_precision: sometimes", "date_precision: unknown")
        wait_until(lambda: server.get(PAGE)[0] == 200, "the first good build")
        assert 'role="alert"' not in server.get(PAGE)[1]
    finally:
        server.stop()


def test_browser_page_reloads_by_itself(server, project, browser):
    page = browser.new_page()
    try:
        page.goto(server.url + PAGE)
        page.evaluate("window.notReloaded = true")
        page.wait_for_timeout(300)  # let the page's event stream open
        add_paragraph(project, "Browser sees this edit.")
        page.wait_for_function("document.body.innerText.includes('Browser sees this edit')", timeout=20000)
        assert page.evaluate("window.notReloaded === undefined")
        # a broken build shows the banner without a manual reload, the fix takes it away
        edit(project, "date_precision: unknown", "date_precision: sometimes")
        banner = page.get_by_role("alert")
        banner.wait_for(timeout=20000)
        assert f"{SLUG}.md:" in banner.inner_text()
        edit(project, "date_precision: sometimes", "date_precision: unknown")
        banner.wait_for(state="detached", timeout=20000)
    finally:
        page.close()
