"""bench/search.py: the search page timed in a real browser with network latency, as a reader
types; and the search stage of rebuilds. A small archive here; bench/README.md has the large ones."""

from __future__ import annotations

import json
import subprocess
import sys

from browser import require_browser
from conftest import PROJECT


def _bench(*args: str) -> dict:
    result = subprocess.run([sys.executable, str(PROJECT / "bench" / "search.py"), *args],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout  # progress goes to stderr only
    return json.loads(lines[0])


def test_search_benchmark_measures_the_page_as_a_reader_types(tmp_path):
    require_browser()
    figures = _bench("--articles", "40", "--workdir", str(tmp_path), "--runs", "1")
    assert figures["articles"] == 40 and not figures["needs_enter"]  # results come as the reader types
    assert "found for" in figures["status"]
    # The bounds: at most 10 requests to load the page, 30 for a query.
    assert figures["load_requests"] <= 10 and figures["query_requests"] <= 30, figures
    assert 0 < figures["first_results_s"] < 10
    rebuilds = _bench("--rebuild", str(tmp_path / "archive-40"))
    assert {"edit_s", "add_s", "delete_s", "edit_search_s"} <= set(rebuilds)
    assert rebuilds["delete_indexes_redone"] == "1 of 1"  # a small archive is indexed whole
