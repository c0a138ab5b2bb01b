"""A person's or an outlet's long list of articles: the newest on their page, all of them in parts.

The tests shrink sitemodel.LIST_SIZE (50) to 3 so that a few articles make a long list.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsarchive import sitemodel
from conftest import made_paths, minimal_front, run_build, write_article

SOURCE = "libyan-express"  # publishes one article of the seed archive
PERSON = "khalifa-haftar"  # named by all five


@pytest.fixture
def long_lists(project, monkeypatch) -> Path:
    """The seed archive and eight more articles of one outlet, all naming one person, dated
    1 to 8 March 2018: the outlet has nine articles, the person thirteen."""
    monkeypatch.setattr(sitemodel, "LIST_SIZE", 3)
    for day in range(1, 9):
        write_article(project, f"march-{day}", minimal_front(f"march-{day}", date=f"2018-03-0{day}",
                                                              title=f'"March story {day}"'))
    result = run_build(project)
    assert result.code == 0, result.err
    return project / "_site"


def _titles(page: Path) -> list[str]:
    """The titles of the articles a page lists, in order."""
    return re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', page.read_text(encoding="utf-8"))


def _part(site: Path, kind: str, owner: str, number: int) -> Path:
    return site / kind / owner / "parts" / str(number) / "index.html"


def test_a_long_list_shows_its_newest_on_the_page_and_all_of_it_in_parts(long_lists):
    page = long_lists / "sources" / SOURCE / "index.html"
    text = page.read_text(encoding="utf-8")
    assert "Articles published (9)" in text
    assert _titles(page) == ["March story 8", "March story 7", "March story 6"]  # the newest, newest first
    # Nine articles in parts of three, oldest first, each linked with its dates and size.
    assert f'href="../../sources/{SOURCE}/parts/1/index.html">Part 1</a>: 1 March 2018 to 3 March 2018' in text
    assert f'href="../../sources/{SOURCE}/parts/3/index.html">Part 3</a>' in text
    assert "parts/4/index.html" not in text
    assert "(3 articles)" in text
    listed = [title for number in (1, 2, 3) for title in _titles(_part(long_lists, "sources", SOURCE, number))]
    # the seed archive's article of the outlet is undated: last
    assert listed == [f"March story {day}" for day in range(1, 9)] + [
        "Russian official: Haftar and Tripoli government requested arming by Moscow; Haftar denies"]
    assert "1 March 2018 to 3 March 2018" in text and "7 March 2018 to date unknown" in text
    assert not _part(long_lists, "sources", SOURCE, 4).exists()


def test_parts_link_to_their_neighbours_and_back_to_the_page(long_lists):
    first, last = (_part(long_lists, "sources", SOURCE, n).read_text(encoding="utf-8") for n in (1, 3))
    assert f'rel="next" href="../../../../sources/{SOURCE}/parts/2/index.html">Part 2' in first
    assert 'rel="prev"' not in first
    assert f'rel="prev" href="../../../../sources/{SOURCE}/parts/2/index.html">' in last and 'rel="next"' not in last
    assert f'href="../../../../sources/{SOURCE}/index.html#all-articles">All parts</a>' in first
    assert "<h1>Articles published by Libyan Express: part 1</h1>" in first


def test_a_person_s_list_and_the_index_pages_count_every_article(long_lists):
    page = long_lists / "actors" / PERSON / "index.html"
    assert "Articles naming Khalifa Haftar (13)" in page.read_text(encoding="utf-8")
    assert len(_titles(page)) == 3
    named = [title for number in range(1, 6) for title in _titles(_part(long_lists, "actors", PERSON, number))]
    assert len(named) == 13 and not _part(long_lists, "actors", PERSON, 6).exists()
    people = (long_lists / "actors" / "index.html").read_text(encoding="utf-8")
    cells = r"</a></td>\s*<td>[^<]*</td>\s*"
    assert re.search(rf'href="../actors/{PERSON}/index.html">Khalifa Haftar{cells}<td>13</td>', people)
    outlets = (long_lists / "sources" / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'href="../sources/{SOURCE}/index.html">Libyan Express{cells}<td>[^<]*</td>\s*<td>9</td>',
                     outlets)


def test_the_feed_carries_the_newest_entries(long_lists):
    feed = (long_lists / "sources" / SOURCE / "feed.xml").read_text(encoding="utf-8")
    assert re.findall(r"<title>(March story \d)</title>", feed) == ["March story 8", "March story 7",
                                                                     "March story 6"]


def _stamps(site: Path) -> dict[str, int]:
    return {str(path.relative_to(site)): path.stat().st_mtime_ns for path in site.rglob("*.html")}


def _rewritten_after(change, site: Path, project: Path) -> set[str]:
    """The pages a rebuild after `change(project)` wrote again."""
    before = _stamps(site)
    change(project)
    assert run_build(project).code == 0
    after = _stamps(site)
    return {page for page in after if after[page] != before.get(page)}


def _retitle_march_1(project: Path) -> None:
    path = project / "articles" / "march-1.md"
    path.write_text(path.read_text(encoding="utf-8").replace("March story 1", "March story one"), encoding="utf-8")


def _add_march_9(project: Path) -> None:
    write_article(project, "march-9", minimal_front("march-9", date="2018-03-09", title='"March story 9"'))


def test_retitling_an_old_article_rewrites_its_part_and_not_the_others(long_lists, project):
    rewritten = _rewritten_after(_retitle_march_1, long_lists, project)
    assert f"sources/{SOURCE}/parts/1/index.html" in rewritten
    for untouched in (f"sources/{SOURCE}/index.html", f"sources/{SOURCE}/parts/2/index.html",
                      f"sources/{SOURCE}/parts/3/index.html", "sources/index.html", "actors/index.html"):
        assert untouched not in rewritten
    assert "March story one" in _part(long_lists, "sources", SOURCE, 1).read_text(encoding="utf-8")


def test_a_newest_article_added_rewrites_the_page_and_its_last_part_alone(long_lists, project):
    rewritten = _rewritten_after(_add_march_9, long_lists, project)
    assert {f"sources/{SOURCE}/index.html", f"sources/{SOURCE}/parts/4/index.html",
            f"sources/{SOURCE}/parts/3/index.html"} <= rewritten  # the third now links to the fourth
    assert not {f"sources/{SOURCE}/parts/1/index.html", f"sources/{SOURCE}/parts/2/index.html"} & rewritten
    assert _titles(_part(long_lists, "sources", SOURCE, 3)) == ["March story 7", "March story 8", "March story 9"]
    assert len(_titles(_part(long_lists, "sources", SOURCE, 4))) == 1  # the undated one, last
    # March's page lists its parts: they are as many, the last one changed.
    assert {"archive/2018/03/index.html", "archive/2018/03/parts/3/index.html"} <= rewritten
    assert not {"archive/2018/03/parts/1/index.html", "archive/2018/03/parts/2/index.html"} & rewritten


def test_a_list_that_shrinks_loses_its_last_part(long_lists, project):
    for day in (6, 7, 8):  # nine articles to six: two parts
        (project / "articles" / f"march-{day}.md").unlink()
    assert run_build(project).code == 0
    assert not _part(long_lists, "sources", SOURCE, 3).exists()
    assert 'rel="next"' not in _part(long_lists, "sources", SOURCE, 2).read_text(encoding="utf-8")


def test_a_long_month_lists_its_parts_each_a_page_of_its_own(long_lists):
    month = (long_lists / "archive" / "2018" / "03" / "index.html").read_text(encoding="utf-8")
    assert "8 articles, oldest first" in month
    assert 'href="../../../archive/2018/03/parts/1/index.html">Part 1</a>: 1 March 2018 to 3 March 2018' in month
    assert "<h3>" not in month  # the articles are on the parts' pages
    listed = [title for number in (1, 2, 3) for title in _titles(_part(long_lists, "archive", "2018/03", number))]
    assert listed == [f"March story {day}" for day in range(1, 9)]
    last = _part(long_lists, "archive", "2018/03", 3).read_text(encoding="utf-8")
    assert "<h1>March 2018: part 3</h1>" in last and 'rel="next"' not in last


def test_a_period_template_of_an_older_version_still_lists_a_long_month(long_lists, project):
    (project / "templates" / "period.html").write_text(
        '{% extends "base.html" %}{% from "macros.html" import article_list with context %}{% block main %}'
        '{% for key, articles in groups.items() %}{{ article_list(articles) }}{% endfor %}{% endblock %}',
        encoding="utf-8")
    assert run_build(project).code == 0
    assert len(_titles(long_lists / "archive" / "2018" / "03" / "index.html")) == 8


def test_a_long_list_of_undated_articles_is_in_parts_by_title(long_lists, project):
    for letter in "CAB":
        write_article(project, f"undated-{letter.lower()}", minimal_front(
            f"undated-{letter.lower()}", date="", date_precision="unknown", title=f'"{letter} undated story"'))
    assert run_build(project).code == 0
    page = (long_lists / "archive" / "undated" / "index.html").read_text(encoding="utf-8")
    assert "whose publication date the evidence does not give, by title, in parts" in page
    parts = sorted((long_lists / "archive" / "undated" / "parts").glob("*/index.html"))
    listed = [title for part in sorted(parts, key=lambda p: int(p.parent.name)) for title in _titles(part)]
    assert listed == sorted(listed, key=str.casefold) and len(listed) == len(set(listed))
    assert {"A undated story", "B undated story", "C undated story"} <= set(listed)
    assert "<h1>Articles whose date is unknown: part 1</h1>" in parts[0].read_text(encoding="utf-8")


# --- the list of reprint relations ----------------------------------------------------------

ORIGINAL = "moscow-wants-hafter-in-political-process-but-no-arms"  # dated 3 December 2016


def _copy_of_original(project: Path, day: int) -> None:
    """An article of another outlet carrying the original's text whole, dated `day` April 2018:
    a copy of the original (the earliest carrier of the text)."""
    text = (project / "articles" / f"{ORIGINAL}.md").read_text(encoding="utf-8").split("---\n", 2)[2].strip()
    write_article(project, f"copy-{day}", minimal_front(f"copy-{day}", date=f"2018-04-{day:02d}",
                                                        title=f'"Copy {day}"'), body=text + "\n",
                  capture_text=text + "\n")


@pytest.fixture
def many_relations(project, monkeypatch) -> Path:
    """The seed archive and seven copies of one of its articles, dated 1 to 7 April 2018."""
    monkeypatch.setattr(sitemodel, "LIST_SIZE", 3)
    for day in range(1, 8):
        _copy_of_original(project, day)
    result = run_build(project)
    assert result.code == 0, result.err
    return project / "_site"


def _copies(page: Path) -> list[str]:
    """The titles of the copies a page's table of relations lists, in order."""
    return re.findall(r'<td><span class="cell-label">Copy: </span><a href="[^"]*">([^<]*)</a>',
                      page.read_text(encoding="utf-8"))


