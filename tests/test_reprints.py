"""reprints: text reuse found from the texts, with passages, a justified direction and clusters."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from conftest import PROJECT, SEED_SLUGS, make_article, run_build
from newsarchive import reprints
from newsarchive.comparison import compare
from newsarchive.load import load_archive
from newsarchive.model import Original, Source
from newsarchive.text import paragraph_word_keys, word_keys, word_spans, words, words_by_regex

sys.path.insert(0, str(PROJECT / "bench"))
import synth  # noqa: E402

WIRE = [
    "The defence ministry announced on Tuesday that a new round of talks on the ceasefire will open "
    "next month in the capital, with delegations from both governments expected to attend the meeting.",
    "Officials said the agenda includes the exchange of prisoners, the reopening of the coastal road "
    "and a timetable for the withdrawal of foreign fighters from the front lines near the oil ports.",
    "Observers cautioned that earlier rounds collapsed within days after clashes broke out again on the "
    "outskirts of the city, and that neither side has yet named its chief negotiator for the new talks.",
    "The talks are the third attempt this year to end the fighting, which has forced thousands of families "
    "from their homes and closed the schools of the southern districts since the spring.",
]
OTHER = [
    "Farmers in the southern valley reported the best harvest in a decade after heavy winter rains "
    "filled the reservoirs that had stood almost empty since the drought began three years ago.",
    "Prices for grain fell at the regional market as traders brought in more wheat than the mills could "
    "process, and several cooperatives asked for new storage before the summer heat arrives.",
    "The regional council promised to repair the irrigation channels damaged by floods, but said the work "
    "would have to wait until the harvest is in and the roads to the valley are open again.",
]
SOURCES = {sid: Source(sid, name, (domain,), "website") for sid, name, domain in (
    ("agency", "Wire Agency", "wireagency.example"), ("site", "Daily Site", "dailysite.example"),
    ("paper", "Morning Paper", "morningpaper.example"))}


def detect(*articles, **options):
    return reprints.detect(tuple(articles), min_shared_words=40, min_share=0.15, sources=SOURCES, **options)


def relations(found):
    return sorted((r.copy, r.original, r.kind, r.basis) for r in found)


def text(*paragraphs):
    return "\n\n".join(paragraphs)


# --- Detection on the seeds ---------------------------------------------------------------

def test_seeds_only_relation_is_000_copying_001_in_its_four_shared_paragraphs():
    archive, _ = load_archive(PROJECT / "articles", PROJECT)
    found = reprints.detect(archive.articles, 40, 0.15, sources=archive.sources)
    assert [(r.copy, r.original, r.kind) for r in found] == [(SEED_SLUGS["000"], SEED_SLUGS["001"], "copy")]
    [relation] = found
    by = {a.slug: a for a in archive.articles}
    copy, original = by[relation.copy], by[relation.original]
    # The four shared paragraphs: the lead, the long quote, the "according to" paragraph, the
    # second quote. Each passage lies within one paragraph of each text, in the same order.
    assert len(relation.passages) == 4
    copy_text, original_text = reprints.plain_text(copy), reprints.plain_text(original)
    for n, passage in enumerate(relation.passages, start=1):
        copied = copy_text[passage.copy_start:passage.copy_end]
        source = original_text[passage.original_start:passage.original_end]
        assert "\n\n" not in copied and "\n\n" not in source
        assert copied.strip() in copy.paragraphs[n].strip() and source.strip() in original.paragraphs[n].strip()
    # Passages reach the paragraphs' edges: the dropped dateline and the added credit are
    # edits inside them.
    first, third = relation.passages[0], relation.passages[2]
    assert original_text[first.original_start:].startswith("MOSCOW (Sputnik) - Both")
    assert copy_text[third.copy_start:third.copy_end].endswith("reported Sputnik")
    assert 0.55 < relation.copy_share < 0.7 and 0.6 < relation.original_share < 0.75
    assert relation.basis == "attribution"  # 000 is undated and credits Sputnik


def test_seed_pairs_that_only_share_names_stay_apart():
    archive, _ = load_archive(PROJECT / "articles", PROJECT)
    prints = reprints.fingerprints(archive.articles)
    slugs = [a.slug for a in archive.articles]
    for x in range(len(prints)):
        for y in range(x + 1, len(prints)):
            if {slugs[x], slugs[y]} != {SEED_SLUGS["000"], SEED_SLUGS["001"]}:
                assert reprints.align(prints[x], prints[y]) == [], (slugs[x], slugs[y])


# --- Direction -----------------------------------------------------------------------------

def test_full_copy_of_a_dated_original_points_back_by_date():
    original = make_article("wire", text(*WIRE), date="2019-03-01")
    copy = make_article("copy", text(*WIRE), date="2019-03-02")
    [relation] = detect(original, copy)
    assert (relation.copy, relation.original, relation.kind, relation.basis) == ("copy", "wire", "copy", "dates")
    assert relation.copy_share == 1.0 and relation.original_share == 1.0


def test_month_and_year_dates_are_ranges():
    # "March 2019" may be before or after 15 March: the dates do not tell, containment does.
    a = make_article("a", text(*WIRE), date="2019-03")
    b = make_article("b", text(*WIRE[:2]), date="2019-03-15")
    [relation] = detect(a, b)
    assert (relation.copy, relation.basis) == ("b", "containment")
    # February 2019 is wholly before 1 March 2019, and 2018 before both.
    c = make_article("c", text(*WIRE), date="2019-02")
    d = make_article("d", text(*WIRE), date="2019-03-01")
    assert relations(detect(c, d)) == [("d", "c", "copy", "dates")]
    e = make_article("e", text(*WIRE), date="2018")
    assert relations(detect(e, d)) == [("d", "e", "copy", "dates")]


@pytest.mark.parametrize("credit", [
    {"original": Original("agency", None, "reprint", "reported Wire Agency")},
    {"text": WIRE[3] + " The report was first published by Wire Agency."},
    {"text": "Originally posted at wireagency.example."},
])
def test_attribution_decides_when_dates_are_equal_or_missing(credit):
    original = make_article("wire", text(*WIRE), date="2019-03-01", publisher="agency")
    body = text(*WIRE, credit["text"]) if "text" in credit else text(*WIRE)
    copy = make_article("copy", body, date="2019-03-01" if "text" in credit else None, publisher="site",
                        original=credit.get("original"))
    [relation] = detect(original, copy)
    assert (relation.copy, relation.original, relation.basis) == ("copy", "wire", "attribution")


def test_text_credit_reported_by_name():
    original = make_article("wire", text(*WIRE), publisher="agency")
    edited = WIRE[0].replace("meeting.", "meeting, reported Wire Agency.")
    copy = make_article("copy", text(edited, *WIRE[1:]), publisher="site")
    [relation] = detect(original, copy)
    assert (relation.copy, relation.basis) == ("copy", "attribution")


def test_containment_asymmetry_when_nothing_else_tells():
    edited = WIRE[1].replace("the coastal road", "the coast road").replace("near", "around")
    copy = make_article("copy", text(WIRE[2], edited))
    original = make_article("wire", text(*WIRE))
    [relation] = detect(original, copy)
    assert (relation.copy, relation.basis, len(relation.passages)) == ("copy", "containment", 2)


def test_equal_texts_with_equal_dates_are_same_text():
    a = make_article("a", text(*WIRE), date="2019-03-01")
    b = make_article("b", text(*WIRE), date="2019-03-01")
    [relation] = detect(a, b)
    assert (relation.kind, relation.basis) == ("same-text", "no evidence of direction")


def test_front_matter_confirms_rejects_and_overrides():
    a = make_article("a", text(*WIRE), date="2019-03-01")
    b = make_article("b", text(*WIRE), date="2019-03-02", not_reprint_of=("a",))
    assert detect(a, b) == ()
    # Confirmed by hand although the texts share nothing.
    c = make_article("c", OTHER[0], reprint_of=("d",))
    d = make_article("d", OTHER[1])
    [relation] = detect(c, d)
    assert (relation.copy, relation.original, relation.basis, relation.passages) == ("c", "d", "front matter", ())
    # The hand-set direction wins over the dates.
    e = make_article("e", text(*WIRE), date="2019-03-01", reprint_of=("f",))
    f = make_article("f", text(*WIRE), date="2019-03-05")
    assert relations(detect(e, f)) == [("e", "f", "copy", "front matter")]


# --- Containment decides only a clear partial copy ------------------------------------------

WIRE_SOURCES = {**SOURCES, "ap": Source("ap", "Associated Press", ("apnews.example",), "agency")}
UPDATE = ("UPDATE: The ministry said late on Tuesday that the talks would open a week later than planned, "
          "after one delegation asked for more time to name its members and to agree on the venue.")


def _alert_and_update(credit: str):
    """An undated agency alert as one outlet carries it, and another outlet's text carrying the
    same alert with an update paragraph on top; neither names the other's outlet."""
    paragraphs = list(WIRE[:3])
    original = None
    if credit == "front matter":
        original = Original("ap", None, "reprint", "Associated Press")
    elif credit == "dateline":
        paragraphs[0] = "TRIPOLI, Libya (AP) \u2014 " + paragraphs[0]
    else:
        paragraphs[2] = paragraphs[2].rstrip(".") + ", the Associated Press reported."
    alert = make_article("alert", text(*paragraphs), publisher="paper", original=original)
    update = make_article("update", text(UPDATE, *WIRE[:3]), publisher="site")
    return alert, update


