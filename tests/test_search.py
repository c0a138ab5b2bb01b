"""search: the Pagefind bundle is the same however the pages reach it, and the same every run."""

from newsarchive import search
from newsarchive.model import OutputFile


def _pages(n):
    return [OutputFile(f"articles/a{i}/index.html",
                       f'<html lang="en"><body><article data-pagefind-body><h1>Title {i}</h1>'
                       f'<span data-pagefind-filter="year">{2016 + i % 3}</span>'
                       f'<p>Haftar asked Moscow for arms, report {i}.</p></article></body></html>'.encode())
            for i in range(n)] + [OutputFile("index.html", b"<html><body>not indexed</body></html>")]


def test_indexer_fed_page_by_page_matches_index_pages_and_is_repeatable():
    pages = _pages(40)
    whole = search.index_pages(pages)
    with search.Indexer() as indexer:
        for page in pages:
            indexer.add(page)
        fed = indexer.finish()
    assert [(f.path, f.content) for f in whole] == [(f.path, f.content) for f in fed]
    assert any(f.path.endswith(".pf_filter") for f in whole)
    assert search.index_pages(pages) == whole
