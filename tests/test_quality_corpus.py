"""`build.py quality --corpus DIR`: extraction scored against a corpus with ground truth."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT, run_cli
from newsarchive import corpus_quality as cq
from newsarchive.extract import EXTRACTORS

# ../shared/corpus/ next to the main checkout (or next to the folder of worktrees).
_PLACES = [root / "shared" / "corpus" / "article-benchmark-dev" for root in (PROJECT.parent, PROJECT.parent.parent)]
DEV_CORPUS = next((place for place in _PLACES if place.is_dir()), _PLACES[0])
OWN_FIXTURE = Path(__file__).parent / "fixtures" / "own-corpus"
needs_dev_corpus = pytest.mark.skipif(not (DEV_CORPUS / "ground-truth.json").is_file(),
                                      reason="the development corpus is not here")

# The development corpus's 111 text captures and 111 saved pages are all scored (a few seconds
# each) against the targets of issues 12 and 13. Where a target is not yet met, the figure
# measured now is a floor, and says so.
DEV_TEXT_BODY_F1 = 0.93  # target; measured 0.937
DEV_TEXT_BODY_PRECISION = 0.93  # target; measured 0.948
DEV_TEXT_TITLES = 0.95  # target; measured 108 of 111 (0.97)
DEV_TEXT_WRONG_DATES = 0  # target
# One page prints "November 18, 2019 -- 19:14 GMT" under its headline while its JSON-LD, which
# only repeats its dateModified, says 19 November: scored "disputed" (judge.Gold.date_printed).
DEV_TEXT_DISPUTED_DATES = 1
DEV_HTML_BODY_F1 = 0.96  # target; measured 0.972
DEV_HTML_TITLES = 0.97  # target; measured 111 of 111

# The team's own corpus, tests/corpus/ (69 captures of 10 stories).
OWN_CORPUS = PROJECT / "tests" / "corpus"
OWN_TARGET = 0.95  # every field right on 95% of the captures; people measured 66 of 69 (0.957)


# --- the body score: the benchmark's shingles ----------------------------------------------------

ARTICLE = ("The council voted on Tuesday to close the old bridge to traffic for repairs that will last "
           "until the spring, the mayor said.")


def test_identical_bodies_score_one_and_disjoint_bodies_zero():
    assert cq.body_scores(ARTICLE, ARTICLE) == (1.0, 1.0)
    assert cq.body_scores(ARTICLE, "Completely different words about a football match won yesterday evening.") \
        == (0.0, 0.0)


def test_body_score_counts_extra_and_missing_text():
    half = "The council voted on Tuesday to close the old bridge to traffic"
    precision, recall = cq.body_scores(half, ARTICLE)
    assert precision == 1.0 and 0.3 < recall < 0.5
    # Repeated text counts twice: 20 shingles of the article in 43 of the doubled text.
    precision, recall = cq.body_scores(ARTICLE + " " + ARTICLE, ARTICLE)
    assert (precision, recall) == (20 / 43, 1.0)


def test_short_and_empty_bodies():
    assert cq.body_scores("Flood warning", "Flood warning") == (1.0, 1.0)  # fewer than 4 words: one shingle
    assert cq.body_scores("Flood warning", "Flood alert") == (0.0, 0.0)
    assert cq.body_scores("", "") == (1.0, 1.0)
    assert cq.body_scores("", ARTICLE) == (1.0, 0.0)  # nothing extracted: nothing wrong, all missed
    assert cq.harmonic(1.0, 0.0) == 0.0 and cq.harmonic(0.9, 0.6) == pytest.approx(0.72)


# --- titles --------------------------------------------------------------------------------------

def test_title_normalisation():
    assert cq.normalise_title("  Storm\u00a0hits   the “coast” — again…  ") == 'storm hits the "coast" - again'
    assert cq.normalise_title("Nadal’s WIN!") == "nadal's win"
    assert cq.normalise_title("ＦＵＬＬ width") == "full width"  # NFKC
    assert cq.normalise_title("") == ""


def test_title_from_og_title_with_site_part():
    gold = cq.read_gold('<html><head><title>Storm hits the coast :: Daily Planet</title>'
                        '<meta property="og:title" content="Storm hits the coast | Daily Planet">'
                        '<meta property="og:site_name" content="Daily Planet"></head><body></body></html>')
    assert cq.title_right("Storm hits the coast", gold) is True
    assert cq.title_right("Storm hits the coast.", gold) is True  # trailing punctuation
    assert cq.title_right("Storm hits the coast | Daily Planet", gold) is True  # og:title whole
    assert cq.title_right("Daily Planet", gold) is False  # the site's name is not the headline
    assert cq.title_right("Storm hits", gold) is False
    assert cq.title_right(None, gold) is False


def test_title_site_part_at_the_front_and_first_h1():
    gold = cq.read_gold("<html><head><title>Opinion - Why the bridge must close</title></head>"
                        "<body><h1>Why the <em>bridge</em> must close now</h1><h1>Most read</h1></body></html>")
    assert cq.title_right("Why the bridge must close", gold) is True  # <title> with "Opinion" cut off
    assert cq.title_right("Why the bridge must close now", gold) is True  # first <h1>, markup flattened
    assert cq.title_right("Most read", gold) is False  # only the first <h1>
    assert cq.title_right("Anything", cq.read_gold("<html><body><p>No title</p></body></html>")) is None


# --- dates ---------------------------------------------------------------------------------------

def test_gold_date_from_json_ld_graph():
    html = """<html><head><script type="application/ld+json">
      {"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "Planet"},
       {"@type": "NewsArticle", "headline": "x", "datePublished": "2023-02-06T08:15:00+03:00"}]}
    </script></head><body><time itemprop="datePublished" datetime="2023-02-07">Feb 7</time></body></html>"""
    gold = cq.read_gold(html)
    assert gold.date == "2023-02-06T08:15:00+03:00" and gold.date_from == "JSON-LD datePublished"


def test_gold_date_order_meta_then_time_itemprop():
    meta = cq.read_gold('<html><head><meta property="article:published_time" content="2015-04-25T12:08:00Z">'
                        '<script type="application/ld+json">{"datePublished": "2015-04-26"}</script></head>'
                        '<body></body></html>')
    assert meta.date == "2015-04-25T12:08:00Z"
    timed = cq.read_gold('<html><body><time datetime="2015-04-20">x</time>'
                         '<time itemprop="datePublished" datetime="2015-04-27T09:00:00-04:00">x</time></body></html>')
    assert timed.date == "2015-04-27T09:00:00-04:00"
    broken = cq.read_gold('<html><head><script type="application/ld+json">{not json</script></head><body></body></html>')
    assert broken.date is None


def test_extracted_date_judged_at_its_own_precision():
    gold = "2019-11-18T23:30:00-05:00"  # the 18th where written, the 19th in UTC
    assert cq.benchmark_date("2019-11-18", "day", gold) == "right"
    assert cq.benchmark_date("2019-11-19", "day", gold) == "right"
    assert cq.benchmark_date("2019-11-20", "day", gold) == "wrong"
    assert cq.benchmark_date("2019-11", "month", gold) == "right"
    assert cq.benchmark_date("2018", "year", gold) == "wrong"
    assert cq.benchmark_date(None, "unknown", gold) == "unknown"  # unknown is never wrong
    assert cq.benchmark_date("2019-11-18", "day", None) is None  # nothing to compare with
    assert cq.benchmark_date("2019-11-18", "day", "0001-01-01T00:00:00Z") is None  # a placeholder
    assert cq.benchmark_date("2019-11-19", "day", "November 19, 2019, 07:47 PM EST") == "right"
    # A moment given in UTC falls on the day before in the Americas: a page dated there is right.
    assert cq.benchmark_date("2019-11-19", "day", "2019-11-20T01:50:59Z") == "right"
    assert cq.benchmark_date("2019-11-21", "day", "2019-11-20T01:50:59Z") == "wrong"
    assert cq.benchmark_date("2019-11-19", "day", "2019-11-20") == "wrong"  # a day with no time is that day


def test_own_corpus_date_verdicts():
    assert cq.own_date("2015-04-27", "day", "2015-04-27", "day") == "right"
    assert cq.own_date("2015-04-26", "day", "2015-04-27", "day") == "wrong"
    assert cq.own_date(None, "unknown", "2015-04-27", "day") == "unknown"
    assert cq.own_date("2015-04", "month", "2015-04-27", "day") == "coarse"
    assert cq.own_date("2015-04-27", "day", None, "unknown") == "wrong"  # nothing on the page dates it
    assert cq.own_date(None, "unknown", None, "unknown") == "right"


# --- outlets and people ------------------------------------------------------------------------

def test_outlet_names_compared_by_their_letters():
    assert cq.outlet_right("The Hill", "TheHill")
    assert cq.outlet_right("LinkNaija", "LinkNaija | Nigeria's popular news platform")
    assert cq.outlet_right("News Nation", "https://www.newsnation.in")
    assert cq.outlet_right("Remember8090", "Remember 80/90 - Memorabilia anni 80/90")
    assert cq.outlet_right("Cbc", "CBC News", "cbc.ca")  # the own corpus accepts the domain's name
    assert not cq.outlet_right("BBC", "BBC News")
    assert not cq.outlet_right(None, "BBC News")
    assert cq.outlet_right("BBC", None) is None


def test_people_match_full_names_and_surname_parts():
    assert cq.person_matches("Koirala", "Sushil Koirala")
    assert cq.person_matches("sushil koirala", "Sushil Koirala")
    assert cq.person_matches("Carlineo", "Patrick W. Carlineo Jr.")
    assert not cq.person_matches("Sushil", "Sushil Koirala")
    assert not cq.person_matches("Gorkha", "Sushil Koirala")
    assert cq.people_scores(["Koirala", "Gorkha"], ["Sushil Koirala", "Ram Timalsina"]) == (0.5, 0.5)
    assert cq.people_scores([], []) == (1.0, 1.0)


def truth_entry(id_, copies=None, credited=None, group=None, overlaps=()):
    return cq.Truth(id=id_, url=f"https://example.org/{id_}", title="t", date=None, date_precision="unknown",
                    outlet=None, domain=None, people=(), not_people=(), body_first="", body_last="",
                    copies=copies, credited=credited, reprint_group=group, partial_overlap_with=overlaps)


def test_reprint_relations_judged_against_truth():
    entries = [truth_entry("wire", credited="Associated Press"), truth_entry("copy-a", "wire"),
               truth_entry("copy-b", "wire"), truth_entry("ap-1", credited="The Associated Press"),
               truth_entry("ap-2", credited="associated press"), truth_entry("own-1"), truth_entry("own-2"),
               truth_entry("lost", "own-1")]
    found = [("copy-a", "wire", "copy", "dates"),  # true
             ("wire", "copy-b", "copy", "containment"),  # true, the wrong way round
             ("copy-a", "copy-b", "same-text", "no evidence of direction"),  # two copies of one original
             ("ap-2", "ap-1", "copy", "dates"),  # both carry the agency's text
             ("own-2", "own-1", "copy", "containment")]  # false
    judged = cq.judge_relations(entries, found)
    assert judged.false == ["own-2 -> own-1 (copy, containment)"]
    assert judged.missed == ["lost -> own-1"]
    assert judged.reversed == ["wire -> copy-b (copy, containment)"]


def test_reprint_groups_and_partial_overlaps():
    entries = [truth_entry("la", group="ap-1"), truth_entry("nn", group="ap-1"), truth_entry("gw", group="ap-1"),
               truth_entry("x", group="ap-2"), truth_entry("y", group="ap-2"),
               truth_entry("q1", overlaps=("q2",)), truth_entry("q2"), truth_entry("other")]
    found = [("nn", "la", "same-text", "no evidence of direction"),  # one group: right
             ("gw", "la", "copy", "containment"),  # right pair, but truth knows no original
             ("q2", "q1", "same-text", "no evidence of direction"),  # a partial overlap: tolerated
             ("other", "q1", "copy", "dates")]  # false
    judged = cq.judge_relations(entries, found)
    assert judged.false == ["other -> q1 (copy, dates)"]
    assert judged.undecided == ["gw -> la (copy, containment)"]
    assert judged.missed == ["x (reprint group ap-2: related to no other member, nor to any capture)",
                             "y (reprint group ap-2: related to no other member, nor to any capture)"]


# --- the command on tiny corpora ------------------------------------------------------------------

NEWS_TEXT = """Home | World | Business | Sport
Bridge to close for repairs until spring
March 3, 2020
By Ana Lopez