def _reprints_part(site: Path, number: int) -> Path:
    return site / "reprints" / "parts" / str(number) / "index.html"


def test_the_list_of_relations_shows_the_newest_and_all_of_them_in_parts(many_relations):
    page = many_relations / "reprints" / "index.html"
    text = page.read_text(encoding="utf-8")
    relations = len(json.loads((many_relations / "data" / "reprints.json").read_text(encoding="utf-8")))
    assert relations >= 7 and f"{relations} relations of text reuse" in text
    assert _copies(page) == ["Copy 7", "Copy 6", "Copy 5"]  # the newest copies, newest first
    listed = [title for number in range(1, relations) if _reprints_part(many_relations, number).exists()
              for title in _copies(_reprints_part(many_relations, number))]
    assert len(listed) == relations  # each relation once, in parts of three, the copies oldest first
    # the copies by date, then a copy of the seed archive that is undated: last
    assert listed[-8:] == [f"Copy {day}" for day in range(1, 8)] + [
        "Russian official: Haftar and Tripoli government requested arming by Moscow; Haftar denies"]
    last = -(-relations // 3)
    assert f'href="../reprints/parts/{last}/index.html">Part {last}</a>: copies from' in text
    assert "1 April 2018" in text and "(3 relations)" in text
    assert not _reprints_part(many_relations, last + 1).exists()
    first = _reprints_part(many_relations, 1).read_text(encoding="utf-8")
    assert 'rel="next" href="../../../reprints/parts/2/index.html">Part 2' in first and 'rel="prev"' not in first
    assert 'href="../../../reprints/index.html#all-relations">All parts</a>' in first
    assert "<h1>Reprints: part 1</h1>" in first
    assert f"reprints/parts/{last}/index.html" in (many_relations / "sitemap.xml").read_text(encoding="utf-8")


def test_a_copy_found_for_a_new_article_rewrites_the_list_s_page_and_its_last_part_alone(many_relations, project):
    parts = sorted(path.parent.name for path in (many_relations / "reprints" / "parts").glob("*/index.html"))
    rewritten = _rewritten_after(lambda project: _copy_of_original(project, 8), many_relations, project)
    assert "reprints/index.html" in rewritten
    assert _copies(many_relations / "reprints" / "index.html") == ["Copy 8", "Copy 7", "Copy 6"]
    now = sorted(path.parent.name for path in (many_relations / "reprints" / "parts").glob("*/index.html"))
    changed = {f"reprints/parts/{number}/index.html" for number in now} & rewritten
    # the last part (or a new one after it, and the one before linking to it), no earlier part
    assert changed and all(int(path.split("/")[2]) >= len(parts) - 1 for path in changed)
    last_two = [title for number in (len(now) - 1, len(now)) for title in _copies(_reprints_part(many_relations, number))]
    assert last_two[-2:] == ["Copy 8", "Russian official: Haftar and Tripoli government requested arming by Moscow; "
                                       "Haftar denies"]  # the undated copy still last


def test_a_list_of_relations_that_shrinks_loses_its_last_part(many_relations, project):
    parts = len(list((many_relations / "reprints" / "parts").glob("*/index.html")))
    for day in (5, 6, 7):
        (project / "articles" / f"copy-{day}.md").unlink()
    assert run_build(project).code == 0
    assert not _reprints_part(many_relations, parts).exists()
    assert 'rel="next"' not in _reprints_part(many_relations, parts - 1).read_text(encoding="utf-8")


def test_a_copy_redated_moves_in_the_list_of_relations(many_relations, project):
    path = project / "articles" / "copy-1.md"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2018-04-01", "date: 2018-04-20"), encoding="utf-8")
    assert run_build(project).code == 0
    assert _copies(many_relations / "reprints" / "index.html") == ["Copy 1", "Copy 7", "Copy 6"]
    listed = [title for path in sorted((many_relations / "reprints" / "parts").glob("*/index.html"),
                                       key=lambda path: int(path.parent.name)) for title in _copies(path)]
    assert listed[-8:-1] == [f"Copy {day}" for day in (2, 3, 4, 5, 6, 7, 1)]


def test_a_copy_s_text_edited_makes_its_relation_s_pages_again_and_not_the_lists_showing_it(many_relations, project,
                                                                                         monkeypatch):
    # The copy's share of the original moves: its outlet's page shows it (who copies whom, and
    # how much); the lists showing the copy (its person's, its month's, the home page's
    # timeline) show only that it copies: not made again.
    with open(project / "articles" / "copy-3.md", "a", encoding="utf-8") as file:
        file.write("\nA paragraph of the copy's own, added at the end of its text by its editors.\n")
    made = made_paths(monkeypatch)
    assert run_build(project).code == 0
    assert {"articles/copy-3/index.html", f"reprints/copy-3--{ORIGINAL}/index.html",
            f"sources/{SOURCE}/index.html"} <= set(made)
    showing = {str(path.relative_to(many_relations)) for path in many_relations.rglob("parts/*/index.html")
               if "Copy 3</a>" in path.read_text(encoding="utf-8") and "reprints" not in path.parts}
    assert {f"actors/{PERSON}", "archive/2018/04"} <= {path.rsplit("/", 3)[0] for path in showing}
    assert not ({"index.html"} | showing) & set(made)
    assert all("copies text" in (many_relations / path).read_text(encoding="utf-8") for path in showing)
    # Of the list of relations, the part holding it; the list's page shows the newest, not it.
    holding = [str(path.relative_to(many_relations)) for path in (many_relations / "reprints" / "parts").glob("*/*")
               if "Copy 3</a>" in path.read_text(encoding="utf-8")]
    assert len(holding) == 1 and holding[0] in made and "reprints/index.html" not in made
