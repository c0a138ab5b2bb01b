"""bench/preview.py: serve shows an edit in a real browser, and the benchmark says how soon."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

import pytest

from browser import require_browser
from conftest import PROJECT


def test_preview_benchmark_times_edits_shown_in_the_browser(tmp_path):
    require_browser()
    result = subprocess.run(
        [sys.executable, str(PROJECT / "bench" / "preview.py"), "--articles", "20", "--actors", "100",
         "--runs", "2", "--workdir", str(tmp_path), "--timeout", "120"],
        capture_output=True, text=True, timeout=400)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout  # progress goes to stderr only
    figures = json.loads(lines[0])
    assert figures["articles"] == 20 and figures["runs"] == 2
    assert len(figures["each_s"]) == 2 and all(0 < t < 120 for t in figures["each_s"])
    assert figures["edit_shown_s"] == pytest.approx(statistics.median(figures["each_s"]), abs=0.002)
    # serve rebuilt once for each edit, and said how long it took
    assert all(isinstance(t, float) and 0 < t < 120 for t in figures["rebuild_s"]), figures
    assert list(tmp_path.iterdir()) == []  # the temporary archive is removed
