"""sitemodel: ordering, claim grouping with the earliest appearance, and who copies whom."""

import dataclasses
from pathlib import Path
from unittest import mock

from hypothesis import example, given, settings, strategies as st

from conftest import make_article
from newsarchive.config import load_config
from newsarchive.load import Archive
from newsarchive.model import Actor, Claim, Original, Reprint, Source
from newsarchive.sitemodel import build_site, by_month, claim_title, word_casings


def _site(articles, relations=()):
    sources = {s: Source(s, s.title(), (f"{s}.org",), "website") for s in ("outlet", "agency", "other")}
    actors = {"x": Actor("x", "X Person", (), "role", "", "d")}
    config = load_config(Path("/nonexistent/config.yaml"))
    return build_site(config, Archive(tuple(articles), actors, sources, ()), tuple(relations))


def _claim(stance="asserts"):
    return Claim("c-id", "x", "", stance, "statement", "quote")


def test_articles_newest_first_and_undated_last():
    site = _site([make_article("old", "t", date="2016"), make_article("new", "t", date="2018-02-20"),
                  make_article("undated", "t"), make_article("mid", "t", date="2017-06")])
    assert [a.slug for a in site.articles] == ["new", "mid", "old", "undated"]


def test_earliest_appearance_is_marked():
    site = _site([make_article("a", "t", date="2018-01-02", claims=(_claim(),)),
                  make_article("b", "t", date="2017-05-01", claims=(_claim("denies"),)),
                  make_article("c", "t", claims=(_claim(),))])
    [group] = site.claims
    assert [(a.article.slug, a.earliest) for a in group.appearances] == [("b", True), ("a", False), ("c", False)]
    assert group.stances == {"asserts": 2, "denies": 1}
    assert [a.article.slug for a in site.claims_by["x"]] == ["b", "a", "c"]


def test_borrowings_join_credits_and_overlap():
    wire = make_article("wire", "t", publisher="agency")
    copy = make_article("copy", "t", publisher="outlet", original=Original("agency", "wire", "reprint", "e"))
    translated = make_article("tr", "t", publisher="outlet", original=Original("other", None, "translation", "e"))
    relation = Reprint("copy", "wire", "copy", 0.5, 0.5, (), "attribution")
    site = _site([wire, copy, translated], [relation])
    [from_agency] = site.borrowed_from["agency"]
    assert (from_agency.copy.slug, from_agency.original.slug, from_agency.relation) == ("copy", "wire", relation)
    assert [b.copy.slug for b in site.borrowings_of["outlet"]] == ["copy", "tr"]
    assert site.borrowed_from["other"][0].credit == "translation"
    assert site.copies_of["copy"] == (relation,) and site.copied_by["wire"] == (relation,)


def test_claim_title_uses_the_archive_casing():
    assert claim_title("gna-asked-russia-for-arms", word_casings(["The GNA asked Russia", "for arms"])) == \
        "GNA asked Russia for arms"
    # As often one way as another: the spelling that sorts first, whichever order they came in
    # (a rebuild moves the counts, and knows no order).
    assert word_casings(["the Gna", "the GNA"])["gna"] == word_casings(["the GNA", "the Gna"])["gna"] == "GNA"


def test_by_month_groups_oldest_first_and_skips_undated():
    grouped = by_month((make_article("b", "t", date="2017-03-02"), make_article("a", "t", date="2017-03-01"),
                        make_article("y", "t", date="2017"), make_article("u", "t")))
    assert list(grouped) == ["2017"]
    assert {m: [a.slug for a in arts] for m, arts in grouped["2017"].items()} == {"": ["y"], "03": ["a", "b"]}


def test_a_page_reaches_an_article_text_only_by_recording_it():
    from newsarchive.dependencies import BuildFacts, Reads, SiteView

    site = _site([make_article("a", "First text.", date="2018-01-02"), make_article("b", "Other text.")])
    reads = Reads()
    view = SiteView(site, BuildFacts(site_paths=(), templates=b"", static_files={}), reads)
    listed = view.article["a"]
    assert not hasattr(listed, "body") and not hasattr(listed, "paragraphs")  # lists carry no text
    assert reads.keys == {("article", "a")}
    assert view.text_of(listed).paragraphs == ("First text.",)
    assert reads.keys == {("article", "a"), ("text", "a")}
    assert [a.slug for a in view.articles] == ["a", "b"] and ("articles",) in reads.keys
    _ = view.site_paths  # handed to every page: read only when looked at
    assert ("site_paths",) not in reads.keys


