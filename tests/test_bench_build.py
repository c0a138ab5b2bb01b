"""bench/build.py runs end to end on a small archive and prints one complete JSON line."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys

import pytest

from conftest import PROJECT

BENCH = PROJECT / "bench" / "build.py"
TIMES = ("full_s", "noop_s", "add_one_s", "edit_one_s")


def _bench(tmp_path, *extra: str) -> dict:
    result = subprocess.run(
        [sys.executable, str(BENCH), "--articles", "30", "--actors", "200", "--runs", "1",
         "--workdir", str(tmp_path), *extra],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout  # progress goes to stderr only
    assert list(tmp_path.iterdir()) == []  # the temporary folder is removed
    return json.loads(lines[0])


def _check_common(figures: dict) -> None:
    assert figures["articles"] == 30
    assert figures["actors"] == 200
    assert figures["runs"] == 1
    # a page per article, per actor and per source of the registries, and lists
    assert figures["pages"] > figures["articles"]
    for key in TIMES:
        assert 0 < figures[key] < 120, key
    assert 10 < figures["peak_mb"] < 4000
    assert isinstance(figures["load_avg"], (int, float))  # the machine's load when it started


def test_bench_build_prints_every_figure(tmp_path):
    """One run, against Hugo too when it is installed (one run keeps the test short)."""
    with_hugo = shutil.which("hugo") is not None
    figures = _bench(tmp_path, *(["--vs-hugo"] if with_hugo else []))
    _check_common(figures)
    if not with_hugo:
        assert "hugo_s" not in figures
        pytest.skip("hugo not installed (apt-get install -y hugo): the Hugo comparison was not checked")
    assert figures["hugo_s"] > 0
    assert figures["vs_hugo_ratio"] == pytest.approx(figures["full_s"] / figures["hugo_s"], rel=0.01)
    assert figures["hugo_pages"] > figures["articles"]


def _bench_module():
    """bench/build.py as a module (a file name shared with the top-level build.py)."""
    spec = importlib.util.spec_from_file_location("bench_build", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_build_fails_loudly_when_a_build_fails(tmp_path, monkeypatch, capsys):
    """A broken archive (an article naming an unknown actor) stops the benchmark with status 1."""
    bench = _bench_module()

    def broken(folder, articles, seed, actors):
        held = original(folder, articles, seed, actors)
        path = folder / "articles" / "article-000000.md"
        path.write_text(path.read_text(encoding="utf-8").replace("people: [", "people: [nobody-at-all, "),
                        encoding="utf-8")
        return held

    original = bench.make_archive
    monkeypatch.setattr(bench, "make_archive", broken)
    code = bench.main(["--articles", "3", "--actors", "50", "--runs", "1", "--workdir", str(tmp_path)])
    assert code == 1
    err = capsys.readouterr().err
    assert "full build failed (exit status 1)" in err and "nobody-at-all" in err


def test_an_article_edited_by_many_runs_keeps_changing(tmp_path):
    """The benchmark's edit rewrites words earlier edits wrote once the plain ones run out, so
    an archive benchmarked again and again still gets a real edit; the same edit twice is refused."""
    bench = _bench_module()
    path = tmp_path / "article.md"
    path.write_text('---\ntitle: "T"\n---\n# T\n\nThe first paragraph stays as it is.\n\nThe last one has few words left\n',
                    encoding="utf-8")
    for run in range(40):
        before = path.read_text(encoding="utf-8")
        bench.edit_article(path, 1000 + run)
        assert path.read_text(encoding="utf-8") != before and f"edited{1000 + run}x0" in path.read_text()
    with pytest.raises(bench.BenchError, match="changed nothing"):
        bench.edit_article(path, 1039)
