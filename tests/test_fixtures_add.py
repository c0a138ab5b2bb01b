"""Issue 3's acceptance test: on a copy of the archive, `add` each fixture capture, build, and
check the pages against the fixture's expected metadata.

The fixtures (tests/fixtures/captures/) are news-like pages from invented outlets, each with an
`.expected.yaml` written by hand from its text: a wire agency's own page, a newspaper reprinting
it, a partial copy of an archived article, a translation credit, a page with reader comments, a
page whose header prints a capture-day date, and a page with no date at all.
"""

import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT, quiet, run_build
from newsarchive.cli import main
from newsarchive.load import load_archive
from newsarchive.text import fold_for_search

FIXTURES = Path(__file__).parent / "fixtures" / "captures"
# The wire agency's page goes in before the page that reprints it, as a user would add them.
ORDER = ["wire-original", "wire-reprint", "partial-copy", "translation-credit", "comments", "chrome-date",
         "no-date"]


def expected(name: str) -> dict:
    return yaml.safe_load((FIXTURES / f"{name}.expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("archive")
    for folder in ("articles", "templates", "static"):
        shutil.copytree(PROJECT / folder, root / folder)
    shutil.copy(PROJECT / "config.yaml", root / "config.yaml")
    for name in ORDER:
        code = quiet(main, ["--config", str(root / "config.yaml"), "add", str(FIXTURES / f"{name}.txt"),
                            "--url", expected(name)["url"]])
        assert code == 0, name
    result = run_build(root)
    assert result.code == 0, result.err
    archive, problems = load_archive(root / "articles", root)
    assert archive is not None, [p.format() for p in problems]
    return root, root / "_site", archive


def test_every_fixture_has_expectations():
    assert sorted(p.stem for p in FIXTURES.glob("*.txt")) == sorted(ORDER)


def _article(archive, name):
    slug = expected(name)["slug"]
    found = [a for a in archive.articles if a.slug == slug]
    assert found, f"{name}: no article {slug}; have {[a.slug for a in archive.articles]}"
    return found[0]


@pytest.mark.parametrize("name", ORDER)
def test_metadata_matches_expectations(site, name):
    _, _, archive = site
    want, article = expected(name), _article(archive, name)
    assert article.title == want["title"]
    want_date = None if want["date"] is None else str(want["date"])
    assert (article.date.iso, article.date.precision) == (want_date, want["date_precision"])
    for words in want.get("date_evidence_mentions", []):
        assert words in article.date.evidence
    assert article.publisher == want["publisher"]
    if want["original"] is None:
        assert article.original is None
    else:
        assert article.original is not None
        assert (article.original.source, article.original.article, article.original.relation) == \
            (want["original"]["source"], want["original"]["article"], want["original"]["relation"])
    if "credit" in want:
        assert article.credit == want["credit"]
    assert set(article.people) == set(want["people"])
    for claim in want["claims"]:
        matching = [c for c in article.claims if fold_for_search(claim["quote"]) in fold_for_search(c.quote)]
        assert matching, f"{name}: no claim quoting {claim['quote']!r}"
        assert matching[0].speaker == claim["speaker"], (name, claim["quote"])
        if "stance" in claim:
            assert matching[0].stance == claim["stance"]


@pytest.mark.parametrize("name", ORDER)
def test_registry_proposals(site, name):
    _, _, archive = site
    want = expected(name)
    for source_id, source in want["new_sources"].items():
        assert archive.sources[source_id].name == source["name"]
        assert archive.sources[source_id].kind == source["kind"]
        assert list(archive.sources[source_id].domains) == source["domains"]
    for actor_id, actor_name in want["new_actors"].items():
        assert archive.actors[actor_id].name == actor_name


@pytest.mark.parametrize("name", ORDER)
def test_body_is_the_article_only(site, name):
    root, _, archive = site
    want, article = expected(name), _article(archive, name)
    for words in want["body_includes"]:
        assert words in article.body, (name, words)
    for words in want["body_excludes"]:
        assert words not in article.body, (name, words)
    capture = (root / "articles" / article.capture).read_bytes()
    assert capture == (FIXTURES / f"{name}.txt").read_bytes()  # kept byte for byte
    folded = fold_for_search(capture.decode("utf-8"))
    for paragraph in article.paragraphs:
        assert fold_for_search(paragraph) in folded


@pytest.mark.parametrize("name", ORDER)
def test_pages_link_the_article_everywhere(site, name):
    _, out, archive = site
    want, article = expected(name), _article(archive, name)
    link = f"../../articles/{article.slug}/index.html"
    page = (out / "articles" / article.slug / "index.html").read_text(encoding="utf-8")
    for actor_id in want["people"]:
        assert link in (out / "actors" / actor_id / "index.html").read_text(encoding="utf-8"), actor_id
    assert link in (out / "sources" / want["publisher"] / "index.html").read_text(encoding="utf-8")
    if want["original"]:
        credited = (out / "sources" / want["original"]["source"] / "index.html").read_text(encoding="utf-8")
        copies = credited.split("Articles that copy")[1].split("<h2>")[0]
        assert link in copies
    relations = json.loads((out / "data" / "reprints.json").read_text(encoding="utf-8"))
    copied = {r["original"] for r in relations if r["copy"] == article.slug}
    assert set(want["reprint_of"]) <= copied
    for original in want["reprint_of"]:
        assert f"../../articles/{original}/index.html" in page.split('id="reprints-heading"')[1]
        back = (out / "articles" / original / "index.html").read_text(encoding="utf-8")
        assert link in back.split('id="reprints-heading"')[1]