def test_lists_are_ordered_filed_and_digested_without_making_an_entry(monkeypatch):
    """The lists are made from each article's Listing (kept with its parse): making and
    digesting every list of the archive makes no article's entry, and an entry read from a list
    is the article as it is now (an edited title shows in every list that holds it)."""
    from newsarchive import sitemodel
    from newsarchive.dependencies import Digester

    monkeypatch.setattr(sitemodel, "LIST_SIZE", 1)  # lists in parts too
    first = make_article("a", "First text.", date="2017-01-02", claims=(_claim(),), people=("x",))
    other = make_article("b", "Other text.", date="2018-01-01", people=("x",))
    site = _site([first, other])
    made = []
    monkeypatch.setattr(sitemodel.ArticleInfo, "of", classmethod(
        lambda cls, article, _real=sitemodel.ArticleInfo.of.__func__: made.append(article.slug) or _real(cls, article)))
    parse_digests = {"a": b"1" * 32, "b": b"2" * 32}
    digester = Digester(parse_digests)
    digests = {name: digester.of(getattr(site, name)) for name in (
        "articles", "undated", "claims", "claims_by", "articles_naming", "latest_naming", "naming_part",
        "published_by", "by_year", "by_month", "borrowed_from", "reuse")}
    assert made == []
    # ... each digested as the same list of entries made would be
    assert digests["articles"] == Digester(parse_digests).of(tuple(site.articles))
    assert digests["claims_by"] == Digester(parse_digests).of({"x": tuple(site.claims_by["x"])})
    assert [a.slug for a in site.articles] == ["b", "a"] and made == ["b", "a"]  # those read, once
    assert [a.slug for a in site.naming_part["x/1"]] == ["a"] and site.naming_index["x"].parts[1].first.iso == "2018-01-01"
    retitled = _site([dataclasses.replace(first, title="A new title"), other])
    assert [a.title for a in retitled.articles] == ["b", "A new title"]
    assert [a.article.title for a in retitled.claims[0].appearances] == ["A new title"]
    assert [a.title for a in retitled.articles_naming["x"]] == ["b", "A new title"]


def test_the_shape_names_every_list_and_part_the_lists_have(monkeypatch):
    """Which pages the site has is known without making its lists (render.py): the shape must
    say what the lists would, for people, outlets, months, the undated and the claims."""
    from newsarchive import sitemodel

    monkeypatch.setattr(sitemodel, "LIST_SIZE", 3)
    dates = ("2017-03-02", "2017-03", "2017", "2018-01-05", None, "2017-03-09", "2017-03-01")
    articles = [make_article(f"a{n:02}", "Text.", date=dates[n % len(dates)],
                             publisher=("outlet", "agency", "other")[n % 3] if n % 5 else "outlet",
                             people=("x",) if n % 2 else ("x", "y") if n % 7 == 0 else (),
                             claims=(Claim(f"claim-{n % 4}", "x", "", "asserts", "s", "q"),) if n % 3 else ())
                for n in range(40)]
    site = _site(articles)
    shape = site.shape
    assert "articles" not in vars(site)  # the shape made no list
    assert sorted(shape.slugs) == sorted(a.slug for a in site.articles)
    assert shape.claim_ids == tuple(group.id for group in site.claims)
    assert shape.periods == {year: tuple(sorted(months)) for year, months in sorted(site.by_year.items())}
    for parts, index in ((shape.naming_parts, site.naming_index), (shape.published_parts, site.published_index),
                         (shape.month_parts, site.month_index)):
        assert parts == {owner: len(found.parts) for owner, found in sorted(index.items())}
        assert any(parts.values())  # long lists, in parts, are among them
    assert shape.undated_parts == len(site.undated_index.parts) > 0


def _shaped_article(n: int, variant: int):
    dates = ("2017-03-02", "2017-03", "2017", "2018-01-05", None)
    return make_article(f"a{n:02}", "Text.", date=dates[variant % 5], publisher=("outlet", "agency")[variant % 2],
                        people=(("x",), ("x", "y"), ())[variant % 3],
                        claims=tuple(Claim(f"claim-{(variant + k) % 4}", "x", "", "asserts", "s", "q")
                                     for k in range(variant % 3)))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 29)), min_size=1, max_size=12))
