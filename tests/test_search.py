"""search: what a page gives the index, the index's files (the same every run, its words found
across files), the small index of changed pages, what the large one must leave out, and the
merge into the large one."""

import json
import shutil

import pytest

from conftest import SEED_SLUGS, run_build, search_postings
from newsarchive import search
from newsarchive.model import OutputFile


def _page(i, body="Haftar asked Moscow for arms"):
    return OutputFile(f"articles/a{i}/index.html", (
        f'<html lang="en"><body><nav>Menu</nav><article data-search-body>'
        f'<div hidden data-search-ignore><span data-search-meta="date">{i} May</span>'
        f'<span data-search-sort="date">2017-05-{30 - i:02}</span>'
        f'<span data-search-filter="year">{2016 + i % 3}</span>'
        f'<span data-search-filter="actor">Khalifa Haftar</span><span data-search-filter="actor">Lev Dengov</span></div>'
        f'<header data-search-words><h1>Title <em>{i}</em></h1><p>Outlet {i}</p></header>'
        f'<p>{body}, report {i}.</p></article></body></html>').encode())


def _pages(n):
    return [_page(i) for i in range(n)] + [OutputFile("index.html", b"<html><body>not indexed</body></html>")]


def _build(pages, folder="f", workers=1):
    """The index of the searchable pages, in document order: its manifest and its files."""
    contents = {page.path: page.content for page in pages if search.BODY_MARK in page.content}
    paths = [path for _, path in sorted(search.sort_key(path, content) for path, content in contents.items())]
    files = search.Files()
    manifest = search.build_index(paths, contents.__getitem__, folder, files, workers)
    return manifest, files.made


def _lookup(files, folder, manifest, word):
    """The postings of a word, found as the search page finds it: by the first words of the files."""
    number = max(i for i, first in enumerate(manifest["words"]) if first <= word)
    chunk = json.loads(files[f"{folder}/words/{number}.json"])
    return search_postings(chunk["postings"][chunk["words"].index(word)]) if word in chunk["words"] else []


def test_a_page_gives_its_title_text_fields_and_hidden_words():
    document = search.read_page("a/index.html", (
        '<html><head><title>Not read</title></head><body><nav>Menu</nav><article data-search-body>'
        '<div hidden data-search-ignore><span data-search-meta="publisher">Al &amp; Co</span>'
        '<span data-search-filter="actor">Lev Dengov</span><span>Ignored<div>nested</div></span></div>'
        '<header data-search-words><h1>Quokka &amp; <b>Wombat</b></h1></header>'
        '<img data-search-ignore src="x.png"><p>“Numbat,” he said <a href="x">here</a>.</p>'
        '<p hidden data-search-words>Lev Dengov.</p><p>Bilby</p></article></body></html>').encode())
    assert document.title == "Quokka & Wombat"
    assert document.publisher == "Al & Co" and document.filters == {"actor": ("Lev Dengov",)}
    assert document.text == "“Numbat,” he said here. Bilby"  # no menu, nothing ignored, no hidden words
    assert document.words == "Quokka & Wombat Lev Dengov."
    assert search.read_page("index.html", b"<html><body>not indexed</body></html>") is None


def test_words_are_folded_as_the_search_page_folds_them():
    assert search.words_of("Ḥaftar’s ÉLAN, co-operation; ﬁle ２０１７") == ["haftar", "s", "elan", "co", "operation",
                                                                          "file", "2017"]
    # Vowel points are taken off (a word is found with or without them); an Indic word's
    # spacing vowel signs stay in it, so that it is one word, not its consonants.
    assert search.words_of("كَتَبَ") == search.words_of("كتب") == ["كتب"]
    assert search.words_of("שָׁלוֹם") == search.words_of("שלום")
    assert search.words_of("हिन्दी भाषा") == ["हिनदी", "भाषा"]
    # Chinese and Japanese have no spaces: a character is a word.
    assert search.words_of("北京时间 ひらがなカナ 한국어 abc") == ["北", "京", "时", "间", "ひ", "ら", "が", "な", "カ", "ナ",
                                                          "한국어", "abc"]