@pytest.mark.parametrize("credit", ["front matter", "dateline", "text"])
def test_an_update_on_top_of_a_credited_alert_is_not_made_its_original(credit):
    alert, update = _alert_and_update(credit)
    [relation] = reprints.detect((alert, update), 40, 0.15, sources=WIRE_SOURCES)
    # Containment alone would call the alert a partial copy of the update: it is wholly inside it.
    assert relation.copy_share > 0.9 or relation.original_share > 0.9
    assert relation.kind == "same-text"
    assert "credits Associated Press" in relation.basis


def test_an_uncredited_text_mostly_inside_a_longer_one_is_still_its_partial_copy():
    alert, update = _alert_and_update("none")
    plain = make_article("alert", text(*WIRE[:3]), publisher="paper")
    [relation] = reprints.detect((plain, update), 40, 0.15, sources=WIRE_SOURCES)
    assert (relation.copy, relation.original, relation.kind, relation.basis) == ("alert", "update", "copy",
                                                                                 "containment")


def test_texts_sharing_a_passage_but_mostly_their_own_are_same_text():
    own = [" ".join(f"own{n}word{i}" for i in range(30)) for n in range(10)]
    a = make_article("a", text(WIRE[0], WIRE[1], *own[:2]))  # about half of it shared
    b = make_article("b", text(WIRE[0], WIRE[1], *own[2:]))  # about a fifth of it shared
    [relation] = detect(a, b)
    assert relation.copy_share - relation.original_share >= reprints.ASYMMETRY or \
        relation.original_share - relation.copy_share >= reprints.ASYMMETRY
    assert relation.kind == "same-text" and relation.basis == "no evidence of direction"