def test_archive_counts_moved_by_changes_are_those_counted_afresh(steps):
    """A rebuild moves the counts its shape is made of by the versions of the articles that
    changed (the previous build's out, this build's in): adds, edits and deletes, one by one,
    leave the counts, and the shape, as counting all the articles again gives them."""
    from newsarchive import sitemodel

    articles = {n: _shaped_article(n, n) for n in range(6)}
    counts = sitemodel.ArchiveCounts.of(articles.values())
    for n, variant in steps:
        old = articles.pop(n, None)
        if variant % 7 != 6:  # else deleted
            articles[n] = _shaped_article(n, variant)
        counts = counts.moved([old] if old else [], [articles[n]] if n in articles else [])
        assert list(map(dict, counts)) == list(map(dict, sitemodel.ArchiveCounts.of(articles.values())))
    with mock.patch.object(sitemodel, "LIST_SIZE", 2):  # lists in parts
        ordered = sorted(articles.values(), key=lambda article: article.slug)  # as the load stage gives them
        site = sitemodel.build_site(_site([]).config, _site(ordered)._archive, (), counts)
        shape = site.shape
        assert shape.slugs == tuple(sorted(article.slug for article in articles.values()))
        assert shape.claim_ids == tuple(group.id for group in site.claims)
        assert shape.periods == {year: tuple(sorted(months)) for year, months in sorted(site.by_year.items())}
        for parts, index in ((shape.naming_parts, site.naming_index), (shape.published_parts, site.published_index),
                             (shape.month_parts, site.month_index)):
            assert parts == {owner: len(found.parts) for owner, found in sorted(index.items())}
        assert shape.undated_parts == len(site.undated_index.parts)


def test_a_page_of_one_article_makes_no_list_of_the_archive():
    """An edit of one article's text makes its page again, which reads that article, its
    relations, people and outlet: the Site makes none of its lists for it (3 s at 100,000),
    nor an entry for every article."""
    from newsarchive.dependencies import BuildFacts, Reads, SiteView
    from newsarchive.render import _article_view

    wire = make_article("wire", "Shared text.", publisher="agency", date="2017-01-01")
    copy = make_article("copy", "Shared text.", date="2017-01-02", people=("x",))
    site = _site([wire, copy], [Reprint("copy", "wire", "copy", 0.5, 0.5, (), "")])
    view = SiteView(site, BuildFacts(site_paths=(), templates=b"", static_files={}), Reads())
    shown = _article_view(view.article["copy"], view)
    assert [c["original"].slug for c in shown["copies"]] == ["wire"]
    made = vars(site)
    assert "copies_of" in made and not {"articles", "by_year", "claims", "published_by", "borrowed_from"} & set(made)
    assert "_infos" not in made  # nor the entries of every article: those it looked up


def test_what_waits_for_a_list_runs_once_it_is_made():
    """A rebuild hands the claims' stored digests to the digester once the claims are made
    (pipeline.py), and never makes them for that alone."""
    site = _site([make_article("a", "Text.", date="2018-01-02", claims=(_claim(),))])
    heard = []
    site.when_made("claims", lambda: heard.append(len(site.claims)))
    _ = site.article["a"], site.shape
    assert heard == [] and "claims" not in vars(site)
    _ = site.claims_by  # made with the claims
    assert heard == [1]
    _ = site.claims
    site.when_made("claims", lambda: heard.append("now"))
    assert heard == [1, "now"]


