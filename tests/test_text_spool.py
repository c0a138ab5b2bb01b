"""A one-off build keeps the texts of the articles it parses in a file of its own while it runs
(buildstate.TextSpool), not in memory: the site it makes is the one a build holding them in
memory makes, the file is gone when the build ends, and the loaded archive holds no text."""

from __future__ import annotations

import sys
import tracemalloc
from pathlib import Path

import pytest

from newsarchive import pipeline
from newsarchive.buildstate import StoredArticle, TextSpool
from newsarchive.config import load_config
from newsarchive.load import load_archive
from newsarchive.model import BuildError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from archive import Generator  # noqa: E402


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def _spools(project: Path) -> list[Path]:
    return sorted(project.rglob("*.texts"))


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("spool") / "archive"
    Generator(3, actors=40).write(root, 90)
    return root


def test_a_one_off_build_makes_the_site_a_build_holding_texts_makes_and_leaves_no_spool(archive, tmp_path):
    config = load_config(archive / "config.yaml")
    # Pages made in forked workers read their articles' texts from the spool.
    pipeline.build(config, workers=2, parallel_min=1)
    one_off = _files(config.output)
    assert _spools(archive) == []
    held = load_config(archive / "config.yaml", output_override=str(tmp_path / "held"))
    pipeline.build(held, workers=2, parallel_min=1, memory=pipeline.BuildMemory())
    assert _files(held.output) == one_off
    # and each article page shows its text
    first = sorted((archive / "articles").glob("article-*.md"))[0]
    paragraph = first.read_text(encoding="utf-8").split("---\n", 2)[2].strip().split("\n\n")[1]
    assert paragraph.split("\n")[0][:60] in one_off[f"articles/{first.stem}/index.html"].decode()


def test_a_rebuild_after_an_edit_reads_the_edited_text_from_the_spool_and_the_others_from_the_state(archive):
    config = load_config(archive / "config.yaml")
    pipeline.build(config)
    path = sorted((archive / "articles").glob("article-*.md"))[5]
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original + "\nA paragraph added by hand to the end of the text.\n", encoding="utf-8")
        pipeline.build(config)
        page = (config.output / "articles" / path.stem / "index.html").read_text(encoding="utf-8")
        assert "A paragraph added by hand to the end of the text." in page
        assert _spools(archive) == []
    finally:
        path.write_text(original, encoding="utf-8")
        pipeline.build(config)


def test_a_failed_build_removes_its_spool_and_writes_no_site(archive, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    Generator(3, actors=40).write(broken / "archive", 12)
    project = broken / "archive"
    article = sorted((project / "articles").glob("article-*.md"))[3]
    article.write_text(article.read_text(encoding="utf-8").replace("date: ", "date: not-a-date-", 1), encoding="utf-8")
    config = load_config(project / "config.yaml")
    with pytest.raises(BuildError):
        pipeline.build(config)
    assert _spools(project) == []
    assert not config.output.exists()


def test_articles_loaded_with_a_spool_hold_no_text_in_memory(archive, tmp_path):
    def loaded_size(spool):
        tracemalloc.start()
        try:
            loaded, problems = load_archive(archive / "articles", archive, workers=1, spool=spool)
            loaded.articles[0].body  # a spool writes what it gathered (at most a megabyte) before a read
            size = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        assert loaded is not None, problems
        return loaded, size

    plain, plain_size = loaded_size(None)
    spool = TextSpool(tmp_path / "texts")
    try:
        spooled, spooled_size = loaded_size(spool)
        texts = sum(len(article.body) + sum(map(len, article.paragraphs)) for article in plain.articles)
        assert plain_size - spooled_size > 0.8 * texts
        # Asked for, the texts are the ones parsed, read again each time rather than kept.
        assert all(isinstance(article, StoredArticle) for article in spooled.articles)
        assert [(a.body, a.paragraphs) for a in spooled.articles] == [(a.body, a.paragraphs) for a in plain.articles]
        assert spooled.articles == plain.articles
        assert all("_text_read" not in vars(article) for article in spooled.articles)
    finally:
        spool.close()
    assert not (tmp_path / "texts").exists()