def test_the_site_shows_an_alert_and_its_update_as_the_same_text(project):
    from conftest import minimal_front, write_article

    with open(project / "articles" / "sources.yaml", "a", encoding="utf-8") as sources:
        sources.write("\nassociated-press:\n  name: Associated Press\n  domains: [apnews.com]\n  kind: agency\n")
    undated = {"date": "null", "date_precision": "unknown", "date_evidence": "nothing in the capture"}
    alert_body = text("TRIPOLI, Libya (AP) \u2014 " + WIRE[0], *WIRE[1:3]) + "\n"
    write_article(project, "alert", minimal_front("alert", **undated), alert_body, alert_body)
    update_body = text(UPDATE, *WIRE[:3]) + "\n"
    write_article(project, "update", minimal_front("update", publisher="libya-herald",
                                                   url="https://www.libyaherald.com/update/", **undated),
                  update_body, update_body)
    result = run_build(project)
    assert result.code == 0, result.err
    data = json.loads((project / "_site" / "data" / "reprints.json").read_text(encoding="utf-8"))
    entries = data if isinstance(data, list) else data.get("reprints", data.get("relations", []))
    [pair] = [r for r in entries if {r["copy"], r["original"]} == {"alert", "update"}]
    assert pair["kind"] == "same-text"
    page = (project / "_site" / "articles" / "update" / "index.html").read_text(encoding="utf-8")
    assert "Same text as" in page and "Reprinted by" not in page and "copies passages of" not in page


# --- Clusters: every copy points at the earliest witness ------------------------------------

