"""Extraction measured against the five hand-checked seed articles (issue 3's targets)."""

from conftest import PROJECT, SEED_SLUGS, run_cli
from newsarchive.quality import format_report, measure


def test_extraction_meets_the_targets_on_the_checked_articles(capsys):
    report = measure(PROJECT / "articles", PROJECT)
    with capsys.disabled():
        print("\n" + format_report(report))
    assert len(report.rows) == 5
    assert report.meets_targets() == []
    scores = report.scores
    assert scores["date"] == scores["publisher"] == scores["original"] == 1.0
    assert scores["people_precision"] >= 0.9 and scores["people_recall"] >= 0.9
    assert scores["claim_speakers"] >= 0.8


def test_quality_command_without_corpus_measures_the_seeds():
    result = run_cli(["--config", str(PROJECT / "config.yaml"), "quality"])
    assert result.code == 0, result.err
    rows = [line for line in result.out.splitlines() if line.split(" ")[0] in SEED_SLUGS.values()]
    assert len(rows) == 5
    assert result.out.splitlines()[-1].endswith(": met")
