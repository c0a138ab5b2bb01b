"""search: the Pagefind bundle is the same every run; the small index of changed pages, its
list of what the large one must leave out, and its merge into the large one."""

import gzip
import json
import shutil

import pytest

from conftest import SEED_SLUGS, run_build
from newsarchive import search
from newsarchive.model import OutputFile


def _pages(n):
    return [OutputFile(f"articles/a{i}/index.html",
                       f'<html lang="en"><body><article data-pagefind-body><h1>Title {i}</h1>'
                       f'<span data-pagefind-filter="year">{2016 + i % 3}</span>'
                       f'<p>Haftar asked Moscow for arms, report {i}.</p></article></body></html>'.encode())
            for i in range(n)] + [OutputFile("index.html", b"<html><body>not indexed</body></html>")]


def test_index_holds_the_marked_pages_only_and_is_repeatable():
    pages = _pages(40)
    whole = search.index_pages(pages)
    entry = json.loads(next(f.content for f in whole if f.path == "pagefind/pagefind-entry.json"))
    assert entry["languages"]["en"]["page_count"] == 40  # index.html carries no data-pagefind-body
    assert len([f for f in whole if f.path.endswith(".pf_fragment")]) == 40  # one result a page
    assert any(f.path.endswith(".pf_filter") for f in whole)  # the year filter
    assert search.index_pages(pages) == whole


def test_a_kept_pagefind_process_makes_the_same_indexes_as_fresh_ones():
    fresh = [search.index_recent(_pages(5)), search.index_pages(_pages(7))]
    service = search.Service()
    try:
        kept = [search.index_recent(_pages(5), service), search.index_pages(_pages(7), service)]
        again = search.index_recent(_pages(5), service)  # the earlier index was deleted, not reused
    finally:
        service.close()
    assert kept == fresh and again == fresh[0]


def test_the_small_index_carries_only_its_index_data():
    files = {f.path for f in search.index_recent(_pages(6))}
    assert f"{search.RECENT}/pagefind-entry.json" in files
    assert {p.rsplit(".", 1)[1] for p in files} == {"json", "pf_meta", "pf_index", "pf_filter", "pf_fragment"}
    assert all(p.startswith(search.RECENT + "/") for p in files)


def test_result_ids_name_each_page_s_fragment():
    files = search.index_pages(_pages(3))
    ids = search.result_ids(files)
    assert sorted(ids) == [f"articles/a{i}/index.html" for i in range(3)]
    assert {f"pagefind/fragment/{i}.pf_fragment" for i in ids.values()} == \
        {f.path for f in files if f.path.endswith(".pf_fragment")}


# --- the small index in a build ---------------------------------------------------------------

def _search_files(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.relative_to(site).parts[0].startswith("pagefind")}


def _recent(site):
    return json.loads((site / search.RECENT_LIST).read_text(encoding="utf-8"))


def _fragment_url(site, result_id, folder="pagefind"):
    raw = gzip.decompress((site / folder / "fragment" / f"{result_id}.pf_fragment").read_bytes())
    return json.loads(raw[len(b"pagefind_dcd"):])["url"]


def _small_index_pages(site):
    """The pages of the small index (its lexicon record left out)."""
    return sorted(url for url in (_fragment_url(site, f.stem, search.RECENT)
                                  for f in (site / search.RECENT / "fragment").iterdir())
                  if url != search.LEXICON_URL)


def _nothing_left_out(recent):
    return not recent["index"] and not recent["hidden"] and not recent["uncount"]


def _edit(project, key, words):
    with open(project / "articles" / f"{SEED_SLUGS[key]}.md", "a", encoding="utf-8") as article:
        article.write(f"\n{words}\n")


@pytest.fixture
def small_indexes(monkeypatch):
    """The five seeds are far fewer than an archive needs for a small index; here they get one."""
    monkeypatch.setattr(search, "WHOLE_MAX", 0)
    monkeypatch.setattr(search, "RECENT_MAX", 2)


def test_changed_pages_go_to_the_small_index_and_the_large_one_is_kept(project, small_indexes, built):
    large = {p: c for p, c in _search_files(built).items() if p.startswith("pagefind/")}
    assert _nothing_left_out(_recent(built))
    page = f"articles/{SEED_SLUGS['003']}/index.html"
    old_id = next(i for i in (f.stem for f in (built / "pagefind" / "fragment").iterdir())
                  if _fragment_url(built, i) == "/" + page)
    _edit(project, "003", "Zanzibar was mentioned.")
    result = run_build(project)
    assert result.code == 0, result.err
    assert "search index: 1 of 2 parts redone" in result.out
    assert {p: c for p, c in _search_files(built).items() if p.startswith("pagefind/")} == large
    recent = _recent(built)
    assert recent["index"] and recent["hidden"] == [old_id]
    assert recent["uncount"]["year"] == {"2016": 1} and "source" in recent["uncount"]
    assert _small_index_pages(built) == ["/" + page]
    assert recent["lexicon"] and recent["parts"] == 1  # the lexicon records, which the page leaves out
    # No change: nothing is made again.
    again = run_build(project)
    assert "search index: 0 of 2 parts redone" in again.out and " 0 written" in again.out


