"""The Spark job (spark_reprints.py) gives exactly the in-process detector's relations.

One local SparkSession (local[2], few shuffle partitions) serves the whole module. Without
PySpark or Java the Spark tests are skipped, saying why; in CI (CI=true) they fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import PROJECT, run_build, spark_missing
from newsarchive import reprint_store, reprints
from newsarchive.load import load_archive

sys.path.insert(0, str(PROJECT / "bench"))
import synth  # noqa: E402

PARTITIONS = 3


@pytest.fixture(scope="module")
def spark():
    missing = spark_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI runs the Spark tests: {missing}")
        pytest.skip(f"Spark tests need PySpark and Java: {missing}")
    from newsarchive import spark_reprints
    session = spark_reprints.session("local[2]", PARTITIONS)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def seeds():
    archive, problems = load_archive(PROJECT / "articles", PROJECT)
    assert archive is not None, problems
    return archive


@pytest.fixture(scope="module")
def generated():
    """2,000 synthetic articles: copies full, partial and edited, credited or not, same-day and
    same-text, and same-topic articles sharing names, titles and footers (bench/synth.py)."""
    return synth.make_archive(2000, seed=3)


def _spark_detect(spark, articles, sources, **options):
    from newsarchive import spark_reprints
    frame = spark_reprints.articles_frame(spark, articles, PARTITIONS)
    return spark_reprints.detect(spark, frame, sources, **options)


def test_seeds_give_the_in_process_relations(spark, seeds):
    expected = reprints.detect(seeds.articles, sources=seeds.sources)
    found = _spark_detect(spark, seeds.articles, seeds.sources)
    assert expected and found.reprints == expected


def test_a_generated_archive_gives_the_in_process_relations_and_an_incremental_run_the_same(spark, generated,
                                                                                              tmp_path):
    from newsarchive import spark_reprints
    articles = generated.articles
    expected = reprints.detect(articles, sources=generated.sources)
    assert len(expected) > 800
    # The previous run saw 1,900 of the articles, 10 of them with another text; its index is
    # written as --out writes it.
    edited = {a.slug for a in articles[100:110]}
    before = [replace(a, paragraphs=a.paragraphs[:-1] + ("A paragraph of its own, added later.",))
              if a.slug in edited else a for a in articles[:1900]]
    code = b"test"
    first = _spark_detect(spark, before, generated.sources, code=code)
    assert first.reprints == reprints.detect(before, sources=generated.sources)
    spark_reprints.write_out(spark, first, tmp_path / "previous", code)
    again = _spark_detect(spark, articles, generated.sources, previous=tmp_path / "previous", code=code)
    assert again.reprints == expected
    assert again.counts["fingerprinted"] == 110  # new or changed texts only
    assert 0 < again.counts["aligned"] < again.counts["pairs"] / 2  # pairs of unchanged texts are not aligned again


def test_json_lines_and_parquet_inputs_give_what_the_folder_gives(spark, seeds, tmp_path):
    from newsarchive import spark_reprints
    rows = tmp_path / "articles.jsonl"
    rows.write_text("".join(json.dumps(spark_reprints.article_row(a)) + "\n" for a in seeds.articles),
                    encoding="utf-8")
    from_folder = _spark_detect(spark, seeds.articles, seeds.sources)
    from_rows = spark_reprints.detect(spark, spark_reprints.read_articles(spark, str(rows)), seeds.sources)
    assert from_rows.reprints == from_folder.reprints == reprints.detect(seeds.articles, sources=seeds.sources)
    # Parquet with only the four columns a corpus must have: the seeds' relation needs no front matter.
    table = tmp_path / "articles.parquet"
    spark.read.json(str(rows)).select("slug", "date", "publisher", "text").write.parquet(str(table))
    from_table = spark_reprints.detect(spark, spark_reprints.read_articles(spark, str(table)), seeds.sources)
    assert from_table.reprints == from_folder.reprints


def test_the_command_stores_relations_the_next_build_uses_for_the_same_site(spark, project, tmp_path):
    result = run_build(project, "reprints", "--engine", "spark", "--master", "local[2]",
                       "--partitions", str(PARTITIONS), "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    assert "1 reprint relations among 5 articles" in result.out
    store = project / ".cache" / reprint_store.STORE_FILE
    assert store.exists()
    built = run_build(project)
    assert built.code == 0, built.err
    # The build took the stored relations: it made no fingerprints of its own.
    assert not (project / ".cache" / "reprint-fingerprints.bin").exists()
    site_data = project / "_site" / "data" / "reprints.json"
    assert (tmp_path / "out" / "reprints.json").read_bytes() == site_data.read_bytes()
    # The same site as a build that detects in-process.
    other = tmp_path / "in-process"
    shutil.copytree(project, other, ignore=shutil.ignore_patterns(".cache", "_site"))
    assert run_build(other).code == 0
    assert _tree(project / "_site") == _tree(other / "_site")
    # Edited since the Spark run: the stored relations are stale, the build detects in-process.
    article = next((project / "articles").glob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    rebuilt = run_build(project)
    assert rebuilt.code == 0 and "made from other articles" in rebuilt.err
    assert (project / ".cache" / "reprint-fingerprints.bin").exists()


def test_without_pyspark_the_command_says_how_to_install_it(project):
    code = ("import sys; sys.modules['pyspark'] = None\n"
            "from newsarchive.cli import main\n"
            f"sys.exit(main(['--config', {str(project / 'config.yaml')!r}, 'reprints', '--engine', 'spark']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT)
    assert done.returncode == 1
    assert "pip install -e '.[spark]'" in done.stderr and "Traceback" not in done.stderr


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}
