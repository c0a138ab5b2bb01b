"""reprints: text reuse found from the texts, with passages and a justified direction."""

from conftest import PROJECT, SEED_SLUGS, make_article
from newsarchive import reprints
from newsarchive.load import load_archive
from newsarchive.model import Original

WIRE = [
    "The defence ministry announced on Tuesday that a new round of talks on the ceasefire will open "
    "next month in the capital, with delegations from both governments expected to attend the meeting.",
    "Officials said the agenda includes the exchange of prisoners, the reopening of the coastal road "
    "and a timetable for the withdrawal of foreign fighters from the front lines near the oil ports.",
    "Observers cautioned that earlier rounds collapsed within days after clashes broke out again on the "
    "outskirts of the city, and that neither side has yet named its chief negotiator for the new talks.",
]
OTHER = [
    "Farmers in the southern valley reported the best harvest in a decade after heavy winter rains "
    "filled the reservoirs that had stood almost empty since the drought began three years ago.",
    "Prices for grain fell at the regional market as traders brought in more wheat than the mills could "
    "process, and several cooperatives asked for new storage before the summer heat arrives.",
]


def detect(*articles):
    return reprints.detect(tuple(articles), min_shared_words=40, min_share=0.15)


def test_seeds_only_relation_is_000_copying_001():
    archive, _ = load_archive(PROJECT / "articles", PROJECT)
    relations = detect(*archive.articles)
    assert [(r.copy, r.original, r.kind) for r in relations] == [(SEED_SLUGS["000"], SEED_SLUGS["001"], "copy")]
    relation = relations[0]
    by = {a.slug: a for a in archive.articles}
    copy_text = reprints.plain_text(by[relation.copy])
    original_text = reprints.plain_text(by[relation.original])
    # The four shared paragraphs: the lead, two quotes and the "according to Lev Dengov" paragraph.
    assert len(relation.passages) == 4
    starts = [copy_text[p.copy_start:p.copy_end][:30] for p in relation.passages]
    assert starts[0].startswith("The Libyan Government")
    assert starts[2].startswith("Libya’s National Accord")
    for passage in relation.passages:
        assert reprints.words(copy_text[passage.copy_start:passage.copy_end])[0][0] == \
            reprints.words(original_text[passage.original_start:passage.original_end])[0][0]
    assert 0.5 < relation.copy_share < 0.8 and 0.5 < relation.original_share < 0.8


def test_full_copy_of_a_dated_original_points_back_by_date():
    original = make_article("wire", "\n\n".join(WIRE), date="2019-03-01")
    copy = make_article("copy", "\n\n".join(WIRE), date="2019-03-02")
    [relation] = detect(original, copy)
    assert (relation.copy, relation.original, relation.basis) == ("copy", "wire", "dates")
    assert relation.copy_share == 1.0 and relation.original_share == 1.0


def test_partial_edited_and_reordered_copy_is_found():
    edited = WIRE[1].replace("the coastal road", "the coast road").replace("near", "around")
    copy = make_article("copy", "\n\n".join(["From our correspondent.", WIRE[2], edited]))
    original = make_article("wire", "\n\n".join(WIRE))
    [relation] = detect(original, copy)
    assert relation.copy == "copy"  # the copy's text is mostly inside the original, not vice versa
    assert relation.basis == "containment"
    assert len(relation.passages) == 2


def test_same_topic_articles_sharing_names_are_not_reprints():
    a = make_article("a", "The Government of National Accord (GNA) in Tripoli said Khalifa Haftar "
                          "and the Libyan National Army must join the talks. " + OTHER[0])
    b = make_article("b", "Khalifa Haftar and the Libyan National Army rejected the Government of National "
                          "Accord (GNA) in Tripoli and its plan. " + OTHER[1])
    assert detect(a, b) == ()


def test_attribution_decides_when_dates_are_missing():
    original = make_article("wire", "\n\n".join(WIRE), publisher="agency")
    copy = make_article("copy", "\n\n".join(WIRE), publisher="site",
                        original=Original("agency", None, "reprint", "reported Agency"))
    [relation] = detect(original, copy)
    assert (relation.copy, relation.basis) == ("copy", "attribution")


def test_equal_texts_without_evidence_are_same_text():
    a = make_article("a", "\n\n".join(WIRE), date="2019-03-01")
    b = make_article("b", "\n\n".join(WIRE), date="2019-03-01")
    [relation] = detect(a, b)
    assert relation.kind == "same-text"


def test_front_matter_confirms_and_rejects():
    a = make_article("a", "\n\n".join(WIRE), date="2019-03-01")
    b = make_article("b", "\n\n".join(WIRE), date="2019-03-02", not_reprint_of=("a",))
    assert detect(a, b) == ()
    c = make_article("c", OTHER[0], reprint_of=("d",))
    d = make_article("d", OTHER[1])
    [relation] = detect(c, d)
    assert (relation.copy, relation.original, relation.basis) == ("c", "d", "front matter")


def test_month_precision_dates_that_overlap_do_not_decide():
    a = make_article("a", "\n\n".join(WIRE), date="2019-03")
    b = make_article("b", "\n\n".join(WIRE[:2]), date="2019-03-15")
    [relation] = detect(a, b)
    assert relation.basis == "containment" and relation.copy == "b"


def test_candidates_come_from_shared_shingles_only():
    prints = [reprints.fingerprint(make_article(s, t)) for s, t in
              (("a", WIRE[0]), ("b", OTHER[0]), ("c", WIRE[0] + " " + OTHER[1]))]
    assert [(x, y) for x, y, _ in reprints.candidate_pairs(prints).tolist()] == [(0, 2)]
