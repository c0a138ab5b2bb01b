"""Build the real five-article archive and check the site a reader gets."""

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import PROJECT, SEED_SLUGS, run_build


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The real archive built once for the tests of this module that only read the site."""
    root = tmp_path_factory.mktemp("end-to-end") / "project"
    for name in ("articles", "templates", "static"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copy(PROJECT / "config.yaml", root / "config.yaml")
    result = run_build(root)
    assert result.code == 0, result.err
    return root / "_site"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids, self.text = [], set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])
        if attrs.get("id"):
            self.ids.add(attrs["id"])

    def handle_data(self, data):
        self.text.append(data)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _page(site: Path, url: str) -> Path:
    return site / url / "index.html"


def _article(site, key):
    return _page(site, f"articles/{SEED_SLUGS[key]}")


def test_every_page_type_exists(built):
    assert (built / "index.html").exists()
    for url in ("actors", "sources", "claims", "actors/khalifa-haftar", "sources/sputnik", "sources/izvestia"):
        assert _page(built, url).exists(), url
    for slug in SEED_SLUGS.values():
        assert _page(built, f"articles/{slug}").exists()


def test_every_internal_link_resolves(built):
    checked = 0
    for page in built.rglob("*.html"):
        parsed = _parse(page)
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                assert parts.scheme in ("http", "https", "mailto"), link
                continue
            assert not link.startswith("/"), f"{page}: absolute link {link}"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), f"{page.relative_to(built)} -> {link}"
            assert built.resolve() in target.parents
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in _parse(target).ids, f"{page} -> {link}"
            checked += 1
    assert checked > 100


def test_one_haftar_page_lists_all_five_articles(built):
    haftar_pages = [p for p in (built / "actors").iterdir() if "haftar" in p.name or "hafter" in p.name]
    assert [p.name for p in haftar_pages] == ["khalifa-haftar"]
    links = _parse(_page(built, "actors/khalifa-haftar")).links
    for slug in SEED_SLUGS.values():
        assert f"../../articles/{slug}/index.html" in links


def test_copy_and_original_link_to_each_other(built):
    copy_page = _article(built, "000").read_text(encoding="utf-8")
    original_page = _article(built, "001").read_text(encoding="utf-8")
    assert "This article copies passages of" in copy_page
    section = copy_page[copy_page.index('id="reprints-heading"'):]
    assert f"../../articles/{SEED_SLUGS['001']}/index.html" in section
    assert section.count('class="passage"') == 4
    back = original_page[original_page.index('id="reprints-heading"'):]
    assert "Reprinted by" in back and f"../../articles/{SEED_SLUGS['000']}/index.html" in back


def test_outside_originals_are_shown(built):
    translation = _article(built, "002").read_text(encoding="utf-8")
    assert "Translation of" in translation and "../../sources/izvestia/index.html" in translation
    izvestia = _page(built, "sources/izvestia").read_text(encoding="utf-8")
    assert SEED_SLUGS["002"] in izvestia and "credited as a translation" in izvestia
    sputnik = _page(built, "sources/sputnik").read_text(encoding="utf-8")
    assert SEED_SLUGS["000"] in sputnik.split("Articles that copy Sputnik")[1]


def test_003_shows_no_2020_date(built):
    page = _article(built, "003")
    assert "2020" not in page.read_text(encoding="utf-8")
    assert '<time datetime="2016-12-03">3 December 2016</time>' in page.read_text(encoding="utf-8")


def test_no_chrome_or_comments_on_article_pages(built):
    for key in SEED_SLUGS:
        body = _article(built, key).read_text(encoding="utf-8")
        body = body[body.index('<div class="body">'):body.index("</aside>")]
        for marker in ("Newsletter", "You might also like", "cookies", "Check Also", "Register",
                       "backstabbed", "Agreed…", "Russia, Lybia", "federal lawsuits"):
            assert marker not in body, (key, marker)


def test_home_lists_newest_first_with_date_publisher_people(built):
    html = (built / "index.html").read_text(encoding="utf-8")
    home = _Links()
    home.feed(html[html.index('<ol class="article-list">'):])
    article_links = [l for l in home.links if l.startswith("articles/")]
    order = [l.split("/")[1] for l in article_links]
    assert order[:2] == [SEED_SLUGS["001"], SEED_SLUGS["003"]]
    assert set(order) == set(SEED_SLUGS.values())
    text = " ".join(home.text)
    assert "20 February 2018" in text and "Sputnik" in text and "Lev Dengov" in text


def test_claims_page_marks_earliest(built):
    index = _page(built, "claims").read_text(encoding="utf-8")
    assert 'href="../claims/haftar-asked-russia-for-arms/index.html"' in index
    page = _page(built, "claims/haftar-asked-russia-for-arms").read_text(encoding="utf-8")
    group = page[page.index('id="haftar-asked-russia-for-arms"'):]
    group = group[:group.index("</section>")]
    assert group.count('class="earliest"') == 1
    earliest_row = group[group.index('class="earliest"'):]
    assert SEED_SLUGS["001"] in earliest_row[:earliest_row.index("</tr>")]
    assert "denies" in group


def test_data_exports(built):
    articles = json.loads((built / "data" / "articles.json").read_text(encoding="utf-8"))
    assert len(articles) == 5
    for item in articles:
        assert {"slug", "title", "url", "date", "date_precision", "publisher", "original", "people",
                "claims"} <= set(item)
    by = {a["slug"]: a for a in articles}
    assert by[SEED_SLUGS["001"]]["date"] == "2018-02-20"
    assert by[SEED_SLUGS["000"]]["original"]["article"] == SEED_SLUGS["001"]
    relations = json.loads((built / "data" / "reprints.json").read_text(encoding="utf-8"))
    assert [(r["copy"], r["original"]) for r in relations] == [(SEED_SLUGS["000"], SEED_SLUGS["001"])]
    assert 0 < relations[0]["copy_share"] <= 1 and 0 < relations[0]["original_share"] <= 1


def test_builds_are_byte_identical(project, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    assert run_build(project, "--output", str(first)).code == 0
    assert run_build(project, "--output", str(second)).code == 0
    files_one = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    files_two = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert files_one == files_two
    for rel in files_one:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_links_are_relative_for_file_browsing(built):
    for page in built.rglob("*.html"):
        for link in _parse(page).links:
            if not re.match(r"^[a-z]+:", link):
                assert not link.endswith("/"), f"{page}: {link} needs index.html for file://"


def _jsonld(page: Path) -> dict:
    html = page.read_text(encoding="utf-8")
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    return json.loads(html[start:html.index("</script>", start)])


def test_news_article_structured_data(built):
    copy = _jsonld(_article(built, "000"))
    assert copy["@type"] == "NewsArticle" and copy["publisher"]["name"] == "Libyan Express"
    assert "datePublished" not in copy  # unknown, so not given
    assert copy["isBasedOn"]["url"] == "https://sputniknews.com/middleeast/201802201061826555-libya-russia-haftar-military/"
    assert {m["name"] for m in copy["mentions"]} >= {"Lev Dengov", "Khalifa Haftar"}
    assert _jsonld(_article(built, "001"))["datePublished"] == "2018-02-20"
    translation = _jsonld(_article(built, "002"))
    assert translation["isBasedOn"]["publisher"]["name"] == "Izvestia"
    for page in built.rglob("*.html"):
        assert '<link rel="canonical"' not in page.read_text(encoding="utf-8")


def test_claims_structured_data(built):
    graph = _jsonld(_page(built, "claims"))["@graph"]
    listed = next(c for c in graph if c["identifier"] == "haftar-asked-russia-for-arms")
    assert listed["url"] == "claims/haftar-asked-russia-for-arms/index.html"
    claim = _jsonld(_page(built, "claims/haftar-asked-russia-for-arms"))
    assert claim["@type"] == "Claim" and len(claim["appearance"]) == 5
    assert claim["firstAppearance"]["datePublished"] == "2018-02-20"


def test_feeds_sitemap_robots(built):
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(built / "feed.xml").getroot()
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == 5 and feed.find(f"{atom}updated").text == "2018-02-20T00:00:00Z"
    haftar = ET.parse(built / "actors" / "khalifa-haftar" / "feed.xml").getroot()
    assert len(haftar.findall(f"{atom}entry")) == 5
    assert len(ET.parse(built / "sources" / "sputnik" / "feed.xml").getroot().findall(f"{atom}entry")) == 1
    assert 'type="application/atom+xml"' in _page(built, "actors/khalifa-haftar").read_text(encoding="utf-8")
    assert 'href="../../feed.xml"' in _article(built, "001").read_text(encoding="utf-8")
    locs = [el.text for el in ET.parse(built / "sitemap.xml").getroot().iter() if el.tag.endswith("loc")]
    assert "index.html" in locs and f"articles/{SEED_SLUGS['001']}/index.html" in locs
    assert "User-agent: *" in (built / "robots.txt").read_text(encoding="utf-8")
    assert (built / "404.html").exists()


def test_per_article_json_and_date_archives(built):
    detail = json.loads((built / "articles" / SEED_SLUGS["000"] / "index.json").read_text(encoding="utf-8"))
    assert detail["copies"] == [SEED_SLUGS["001"]] and detail["paragraphs"][0].startswith("Russian official")
    assert any(c["id"] == "russian-base-requested" and c["stance"] == "denies" for c in detail["claims"])
    december = _page(built, "archive/2016/12").read_text(encoding="utf-8")
    assert "<h1>December 2016</h1>" in december and SEED_SLUGS["003"] in december
    undated = _page(built, "archive/undated").read_text(encoding="utf-8")
    assert all(SEED_SLUGS[k] in undated for k in ("000", "002", "004"))
    assert "Cite this page" in _article(built, "001").read_text(encoding="utf-8")


def test_base_url_makes_addresses_absolute(project):
    config = project / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "base_url: https://example.org/libya\n", encoding="utf-8")
    assert run_build(project).code == 0
    site = project / "_site"
    assert "<loc>https://example.org/libya/index.html</loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "Sitemap: https://example.org/libya/sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")
    assert '<base href="/libya/">' in (site / "404.html").read_text(encoding="utf-8")
    cite = _page(site, f"articles/{SEED_SLUGS['001']}").read_text(encoding="utf-8")
    assert f"https://example.org/libya/articles/{SEED_SLUGS['001']}/" in cite


COMPARISON = f"reprints/{SEED_SLUGS['000']}--{SEED_SLUGS['001']}"


def test_comparison_page_is_linked_from_both_articles_and_the_index(built):
    assert _page(built, COMPARISON).is_file()
    link = f"../../{COMPARISON}/index.html"
    for key in ("000", "001"):
        assert link in _parse(_article(built, key)).links, key
    index = _parse(_page(built, "reprints"))
    assert f"../{COMPARISON}/index.html" in index.links
    # The index is in every page's navigation.
    assert "reprints/index.html" in _parse(built / "index.html").links
    assert sum(l.startswith(f"../{COMPARISON}") for l in index.links) == 1  # the only relation


def test_comparison_page_shows_the_edits(built):
    page = _page(built, COMPARISON).read_text(encoding="utf-8")
    inserted = re.findall(r"<ins class=\"edit[^\"]*\"[^>]*>(.*?)</ins>", page)
    deleted = re.findall(r"<del class=\"edit[^\"]*\"[^>]*>(.*?)</del>", page)
    assert any("self-proclaimed" in i for i in inserted) and any("National" in d for d in deleted)
    assert any("reported Sputnik" in i and "added" in i for i in inserted)
    assert any("MOSCOW (Sputnik) - Both" in d and "left out" in d for d in deleted)
    assert page.count('class="passage-head"') == 4
    # Text only one side has is shown as such: 000's reaction paragraphs, 001's background.
    assert "Only in the copy:" in page and "Only in the original:" in page
    assert "Buisier added" in page and "overthrow and murder of Muammar Gaddafi" in page
    for figure in ("Share of the copy found in the original", "Share of the original reused", "Edits inside them"):
        assert figure in page


def test_source_pages_say_how_often_an_outlet_copies_and_is_copied(built):
    express = " ".join(_parse(_page(built, "sources/libyan-express")).text)
    assert "1 (100%) copies text from an earlier article" in " ".join(express.split())
    sputnik = " ".join(" ".join(_parse(_page(built, "sources/sputnik")).text).split())
    assert "1 (100%) is copied by later articles" in sputnik


def test_reprints_json_passages_point_into_both_texts(built):
    relations = json.loads((built / "data" / "reprints.json").read_text(encoding="utf-8"))
    [relation] = relations
    assert (relation["copy"], relation["original"], relation["kind"]) == (SEED_SLUGS["000"], SEED_SLUGS["001"], "copy")
    assert len(relation["passages"]) == 4
    from newsarchive.load import load_archive
    from newsarchive.reprints import plain_text
    from conftest import PROJECT
    archive, _ = load_archive(PROJECT / "articles", PROJECT)
    by = {a.slug: plain_text(a) for a in archive.articles}
    for passage in relation["passages"]:
        copied = by[relation["copy"]][slice(*passage["copy"])]
        source = by[relation["original"]][slice(*passage["original"])]
        assert copied.split()[-3:] == source.split()[-3:] or "reported Sputnik" in copied


def test_second_build_reuses_the_cache_and_a_damaged_cache_changes_nothing(project, tmp_path, monkeypatch):
    from newsarchive import reprints

    first, second, third = tmp_path / "one", tmp_path / "two", tmp_path / "three"
    assert run_build(project, "--output", str(first)).code == 0
    cache = project / ".cache" / "reprint-fingerprints.bin"
    assert cache.is_file()
    calls = []
    real = reprints.fingerprint_texts
    monkeypatch.setattr(reprints.fingerprinting, "fingerprint_texts", lambda *a: calls.append(a) or real(*a))
    assert run_build(project, "--output", str(second)).code == 0
    assert calls == []  # every article came from the cache
    data = bytearray(cache.read_bytes())
    data[len(data) // 2] ^= 0xFF
    cache.write_bytes(bytes(data))
    assert run_build(project, "--output", str(third)).code == 0
    assert len(calls) == 1 and len(calls[0][0]) == 5  # the damaged cache was not trusted
    for folder in (second, third):
        for path in first.rglob("*"):
            if path.is_file():
                assert (folder / path.relative_to(first)).read_bytes() == path.read_bytes(), path


def test_second_build_aligns_no_pair_again_and_damaged_alignments_change_nothing(project, tmp_path, monkeypatch):
    from newsarchive import fpcache, reprints

    first, second, third = tmp_path / "one", tmp_path / "two", tmp_path / "three"
    assert run_build(project, "--output", str(first)).code == 0
    cache = project / ".cache" / fpcache.ALIGNMENTS_FILE
    assert cache.is_file()
    calls = []
    real = reprints.align
    monkeypatch.setattr(reprints.alignment, "align", lambda *a: calls.append(a) or real(*a))
    assert run_build(project, "--output", str(second)).code == 0
    assert calls == []  # every pair's passages came from the cache
    data = bytearray(cache.read_bytes())
    data[len(data) // 2] ^= 0xFF
    cache.write_bytes(bytes(data))
    # Without the last detection's index, the build detects all again and reads the alignments.
    (project / ".cache" / fpcache.INDEX_FILE).unlink()
    assert run_build(project, "--output", str(third)).code == 0
    assert calls  # the damaged cache was not trusted
    for folder in (second, third):
        for path in first.rglob("*"):
            if path.is_file():
                assert (folder / path.relative_to(first)).read_bytes() == path.read_bytes(), path


def test_a_build_makes_no_full_garbage_collection_and_restores_the_collector(project):
    import gc

    from newsarchive import pipeline
    from newsarchive.config import load_config

    config = load_config(project / "config.yaml")
    building, full = [], []

    def note(phase, info):  # full collections from the first stage reported to the build's end
        if phase == "start" and info["generation"] == 2 and building:
            full.append(info)

    saved = gc.get_threshold()
    gc.set_threshold(10, 2, 2)  # collections so frequent that a small build would make full ones
    gc.callbacks.append(note)
    try:
        pipeline.build(config, progress=lambda *stage: building.append(stage))
        assert building and gc.get_threshold() == (10, 2, 2)
        building.clear()
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*saved)
    assert full == []


def test_the_home_page_of_a_large_archive_draws_its_newest_articles(project, monkeypatch):
    from newsarchive import timeline
    monkeypatch.setattr(timeline, "MOST_MARKS", 3)  # as if the five articles were a large archive
    assert run_build(project).code == 0
    home = (project / "_site" / "index.html").read_text(encoding="utf-8")
    svg = home[home.index("<svg"):home.index("</svg>")]
    assert svg.count('<a href="articles/') == 3
    assert "The newest 3 of the 5 articles" in home and 'href="archive/index.html">pages by date</a>' in home
    assert "Timeline of the newest 3 of 5 articles" in svg


def test_a_large_site_has_its_sitemap_in_parts(project, monkeypatch):
    import xml.etree.ElementTree as ET
    from newsarchive import render
    monkeypatch.setattr(render, "SITEMAP_PART", 8)  # as if the site had more pages than one file holds
    config = project / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "base_url: https://example.org/libya\n", encoding="utf-8")
    assert run_build(project).code == 0
    site = project / "_site"

    def locs(path: Path) -> list[str]:
        return [el.text for el in ET.parse(path).getroot().iter() if el.tag.endswith("loc")]

    index = ET.parse(site / "sitemap.xml").getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = locs(site / "sitemap.xml")
    assert len(parts) >= 2 and all(re.fullmatch(r"https://example\.org/libya/sitemaps/\d+\.xml", p) for p in parts)
    listed = [loc for part in parts for loc in locs(site / part.removeprefix("https://example.org/libya/"))]
    pages = {"https://example.org/libya/" + path.relative_to(site).as_posix() for path in site.rglob("*.html")
             if path.name != "404.html"}
    assert sorted(listed) == sorted(pages)  # every page once
    assert "Sitemap: https://example.org/libya/sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")


def test_an_added_page_changes_one_part_of_the_sitemap():
    from newsarchive import render
    pages = tuple(f"articles/a{n}/index.html" for n in range(25_000))
    parts = render.sitemap_parts(pages)
    assert len(parts) == 4 and sum(map(len, parts.values())) == len(pages)
    assert max(map(len, parts.values())) < 50_000  # the protocol's limit
    more = render.sitemap_parts(pages + ("articles/new/index.html",))
    assert [name for name in parts if parts[name] != more[name]] == [
        next(name for name, listed in more.items() if "articles/new/index.html" in listed)]
    assert render.sitemap_parts(pages[:10_000]) == {}  # a small site has one sitemap


def test_no_part_of_the_sitemap_passes_the_protocols_limit(monkeypatch):
    from newsarchive import render
    monkeypatch.setattr(render, "SITEMAP_MOST", 5_000)  # as if pages bunched into a few parts
    pages = tuple(f"articles/a{n}/index.html" for n in range(25_000))
    parts = render.sitemap_parts(pages)
    assert max(map(len, parts.values())) <= 5_000 and sorted(p for part in parts.values() for p in part) == sorted(pages)