def test_wire_text_carried_by_several_outlets_links_each_to_the_earliest():
    wire = make_article("wire", text(*WIRE), date="2019-03-01", publisher="agency")
    copies = [make_article(f"copy{n}", text(*WIRE), date=f"2019-03-0{n + 1}", publisher="site")
              for n in range(1, 5)]
    found = detect(wire, *copies)
    assert [(r.copy, r.original) for r in found] == [(f"copy{n}", "wire") for n in range(1, 5)]


def test_partial_copies_of_one_original_do_not_link_to_each_other():
    wire = make_article("wire", text(*WIRE), date="2019-03-01")
    first = make_article("first", text(*WIRE[:3]), date="2019-03-02")
    second = make_article("second", text(*WIRE[1:]), date="2019-03-03")
    assert [(r.copy, r.original) for r in detect(wire, first, second)] == [("first", "wire"), ("second", "wire")]


def test_undated_wire_is_the_witness_its_credited_copies_point_to():
    wire = make_article("wire", text(*WIRE), publisher="agency")
    credit = Original("agency", None, "reprint", "Wire Agency")
    a = make_article("a", text(*WIRE), date="2019-03-02", publisher="site", original=credit)
    b = make_article("b", text(*WIRE), date="2019-03-04", publisher="paper", original=credit)
    assert [(r.copy, r.original, r.basis) for r in detect(wire, a, b)] == [
        ("a", "wire", "attribution"), ("b", "wire", "attribution")]


def test_a_copy_of_two_originals_keeps_both():
    first = make_article("first", text(*WIRE), date="2019-03-01")
    second = make_article("second", text(*OTHER), date="2019-03-01")
    digest = make_article("digest", text(WIRE[0], WIRE[1], OTHER[0], OTHER[2]), date="2019-03-02")
    assert [(r.copy, r.original) for r in detect(first, second, digest)] == [
        ("digest", "first"), ("digest", "second")]


def test_a_copy_that_adds_its_own_text_to_a_copy_links_to_both_witnesses():
    wire = make_article("wire", text(*WIRE[:2]), date="2019-03-01")
    reworked = make_article("reworked", text(*WIRE[:2], *OTHER), date="2019-03-02")
    third = make_article("third", text(*WIRE[:2], *OTHER), date="2019-03-03")
    found = [(r.copy, r.original) for r in detect(wire, reworked, third)]
    # The wire's paragraphs are first seen in the wire, the added ones in the reworked piece.
    assert found == [("reworked", "wire"), ("third", "reworked"), ("third", "wire")]


# --- What is and is not copying --------------------------------------------------------------

def test_same_topic_articles_sharing_names_and_titles_are_not_reprints():
    names = ["the Government of National Accord (GNA)", "Khalifa Haftar, commander of the Libyan National Army",
             "Head of the Russian Contact Group for intra-Libyan settlement Lev Dengov",
             "the Libyan National Army (LNA)"]
    a = make_article("a", text(*(f"{OTHER[k]} {names[k]} said so, and {names[(k + 1) % 4]} agreed." for k in range(3))))
    b = make_article("b", text(*(f"{names[k]} disagreed. {WIRE[k]} Then {names[(k + 2) % 4]} left." for k in range(3))))
    assert detect(a, b) == ()


def test_edited_reordered_partial_copy_is_found_with_its_edits():
    rng = np.random.default_rng(3)
    paragraphs = [p.split() for p in WIRE]
    edited = []
    for words_ in paragraphs:  # about one word in ten replaced
        edited.append(" ".join("changed" if rng.random() < 0.1 else w for w in words_))
    copy = make_article("copy", text(edited[3], edited[1], edited[0]), date="2019-03-02")
    original = make_article("wire", text(*WIRE), date="2019-03-01")
    [relation] = detect(original, copy)
    assert (relation.copy, relation.original) == ("copy", "wire")
    assert len(relation.passages) == 3
    comparison = compare(reprints.plain_text(copy), reprints.plain_text(original), relation.passages)
    assert comparison.replaced >= 3
    assert [row.original_order for row in comparison.rows if row.passage] == [3, 2, 1]  # reordered


def test_candidates_come_from_shared_marks_only():
    prints = [reprints.fingerprints([make_article(s, t)])[0] for s, t in
              (("a", text(*WIRE[:2])), ("b", OTHER[0]), ("c", text(*WIRE[:2], OTHER[1])))]
    assert [(x, y) for x, y, _ in reprints.candidate_pairs(prints).tolist()] == [(0, 2)]


