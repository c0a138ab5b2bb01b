"""search: the Pagefind bundle is the same however the pages reach it, and the same every run."""

import json

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


def test_shards_are_a_power_of_two_of_at_most_shard_size_pages_and_stay_put():
    assert [search.shard_count(n) for n in (0, 1, 250, 251, 500, 501, 10_000, 16_000, 16_001)] == \
        [1, 1, 1, 2, 2, 4, 64, 64, 128]
    paths = [f"articles/a{i}/index.html" for i in range(1200)]
    groups = search.shards(paths)
    assert len(groups) == 8 and sorted(p for g in groups for p in g) == sorted(paths)
    assert search.shards(list(reversed(paths))) == groups  # by address only, not by order
    # A page stays in its part while the number of parts stays the same.
    where = {path: n for n, group in enumerate(groups) for path in group}
    grown = search.shards(paths + [f"articles/b{i}/index.html" for i in range(700)])
    assert all(where[path] == n for n, group in enumerate(grown) for path in group if path in where)


def test_a_later_part_carries_only_its_index_data():
    first = {f.path for f in search.index_shard(_pages(6), 0)}
    later = {f.path for f in search.index_shard(_pages(6), 3)}
    assert "pagefind/pagefind.js" in first and "pagefind/pagefind-worker.js" in first
    assert any(p.startswith("pagefind/wasm.") for p in first)
    assert "pagefind-3/pagefind-entry.json" in later
    kinds = {p.rsplit(".", 1)[1] for p in later}
    assert kinds == {"json", "pf_meta", "pf_index", "pf_filter", "pf_fragment"}, kinds
    assert {p.split("/", 1)[1] for p in later} <= {p.split("/", 1)[1] for p in first}


def test_a_kept_pagefind_process_makes_the_same_parts_as_fresh_ones():
    fresh = [search.index_shard(_pages(5), 1), search.index_shard(_pages(7), 2)]
    service = search.Service()
    try:
        kept = [search.index_shard(_pages(5), 1, service), search.index_shard(_pages(7), 2, service)]
        again = search.index_shard(_pages(5), 1, service)  # the earlier index was deleted, not reused
    finally:
        service.close()
    assert kept == fresh and again == fresh[0]