def test_an_outlets_borrowings_are_made_when_a_page_reads_them(monkeypatch):
    """The reuse figures and the list of outlets' counts of borrowings are made, and digested,
    without making an article's entry, and an outlet's page, which reads its own borrowings,
    makes the entries of those alone (making every outlet's made those of every copy and
    original: 21,000 at 100,000 articles)."""
    from newsarchive import sitemodel
    from newsarchive.dependencies import Digester

    wire = make_article("wire", "t", publisher="agency", date="2017-01-01")
    copy = make_article("copy", "t", publisher="outlet", date="2017-01-02")
    translated = make_article("tr", "t", publisher="outlet", original=Original("other", None, "translation", "e"))
    relation = Reprint("copy", "wire", "copy", 0.5, 0.5, (), "")
    site = _site([wire, copy, translated], [relation])
    made = []
    monkeypatch.setattr(sitemodel.ArticleInfo, "of", classmethod(
        lambda cls, article, _real=sitemodel.ArticleInfo.of.__func__: made.append(article.slug) or _real(cls, article)))
    assert (site.reuse["agency"].copied, site.reuse["outlet"].copying) == (1, 1) and made == []
    parse_digests = {"wire": b"1" * 32, "copy": b"2" * 32, "tr": b"3" * 32}
    counted = {outlet: len(site.borrowings_of.get(outlet, ())) for outlet in ("agency", "outlet", "other")}
    digests = [Digester(parse_digests).of(site.borrowings_of["outlet"]), Digester(parse_digests).of(site.borrowed_from)]
    assert counted == {"agency": 0, "outlet": 2, "other": 0} and made == []
    # ...and each digest moves with what a page shows of them: the copy, the original, the relation
    assert digests[0] != Digester({**parse_digests, "wire": b"4" * 32}).of(site.borrowings_of["outlet"])
    assert digests[1] != Digester({**parse_digests, "tr": b"4" * 32}).of(site.borrowed_from)
    assert digests[0] != Digester(parse_digests).of(
        _site([wire, copy, translated], [dataclasses.replace(relation, copy_share=0.6)]).borrowings_of["outlet"])
    assert made == []
    [translation] = site.borrowed_from["other"]
    assert (translation.copy.slug, translation.credit, translation.original) == ("tr", "translation", None)
    assert made == ["tr"]
    assert [b.copy.slug for b in site.borrowings_of["outlet"]] == ["copy", "tr"] and sorted(made) == ["copy", "tr", "wire"]


@settings(max_examples=80, deadline=None)
@example(days=["2017-01-02", None], titles=["a"] * 12, people=[["z"]] + [[]] * 11, changes=[(0, "gone")])  # z's list empties
@given(days=st.lists(st.sampled_from([None, "2017-01-02", "2017-01-03", "2018-05-01"]), min_size=1, max_size=12),
       titles=st.lists(st.sampled_from(["a", "b", "B"]), min_size=12, max_size=12),
       people=st.lists(st.lists(st.sampled_from(["x", "y", "z"]), max_size=2, unique=True), min_size=12, max_size=12),
       changes=st.lists(st.tuples(st.integers(0, 14), st.sampled_from(["gone", "redated", "retitled", "refiled"])),
                        max_size=5))
def test_orders_moved_by_the_changed_articles_are_the_sorted_orders(days, titles, people, changes):
    """The articles' orders the build state keeps, moved by the articles that came, went or
    changed date, title, people or outlet, are the orders sorting and filing every article
    gives: ties (one day, one title) in slug order, undated articles last, each person's and
    outlet's list in the same orders, none left empty."""
    from newsarchive.listing import Listing
    from newsarchive.sitemodel import ArchiveOrders

    def listing(day, title, named=(), outlet="outlet"):
        return Listing(day, title, (day, "day" if day else "unknown", ""), outlet, tuple(named), (), None)
    listed = {f"s{n:02}": listing(day, titles[n], people[n], f"outlet-{n % 2}") for n, day in enumerate(days)}
    before = ArchiveOrders.of(listed)
    now = dict(listed)
    for number, change in changes:
        slug = f"s{number:02}"
        if change == "gone":
            now.pop(slug, None)
            continue
        found = now.get(slug) or listing(None, "a")  # an article added, or one changed
        if change == "redated":
            found = listing("2017-01-03", found.title, found.people, found.publisher)
        elif change == "retitled":
            found = found._replace(title="b")
        else:
            found = found._replace(people=("z",) if found.people != ("z",) else (), publisher="outlet-2")
        now[slug] = found
    now = dict(sorted(now.items()))
    changed = {f"s{number:02}" for number, _ in changes}
    moved, made = before.moved(changed, now.get), ArchiveOrders.of(now)
    assert moved == made
    assert moved.filed_as_counted(_counts_of(now))


def _counts_of(listed):
    """The counts of people and outlets an ArchiveCounts makes of articles with these Listings."""
    from collections import Counter
    from newsarchive.sitemodel import ArchiveCounts
    return ArchiveCounts(Counter(p for found in listed.values() for p in found.people),
                         Counter(found.publisher for found in listed.values()), Counter(), Counter(), Counter())