def test_worker_processes_give_the_same_answer():
    archive = synth.make_archive(300, seed=5)
    alone = reprints.detect(archive.articles, sources=archive.sources, workers=1)
    assert alone
    for workers in (2, 3):
        assert reprints.detect(archive.articles, sources=archive.sources, workers=workers, parallel_min=1) == alone


def test_small_benchmark_meets_precision_and_recall():
    sys.path.insert(0, str(PROJECT / "bench"))
    import reprints as bench  # bench/reprints.py

    result = bench.run(1500, seed=2, workers=1)
    assert result["articles"] == 1500 and result["relations_true"] > 500
    assert result["precision"] >= 0.99 and result["recall"] >= 0.99


# --- Fingerprints ----------------------------------------------------------------------------

def test_fingerprints_do_not_depend_on_python_hash_seed():
    script = ("import sys; sys.path.insert(0, %r); from newsarchive import reprints; "
              "fp = reprints.fingerprint_texts([[%r, %r]], ['k'])[0]; "
              "print(fp.words.tolist(), fp.marks.tolist())") % (str(PROJECT), WIRE[0], WIRE[1])
    outputs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(outputs) == 1


def test_fingerprint_is_the_same_alone_or_in_a_batch():
    texts = [WIRE, [], [OTHER[0]], ["One two three.", ""], ["Short"], WIRE[::-1] + OTHER]
    together = reprints.fingerprint_texts(texts)
    for paragraphs, fp in zip(texts, together):
        [alone] = reprints.fingerprint_texts([paragraphs])
        assert np.array_equal(alone.words, fp.words) and np.array_equal(alone.marks, fp.marks)
        assert np.array_equal(alone.paragraphs, fp.paragraphs)


_TEXT = st.text(alphabet=st.sampled_from(list("ab Z9_'’‘“”\u00a0\n.-é½") + ["\u2014", "ﬁ", "Ä"]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, max_size=4))
def test_fast_word_reading_matches_words(paragraphs):
    for paragraph in paragraphs:
        expected = words_by_regex(paragraph)  # the definition; words() itself reads ASCII text on bytes
        assert words(paragraph) == expected
        assert word_keys(paragraph) == [w.encode() for w, _, _ in expected]
        starts, ends = word_spans(paragraph)
        assert list(zip(starts.tolist(), ends.tolist())) == [(s, e) for _, s, e in expected]
    keys, starts = paragraph_word_keys([paragraphs, paragraphs[:1]])
    expected_keys = [k for p in paragraphs + paragraphs[:1] for k in word_keys(p)]
    assert keys == expected_keys and len(starts) == 2


# --- Fingerprints reused from the cache (fpcache: tests/test_fpcache.py) ----------------------

def test_reused_fingerprints_give_the_same_relations():
    articles = (make_article("wire", text(*WIRE), date="2019-03-01"),
                make_article("copy", text(*WIRE[:3]), date="2019-03-02"))
    known = {fp.key: fp for fp in reprints.fingerprints(articles, known={})}
    prints = reprints.fingerprints(articles, known=known)
    assert all(fp is known[fp.key] for fp in prints)  # an unchanged text's fingerprint is the one known
    assert detect(*articles, prints=prints) == detect(*articles)


def _archive_with_reprints():
    return [make_article("wire", text(*WIRE), date="2019-03-01", publisher="agency"),
            make_article("copy", text(*WIRE[:3]), date="2019-03-02", publisher="site"),
            make_article("edited", text(WIRE[0].replace("Tuesday", "Monday"), *WIRE[1:]), publisher="paper"),
            make_article("farm", text(*OTHER), date="2019-03-01", publisher="paper"),
            make_article("forced", text(OTHER[0], WIRE[3]), publisher="site", reprint_of=("farm",))]