def test_the_index_numbers_documents_oldest_first_and_is_repeatable():
    manifest, files = _build(_pages(12))
    assert manifest["documents"] == 12  # index.html has no data-search-body
    # Dated 30 - i May: the last page is the oldest, document 0.
    assert json.loads(files["f/docs/0.json"])["url"] == "articles/a11/index.html"
    assert json.loads(files["f/docs/11.json"]) == {
        "url": "articles/a0/index.html", "title": "Title 0", "date": "0 May", "publisher": "",
        "filters": {"actor": ["Khalifa Haftar", "Lev Dengov"], "year": ["2016"]},
        "text": "Haftar asked Moscow for arms, report 0."}
    assert _build(_pages(12)) == (manifest, files)


def test_worker_processes_make_the_same_index(monkeypatch):
    monkeypatch.setattr(search, "PARALLEL_MIN", 2)
    monkeypatch.setattr(search, "CHUNK_BYTES", 60)
    pages = [_page(i, f"Moscow {'and Tripoli ' * (i % 3)}word{i % 4}") for i in range(60)]
    assert _build(pages, workers=3) == _build(pages)
    monkeypatch.setattr(search, "SEGMENT_MOST", 7)  # segments cut short: many more of them, the same index
    assert _build(pages, workers=2) == _build(pages)


def test_postings_carry_each_document_and_count_and_titles_count_more():
    pages = [_page(0, "Moscow and Moscow again, Moscow"), _page(1, "Tripoli"), _page(2, "Moscow")]
    manifest, files = _build(pages)
    # Documents by date: a2 (28 May) is 0, a1 is 1, a0 is 2; a0 says Moscow three times.
    assert _lookup(files, "f", manifest, "moscow") == [(0, 1), (2, 3)]
    assert _lookup(files, "f", manifest, "title") == [(0, 3), (1, 3), (2, 3)]  # search.TITLE_WEIGHT
    assert _lookup(files, "f", manifest, "outlet") == [(0, 1), (1, 1), (2, 1)]  # the hidden words count
    assert _lookup(files, "f", manifest, "haftar") == []  # filters are not words
    assert _lookup(files, "f", manifest, "menu") == []
    filters = json.loads(files["f/filters.json"])
    assert filters["actor"] == [["Khalifa Haftar", 3, 0], ["Lev Dengov", 3, 1]]
    assert search_postings(json.loads(files["f/filters/0.json"])) == [(0, 1), (1, 1), (2, 1)]


def test_words_are_split_into_files_in_order_and_each_word_is_found(monkeypatch):
    monkeypatch.setattr(search, "CHUNK_BYTES", 30)
    pages = [_page(i, f"Zebra{i} yak{i} ängström élan ÿ 𝔸lpha ￦on") for i in range(20)]
    manifest, files = _build(pages)
    firsts = manifest["words"]
    assert len(firsts) > 10 and firsts == sorted(firsts, key=lambda word: word.encode("utf-16-be"))
    everything = []
    for number in range(len(firsts)):
        everything += json.loads(files[f"f/words/{number}.json"])["words"]
    assert everything == sorted(everything, key=lambda word: word.encode("utf-16-be"))
    for word in everything:
        assert _lookup(files, "f", manifest, word), word


# --- the small index in a build ---------------------------------------------------------------


def _search_files(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted((site / "search").rglob("*"))
            if p.is_file() and p.name != "index.html"}


def _recent(site):
    return json.loads((site / search.RECENT_LIST).read_text(encoding="utf-8"))


def _urls(site, folder):
    return sorted(json.loads(p.read_text(encoding="utf-8"))["url"] for p in (site / folder / "docs").iterdir())


def _number_of(site, page):
    return next(int(p.stem) for p in (site / search.BASE / "docs").iterdir()
                if json.loads(p.read_text(encoding="utf-8"))["url"] == page)


def _nothing_left_out(recent):
    return recent["recent"] is None and not recent["hidden"] and not recent["uncount"]


def _edit(project, key, words):
    with open(project / "articles" / f"{SEED_SLUGS[key]}.md", "a", encoding="utf-8") as article:
        article.write(f"\n{words}\n")


