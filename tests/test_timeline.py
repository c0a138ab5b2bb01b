"""timeline: dates drawn as precisely as known, undated articles apart, reprints as links."""

from pathlib import Path

from conftest import make_article
from newsarchive.config import load_config
from newsarchive.load import Archive
from newsarchive.model import Reprint, Source
from newsarchive.render import human_date
from newsarchive.sitemodel import build_site
from newsarchive.timeline import UNDATED_WIDTH, WIDTH, layout


def _site(articles, relations=()):
    sources = {s: Source(s, s.title(), (f"{s}.org",), "website") for s in ("outlet", "agency")}
    config = load_config(Path("/nonexistent/config.yaml"))
    return build_site(config, Archive(tuple(articles), {}, sources, ()), tuple(relations))


def test_marks_follow_date_precision():
    site = _site([make_article("day", "t", date="2017-03-15"), make_article("month", "t", date="2017-06"),
                  make_article("year", "t", date="2016", publisher="agency"), make_article("none", "t")])
    t = layout(site, human_date)
    marks = {m.slug: m for m in t.marks}
    assert marks["day"].shape == "dot" and marks["day"].x == marks["day"].x2
    assert marks["month"].shape == "bar" and 0 < marks["month"].x2 - marks["month"].x < 40
    assert marks["year"].shape == "bar" and marks["year"].x2 - marks["year"].x > 5 * (marks["month"].x2 - marks["month"].x)
    assert marks["none"].shape == "undated" and marks["none"].x > WIDTH - UNDATED_WIDTH
    assert marks["year"].x < marks["day"].x < marks["month"].x
    assert [tick.label for tick in t.ticks if tick.major] == ["2016", "2017", ""]
    assert {row.name for row in t.rows} == {"Outlet", "Agency"}
    assert "1 with unknown dates" in t.summary and "2016 to 2017" in t.summary


def test_reprints_are_drawn_between_their_marks():
    relation = Reprint("copy", "orig", "copy", 1.0, 1.0, (), "dates")
    site = _site([make_article("orig", "t", date="2017-01-01"), make_article("copy", "t")], [relation])
    t = layout(site, human_date)
    [link] = t.links
    marks = {m.slug: m for m in t.marks}
    assert link.path.startswith(f"M{marks['copy'].x:.1f},")
    assert link.path.endswith(f"{marks['orig'].x:.1f},{marks['orig'].y:.1f}")


def test_a_large_archive_draws_its_newest_articles_and_says_so():
    # Five dated articles, one undated, and a reprint from the newest to the oldest.
    articles = [make_article(f"a{day}", f"Story {day}", date=f"2017-03-{day:02d}") for day in range(1, 6)]
    relation = Reprint("a5", "a1", "copy", 1.0, 1.0, (), "dates")
    site = _site([*articles, make_article("undated", "Undated story")], [relation])

    everything = layout(site, human_date, most=10)
    assert {m.slug for m in everything.marks} == {"a1", "a2", "a3", "a4", "a5", "undated"}
    assert (everything.drawn, everything.articles) == (6, 6) and len(everything.links) == 1
    assert everything.summary.startswith("Timeline of 6 articles")

    newest = layout(site, human_date, most=3)
    assert {m.slug for m in newest.marks} == {"a3", "a4", "a5"}  # the undated come after every dated one
    assert (newest.drawn, newest.articles) == (3, 6)
    assert newest.links == ()  # the original it copies is not drawn
    assert newest.summary.startswith("Timeline of the newest 3 of 6 articles")
    assert "pages by date list every article" in newest.summary


def test_articles_of_less_than_a_year_are_drawn_on_an_axis_of_months():
    site = _site([make_article("early", "t", date="2017-11-20"), make_article("late", "t", date="2018-02-03"),
                  make_article("month", "t", date="2017-12")])
    t = layout(site, human_date)
    assert [tick.label for tick in t.ticks] == ["Nov 2017", "Dec", "Jan 2018", "Feb", ""]
    marks = {m.slug: m for m in t.marks}
    november, december, january, february, end = (tick.x for tick in t.ticks)
    assert november < marks["early"].x < december <= marks["month"].x < marks["month"].x2 <= january
    assert february < marks["late"].x < end