def test_known_alignments_give_the_same_relations_and_spare_aligning_again():
    articles = _archive_with_reprints()
    prints = reprints.fingerprints(articles, known={})
    fresh = detect(*articles, prints=prints)
    alignments = {}
    assert detect(*articles, prints=prints, alignments=alignments) == fresh
    assert len(alignments) >= 4 and all(len(key) == 2 for key in alignments)
    assert detect(*articles, prints=prints, alignments=dict(alignments)) == fresh
    # Known alignments are taken as they are, not made again: stored as "no passage", a pair
    # is no reprint (only the one set by hand in front matter stays).
    nothing = {key: () for key in alignments}
    assert [(r.copy, r.original) for r in detect(*articles, prints=prints, alignments=nothing)] == [("forced", "farm")]
    # One text edited: only the pairs with it are aligned again, and the result is a full detection's.
    copy_key = prints[1].key
    articles[1] = make_article("copy", text(*WIRE[:2], "A paragraph of its own about other matters entirely."),
                               date="2019-03-02", publisher="site")
    prints = reprints.fingerprints(articles, known={fp.key: fp for fp in prints})
    full = detect(*articles, prints=prints)
    assert any(r.copy == "copy" for r in full)
    before = set(alignments)
    assert detect(*articles, prints=prints, alignments=alignments) == full
    assert not any(prints[1].key in key for key in before)
    assert any(prints[1].key in key for key in alignments)
    assert all(key in before or prints[1].key in key for key in alignments)  # new pairs: the edited text's
    assert all(key in alignments for key in before if copy_key not in key)  # the others are kept
    nothing = {key: () for key in before if copy_key not in key}
    assert [r for r in detect(*articles, prints=prints, alignments=nothing) if r.copy != "forced"] == \
        [r for r in full if "copy" in (r.copy, r.original)]  # only the edited text's pairs were aligned


def test_alignments_are_keyed_by_order_of_earliness_and_checked_against_the_texts():
    articles = _archive_with_reprints()
    prints = reprints.fingerprints(articles, known={})
    fresh = detect(*articles, prints=prints)
    alignments = {}
    detect(*articles, prints=prints, alignments=alignments)
    wire, copy = prints[0].key, prints[1].key
    assert (wire, copy) in alignments and (copy, wire) not in alignments  # the earlier text first
    # A stored alignment that does not fit its texts is not used.
    damaged = dict(alignments)
    damaged[wire, copy] = (reprints.Match(0, 10 ** 6, 0, 10 ** 6, 30, 30),)
    assert detect(*articles, prints=prints, alignments=damaged) == fresh
    assert damaged == alignments
    # Fingerprints made without keys (detection alone) cannot use it.
    keyless = reprints.fingerprints(articles)
    assert detect(*articles, prints=keyless, alignments={}) == fresh


# --- which outlets a text credits: looked up by the names' first words -----------------------

_OUTLET_NAMES = ["Sputnik", "Libya Herald", "The Times", "AP", "al-Marsad", "Reuters", "(The) Daily", "news.example.org",
                 "Ålesund Avis", "ΕΡΤ", "Times of Malta", "Agence France-Presse"]
_CREDIT_WORDS = ["reported", "reported by", "according to", "via", "told the", "Originally posted at", "wrote",
                 "said", "Source:", "courtesy of"]
_FILLER = ["the", "minister", "Times", "Libya", "herald", "daily", "(", ")", ",", ".", "-", "_", "2017", "\n\n",
           "AP.", "Sputnik's", "newsexample", "Ålesund"]


def _credited_by_every_name(credits, article):
    """The search the index replaced: every outlet's names looked for in every text."""
    from newsarchive.reprints.direction import _WIRE_DATELINE, plain_text

    found = {article.original.source} if article.original is not None else set()
    found |= {source_id for source_id in credits._names if credits.gives(article, source_id)}
    dateline = _WIRE_DATELINE.match(plain_text(article))
    if dateline:
        key = " ".join(dateline.group("name").casefold().split())
        found |= {source_id for source_id, names in credits._names.items()
                  if key in names or key == credits._acronyms[source_id]}
    return tuple(sorted(found - {article.publisher}))


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.one_of(st.sampled_from(_OUTLET_NAMES), st.sampled_from(_CREDIT_WORDS),
                                st.sampled_from(_FILLER), st.text(max_size=8)), max_size=40),
       casing=st.sampled_from([str, str.upper, str.lower]), joiner=st.sampled_from([" ", "", "  "]))
def test_credited_outlets_are_those_a_search_of_every_name_finds(parts, casing, joiner):
    sources = {f"s{n}": Source(f"s{n}", name, (f"s{n}.example",) if n % 2 else (), "website")
               for n, name in enumerate(_OUTLET_NAMES)}
    text = casing(joiner.join(parts)) or "x"
    article = make_article("a", text, publisher="s0")
    credits = reprints.Credits(sources)
    assert credits.credited(article) == _credited_by_every_name(reprints.Credits(sources), article)