@pytest.fixture
def small_indexes(monkeypatch):
    """The five seeds are far fewer than an archive needs for a small index; here they get one."""
    monkeypatch.setattr(search, "WHOLE_MAX", 0)
    monkeypatch.setattr(search, "RECENT_MAX", 2)


def test_changed_pages_go_to_the_small_index_and_the_large_one_is_kept(project, small_indexes, built):
    large = {p: c for p, c in _search_files(built).items() if p.startswith(search.BASE + "/")}
    assert _nothing_left_out(_recent(built))
    page = f"articles/{SEED_SLUGS['003']}/index.html"
    number = _number_of(built, page)
    _edit(project, "003", "Zanzibar was mentioned.")
    result = run_build(project)
    assert result.code == 0, result.err
    assert "search index: 1 of 2 indexes redone" in result.out
    assert {p: c for p, c in _search_files(built).items() if p.startswith(search.BASE + "/")} == large
    recent = _recent(built)
    assert recent["recent"]["documents"] == 1 and recent["hidden"] == [number]
    assert recent["uncount"]["year"] == {"2016": 1} and "source" in recent["uncount"]
    assert recent["recent"]["places"] == [number - 0.5]  # listed where the old one was
    assert _urls(built, search.RECENT) == [page]
    # No change: nothing is made again.
    again = run_build(project)
    assert "search index: 0 of 2 indexes redone" in again.out and " 0 written" in again.out


def test_the_small_index_is_merged_into_the_large_one_past_its_bound(project, small_indexes, built, tmp_path):
    for key in ("001", "002"):  # two pages changed: the bound, still a small index
        _edit(project, key, f"Edit of {key}.")
        assert run_build(project).code == 0
        assert _recent(built)["recent"]
    assert len(_urls(built, search.RECENT)) == 2
    _edit(project, "004", "A third edit.")  # three: past the bound, merged
    result = run_build(project)
    assert result.code == 0 and "search index: 1 of 1 indexes redone" in result.out
    assert _nothing_left_out(_recent(built))
    assert not (built / search.RECENT).exists()
    # The merged index is what a clean build of the same archive makes, byte for byte.
    clean = tmp_path / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("_site", ".cache"))
    assert run_build(clean, "--full").code == 0
    assert _search_files(built) == _search_files(clean / "_site")


def test_a_deleted_page_is_hidden_and_its_filters_uncounted(project, small_indexes, built):
    page = f"articles/{SEED_SLUGS['004']}/index.html"
    number = _number_of(built, page)
    (project / "articles" / f"{SEED_SLUGS['004']}.md").unlink()
    result = run_build(project)
    assert result.code == 0, result.err
    recent = _recent(built)
    assert recent["hidden"] == [number] and recent["recent"] is None  # nothing new to index
    assert sum(sum(values.values()) for values in recent["uncount"].values()) >= 2
    assert (built / search.BASE / "docs" / f"{number}.json").exists()  # the large index is kept


def test_small_archives_are_indexed_whole_as_a_clean_build_is(project, built):
    _edit(project, "003", "Zanzibar was mentioned.")
    result = run_build(project)
    assert "search index: 1 of 1 indexes redone" in result.out
    assert _nothing_left_out(_recent(built))


def test_damaged_index_files_make_the_large_index_again(project, small_indexes, built):
    _edit(project, "003", "Zanzibar was mentioned.")
    assert run_build(project).code == 0
    (built / search.BASE / "docs" / "0.json").unlink()
    result = run_build(project)
    assert result.code == 0 and "search index: 1 of 1 indexes redone" in result.out
    assert (built / search.BASE / "docs" / "0.json").exists() and _nothing_left_out(_recent(built))


def test_an_article_template_of_an_older_version_is_named_when_search_finds_nothing(project):
    template = project / "templates" / "article.html"
    template.write_text(template.read_text(encoding="utf-8").replace("data-search-", "data-pagefind-"),
                        encoding="utf-8")
    result = run_build(project)
    assert result.code == 0, result.err
    assert "no article page is marked data-search-body" in result.err and "data-pagefind-*" in result.err
    assert json.loads((project / "_site" / search.BASE / "index.json").read_text(encoding="utf-8"))["documents"] == 0