The council voted on Tuesday to close the old river bridge to all traffic for repairs that will last until the spring, the mayor said after a long meeting.

Engineers found cracks in two of the bridge's piers during an inspection in January, and the council was told that heavy lorries could no longer cross it safely.

"We had no choice. The bridge is more than a hundred years old and it needs work now," Mayor Tom Reed told reporters outside the town hall.

Buses will use the new bypass while the work goes on, adding about ten minutes to most journeys into the town centre, the transport office said.

Shops near the bridge said they feared losing customers during the closure, and asked the council for help with their rents.

Share this story
Most read
"""
NEWS_HTML = """<html><head><title>Bridge to close for repairs until spring | Riverside Gazette</title>
<meta property="og:title" content="Bridge to close for repairs until spring">
<meta property="og:site_name" content="Riverside Gazette">
<meta property="article:published_time" content="2020-03-03T10:00:00+00:00"></head>
<body><h1>Bridge to close for repairs until spring</h1></body></html>"""
NEWS_BODY = NEWS_TEXT.split("By Ana Lopez\n\n")[1].split("\n\nShare this story")[0]


def make_benchmark(root: Path, pages: dict[str, tuple[bytes, str, str, str | None]]) -> Path:
    """pages: id -> (capture bytes, url, marked body, html or None)."""
    (root / "text").mkdir(parents=True)
    (root / "html").mkdir()
    truth, index = {}, {}
    for page_id, (capture, url, body, html) in pages.items():
        (root / "text" / f"{page_id}.txt").write_bytes(capture)
        if html is not None:
            (root / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode("utf-8")))
        truth[page_id] = {"articleBody": body, "url": url}
        index[page_id] = {"url": url, "title": ""}
    (root / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    (root / "index.json").write_text(json.dumps(index), encoding="utf-8")
    return root


def test_benchmark_corpus_table_and_exit_status(tmp_path):
    url = "https://riversidegazette.com/news/bridge-to-close-for-repairs"
    corpus = make_benchmark(tmp_path / "bench", {
        "good0001": (NEWS_TEXT.encode("utf-8"), url, NEWS_BODY, NEWS_HTML),
        "empty0002": (b"", "https://example.org/empty", "Some marked text of an article.", None),
        "binary0003": (bytes(range(256)) * 8, "https://example.org/binary", "More marked text here.", None),
    })
    report_file = tmp_path / "figures.json"
    result = run_cli(["quality", "--corpus", str(corpus), "-v", "--json", str(report_file)])
    assert result.code == 1, result.err  # refusals miss a target
    out = result.out
    assert "3 pages" in out
    good = next(line for line in out.splitlines() if line.startswith("good0001"))
    assert good.split()[1:5] == ["1.00/1.00", "ok", "ok", "ok"]  # body P/R, title, date, outlet
    assert "REFUSED" in next(line for line in out.splitlines() if line.startswith("empty0002"))
    assert "refused: not UTF-8 text" in out or "refused: looks binary" in out
    assert "refusals 2, tracebacks 0" in out
    assert "title    100% (1/1)" in out
    assert "date     right 1, wrong 0, unknown 0" in out
    assert "MISSED:" in out and "refusals 2" in out.splitlines()[-1]
    figures = json.loads(report_file.read_text(encoding="utf-8"))
    assert figures["layout"] == "benchmark" and figures["met"] is False
    assert figures["figures"]["body"]["precision"] == pytest.approx((1 + 1 + 1) / 3)
    assert figures["figures"]["body"]["recall"] == pytest.approx(1 / 3)
    assert [p["id"] for p in figures["pages"]] == ["binary0003", "empty0002", "good0001"]


def test_benchmark_corpus_meeting_the_targets_exits_0(tmp_path):
    url = "https://riversidegazette.com/news/bridge-to-close-for-repairs"
    corpus = make_benchmark(tmp_path / "bench", {"good0001": (NEWS_TEXT.encode("utf-8"), url, NEWS_BODY, NEWS_HTML)})
    result = run_cli(["quality", "--corpus", str(corpus)])
    assert result.code == 0, result.out
    assert result.out.splitlines()[-1].endswith(": met")


def test_an_error_inside_extraction_is_counted_not_raised(tmp_path, monkeypatch):
    def broken(page, registry, done):
        raise ValueError("substring not found")

    monkeypatch.setitem(EXTRACTORS, "people", broken)  # the public table of field extractors
    url = "https://riversidegazette.com/news/bridge-to-close-for-repairs"
    corpus = make_benchmark(tmp_path / "bench", {"good0001": (NEWS_TEXT.encode("utf-8"), url, NEWS_BODY, NEWS_HTML)})
    result = run_cli(["quality", "--corpus", str(corpus), "-v"])
    assert result.code == 1
    assert "TRACEBACK" in result.out and "traceback: ValueError: substring not found" in result.out
    assert "tracebacks 1" in result.out


def test_not_a_corpus(tmp_path):
    result = run_cli(["quality", "--corpus", str(tmp_path)])
    assert result.code == 1
    assert "not a corpus" in result.err and result.out == ""
    assert run_cli(["quality", "--json", str(tmp_path / "x.json")]).code == 1  # --json needs --corpus


def copy_fixture(tmp_path: Path) -> Path:
    corpus = tmp_path / "own"
    shutil.copytree(OWN_FIXTURE, corpus)
    return corpus


def test_own_corpus_table_reprints_and_exit_status(tmp_path):
    corpus = copy_fixture(tmp_path)
    report_file = tmp_path / "own.json"
    result = run_cli(["quality", "--corpus", str(corpus), "-v", "--json", str(report_file)])
    out = result.out
    assert "own corpus, 4 pages" in out
    for name in ("title", "outlet", "people", "body", "date"):
        assert any(line.startswith(f"{name:<8} ") for line in out.splitlines()), name
    # The reprint made of the NBC capture is found; the two reports of the Omar story are not related.
    assert "reprints 1 relations found; false 0, missed 0" in out
    assert "found: danube-herald-hitler-house -> nbc-hitler-house" in out
    figures = json.loads(report_file.read_text(encoding="utf-8"))
    assert figures["layout"] == "own"
    assert figures["figures"]["reprints"] == {"found": 1, "false": 0, "missed": 0, "reversed": 0, "undecided": 0}
    assert result.code == (0 if figures["met"] else 1)
    rows = {p["id"]: p for p in figures["pages"]}
    assert set(rows) == {"nbc-hitler-house", "nbc-omar-threat", "thehill-omar-threat", "danube-herald-hitler-house"}
    for row in rows.values():  # every field found wrong is explained in the page's notes
        for name in ("title", "outlet", "people", "body"):
            if row[name] is False:
                assert any(note.startswith(f"{name}:") for note in row["notes"]), (row["id"], name)
                assert f"    {name}:" in out  # -v prints the notes


def test_own_corpus_false_relation_and_missed_copy(tmp_path):
    corpus = copy_fixture(tmp_path)
    truth = yaml.safe_load((corpus / "truth.yaml").read_text(encoding="utf-8"))
    for entry in truth:  # claim the two Omar reports copy each other, and the reprint copies nothing
        if entry["id"] == "danube-herald-hitler-house":
            entry["copies"] = None
        if entry["id"] == "nbc-hitler-house":
            entry["credited"] = None
        if entry["id"] == "thehill-omar-threat":
            entry["copies"] = "nbc-omar-threat"
    (corpus / "truth.yaml").write_text(yaml.safe_dump(truth, allow_unicode=True), encoding="utf-8")
    result = run_cli(["quality", "--corpus", str(corpus)])
    assert result.code == 1
    assert "false 1, missed 1" in result.out
    assert "false: danube-herald-hitler-house -> nbc-hitler-house" in result.out
    assert "missed: thehill-omar-threat -> nbc-omar-threat" in result.out
    assert "0 false reprint relations" in result.out.splitlines()[-1]


def test_own_corpus_all_right_exits_0(tmp_path):
    """A truth that says what extraction finds meets every target: the exit status is 0."""
    corpus = copy_fixture(tmp_path)
    truth = yaml.safe_load((corpus / "truth.yaml").read_text(encoding="utf-8"))
    truth = [e for e in truth if e["id"] in ("nbc-hitler-house", "danube-herald-hitler-house")]
    for entry in truth:
        got = cq.run_extraction((corpus / "captures" / f"{entry['id']}.txt").read_text(encoding="utf-8"),
                                entry["url"])
        words = got.body.split()
        entry.update(title=got.title, date=got.date_iso, date_precision=got.date_precision, outlet=got.outlet,
                     people=got.people, body_first=" ".join(words[:8]), body_last=" ".join(words[-8:]))
    (corpus / "truth.yaml").write_text(yaml.safe_dump(truth, allow_unicode=True), encoding="utf-8")
    result = run_cli(["quality", "--corpus", str(corpus)])
    assert result.code == 0, result.out
    assert result.out.splitlines()[-1].endswith(": met")


# --- the corpora against the targets ---------------------------------------------------------------

@needs_dev_corpus
def test_dev_corpus_text_captures_meet_the_targets():
    report = cq.measure_benchmark(DEV_CORPUS)
    figures = report.figures
    print("\n" + cq.format_corpus_report(report, verbose=True))
    assert figures["pages"] == 111
    assert figures["tracebacks"] == 0 and figures["refusals"] == 0
    assert figures["body"]["f1"] >= DEV_TEXT_BODY_F1
    assert figures["body"]["precision"] >= DEV_TEXT_BODY_PRECISION
    assert figures["title"]["share"] >= DEV_TEXT_TITLES
    assert figures["dates"]["wrong"] <= DEV_TEXT_WRONG_DATES
    assert figures["dates"]["disputed"] <= DEV_TEXT_DISPUTED_DATES


@needs_dev_corpus
def test_dev_corpus_saved_pages_meet_the_targets():
    report = cq.measure_benchmark(DEV_CORPUS, kind="html")
    figures = report.figures
    print("\n" + cq.format_corpus_report(report, verbose=True))
    assert figures["pages"] == 111
    assert figures["tracebacks"] == 0 and figures["refusals"] == 0
    assert figures["body"]["f1"] >= DEV_HTML_BODY_F1
    assert figures["title"]["share"] >= DEV_HTML_TITLES
    assert figures["dates"]["wrong"] == 0


def test_own_corpus_meets_the_targets():
    report = cq.measure_own(OWN_CORPUS)
    figures = report.figures
    print("\n" + cq.format_corpus_report(report, verbose=True))
    assert figures["pages"] == 69
    assert figures["tracebacks"] == 0 and figures["refusals"] == 0
    assert figures["dates"]["wrong"] == 0
    assert figures["reprints"]["false"] == 0
    for field in ("body", "date", "outlet", "title", "people"):
        assert figures[field]["share"] >= OWN_TARGET, field


def test_page_that_prints_another_day_than_its_json_ld_is_disputed_not_wrong():
    # JSON-LD datePublished only repeats dateModified (a CMS writing its last save into both),
    # while the byline prints the day before: a date agreeing with the print is not "wrong".
    html = """<html><head><script type="application/ld+json">
      {"@type": "NewsArticle", "datePublished": "2019-11-19 19:31:39", "dateModified": "2019-11-19 19:31:39"}
    </script></head><body><p>By Jo | <time datetime="2019-11-18 19:14:00">November 18, 2019 -- 19:14 GMT</time></p>
    </body></html>"""
    gold = cq.read_gold(html)
    assert gold.date == "2019-11-19 19:31:39" and gold.date_printed == "2019-11-18 19:14:00"
    assert cq.benchmark_date("2019-11-18", "day", gold.date, gold.date_printed) == "disputed"
    assert cq.benchmark_date("2019-11-19", "day", gold.date, gold.date_printed) == "right"
    assert cq.benchmark_date("2019-11-16", "day", gold.date, gold.date_printed) == "wrong"
    # A datePublished distinct from dateModified is a real statement: no dispute, the print aside.
    stated = cq.read_gold(html.replace('"dateModified": "2019-11-19 19:31:39"', '"dateModified": "2019-11-20 08:00:00"'))
    assert stated.date_printed is None
    # A printed stamp within the time-zone slack of the stated moment agrees with it.
    near = cq.read_gold(html.replace("2019-11-18 19:14:00", "2019-11-19 02:00:00"))
    assert near.date_printed is None