def test_the_small_index_is_merged_into_the_large_one_past_its_bound(project, small_indexes, built, tmp_path):
    for key in ("001", "002"):  # two pages changed: the bound, still a small index
        _edit(project, key, f"Edit of {key}.")
        assert run_build(project).code == 0
        assert _recent(built)["index"]
    assert len(_small_index_pages(built)) == 2
    _edit(project, "004", "A third edit.")  # three: past the bound, merged
    result = run_build(project)
    assert result.code == 0 and "search index: 1 of 1 parts redone" in result.out
    assert _nothing_left_out(_recent(built))
    assert not (built / search.RECENT / "fragment").exists()
    # The merged index is what a clean build of the same archive makes, byte for byte.
    clean = tmp_path / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("_site", ".cache"))
    assert run_build(clean, "--full").code == 0
    assert _search_files(built) == _search_files(clean / "_site")


def test_a_deleted_page_is_hidden_and_its_filters_uncounted(project, small_indexes, built):
    page = f"articles/{SEED_SLUGS['004']}/index.html"
    old_id = next(f.stem for f in (built / "pagefind" / "fragment").iterdir() if _fragment_url(built, f.stem) == "/" + page)
    (project / "articles" / f"{SEED_SLUGS['004']}.md").unlink()
    result = run_build(project)
    assert result.code == 0, result.err
    recent = _recent(built)
    assert recent["hidden"] == [old_id] and not recent["index"]  # nothing new to index
    assert sum(sum(values.values()) for values in recent["uncount"].values()) >= 2
    assert (built / "pagefind" / "fragment" / f"{old_id}.pf_fragment").exists()  # the large index is kept


def test_small_archives_are_indexed_whole_as_a_clean_build_is(project, built):
    _edit(project, "003", "Zanzibar was mentioned.")
    result = run_build(project)
    assert "search index: 1 of 1 parts redone" in result.out
    assert _nothing_left_out(_recent(built))


def test_parts_of_the_large_index_are_even_and_in_order(monkeypatch):
    monkeypatch.setattr(search, "PART_MAX", 4)
    paths = [f"p{i:02}" for i in range(10)]
    parts = search.split_parts(paths)
    assert [len(part) for part in parts] == [3, 3, 4] and sum(parts, []) == paths
    assert search.split_parts(paths[:4]) == [paths[:4]]


def test_a_large_index_in_parts_is_what_a_clean_build_makes(project, small_indexes, monkeypatch, tmp_path):
    monkeypatch.setattr(search, "PART_MAX", 2)
    assert run_build(project).code == 0
    built = project / "_site"
    recent = _recent(built)
    assert recent["parts"] == 3 and len(recent["lexicon"]) == 1  # one lexicon record, the same in each part
    folders = {p.split("/")[0] for p in _search_files(built)}
    assert folders == {"pagefind", "pagefind-1", "pagefind-2", search.RECENT}
    assert not (built / "pagefind-1" / "pagefind.js").exists()  # later parts run with the first one's code
    pages = sorted(_fragment_url(built, f.stem, folder) for folder in ("pagefind", "pagefind-1", "pagefind-2")
                   for f in (built / folder / "fragment").iterdir())
    assert pages.count(search.LEXICON_URL) == 3 and len(pages) == 3 + len(SEED_SLUGS)
    _edit(project, "003", "Zanzibar was mentioned.")
    result = run_build(project)
    assert "search index: 1 of 4 parts redone" in result.out
    assert _small_index_pages(built) == [f"/articles/{SEED_SLUGS['003']}/index.html"]
    for key in ("001", "002"):  # past the bound: merged, as a clean build makes it
        _edit(project, key, f"Edit of {key}.")
        assert run_build(project).code == 0
    clean = tmp_path / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("_site", ".cache"))
    assert run_build(clean, "--full").code == 0
    assert _search_files(built) == _search_files(clean / "_site")


def test_the_lexicon_holds_the_indexed_words_and_not_the_ignored_ones():
    page = ('<html><head><title>Not read</title></head><body><nav>Menu</nav><article data-pagefind-body>'
            '<h1>Quokka &amp; Wombat</h1><div hidden data-pagefind-ignore><span>Ignored<div>nested</div></span>'
            '<div>deeper</div></div><img data-pagefind-ignore src="x.png"><p>“Numbat,” he said.</p></article>'
            '</body></html>').encode()
    assert search.lexicon_of([page]) == "& he numbat quokka said wombat"
