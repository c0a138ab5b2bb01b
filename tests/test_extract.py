"""extract.py, one extractor at a time, on small pages written for each rule."""

import pytest

from newsarchive import extract as ex
from newsarchive.extract.datetext import dates_in_address, find_dates
from newsarchive.model import Actor, Article, Claim, PubDate, Source

SOURCES = {
    "daily-star": Source("daily-star", "Daily Star", ("dailystar.example",), "newspaper"),
    "wire-agency": Source("wire-agency", "Wire Agency", ("wireagency.example",), "agency"),
}
ACTORS = {
    "jan-kowalski": Actor("jan-kowalski", "Jan Kowalski", ("Kowalski", "J. Kowalski"), "Minister of Ports",
                          "Government", "A minister."),
    "jose-nunez": Actor("jose-nunez", "José Núñez", ("Nunez",), "Mayor", "", "A mayor."),
    "ali-al-tabbal": Actor("ali-al-tabbal", "Ali Al-Tabbal", ("Al-Tabbal",), "Spokesman for the harbour board",
                           "", "A spokesman."),
}
REGISTRY = ex.Registry(ACTORS, SOURCES, ())
PROSE = ("The harbour board voted on the new tariffs after a long debate that lasted until late in the evening. "
         "Dock workers gathered outside the building while the members argued over the figures.")


def run(text, url="https://dailystar.example/news/harbour-tariffs", registry=REGISTRY, upto=None):
    page, done = ex.Page(text, url), {}
    for name, extractor in ex.EXTRACTORS.items():
        done[name] = extractor(page, registry, done)
        if name == upto:
            break
    return done


def body_texts(done):
    return [line.text for line in done["body"].value.paragraphs]


# --- body -----------------------------------------------------------------------------------

def test_body_keeps_the_prose_run_and_drops_chrome_around_it():
    text = "\n".join([
        "Home / City / Harbour", "Menu", "Log in", "", "Harbour tariffs rise by a third", "",
        PROSE, "Second paragraph of the report, with enough words to count as a sentence of prose.",
        "Advertisement",
        "Third paragraph continues the report after the advertisement, again a full sentence.",
        "", "Related", "Fishermen protest new quotas", "Tags: harbour, tariffs, city",
        "We use cookies to give you the best experience on our site. Accept",
    ])
    done = run(text, upto="body")
    assert body_texts(done) == [PROSE, "Second paragraph of the report, with enough words to count as a "
                                "sentence of prose.", "Third paragraph continues the report after the "
                                "advertisement, again a full sentence."]
    reasons = {line.text: why for line, why in done["body"].value.removed}
    assert reasons["Advertisement"] == "page furniture inside the article"
    assert reasons["Related"] == "below the article"


def test_body_folds_no_break_spaces_and_keeps_quotes_verbatim():
    done = run("Headline here\n\n\u00a0\u201cWe\u00a0will  build it,\u201d the mayor said on the radio this "
               "morning, according to those who heard it.\u00a0\n", upto="body")
    assert body_texts(done) == ["\u201cWe will build it,\u201d the mayor said on the radio this morning, "
                                "according to those who heard it."]


def test_a_teaser_cut_short_is_not_article_text():
    done = run(PROSE + "\nSee also\nPort strike ends after two weeks of talks between the unions and the "
               "board, ...\n", upto="body")
    assert body_texts(done) == [PROSE]


def test_unmarked_reader_comments_after_the_article_are_dropped():
    article = [PROSE,
               "\u201cThe tariffs will pay for the new crane,\u201d the chairman of the board said after the vote.",
               "The new tariffs take effect in May and will be reviewed after one year, the board said."]
    comments = ["I think this is a disgrace and you all know who profits from it.",
                "and who profits from it, tell me that",
                "Totally agree!!",
                "Why do we even pay taxes in this city?"]
    done = run("\n".join(article + comments), upto="body")
    assert body_texts(done) == article


def test_first_person_reporting_is_not_mistaken_for_comments():
    essay = ["I went to the harbour on Monday to see the new crane for myself, and I was not alone there.",
             "We walked along the quay with the workers, who told me they had not been paid for weeks.",
             "My guide, a docker for thirty years, said the board had never listened to them at all.",
             "I asked the chairman about it later; he said the money would come once the tariffs were paid."]
    assert body_texts(run("\n".join(essay), upto="body")) == essay


def test_no_prose_at_all_gives_an_empty_body():
    done = run("Home\nNews\nSport\nWeather\nContact\n", upto="body")
    assert body_texts(done) == [] and not done["body"].confident


# --- title ----------------------------------------------------------------------------------

def test_title_is_the_heading_sharing_the_address_words_not_the_caption():
    text = "\n".join([
        "Harbour tariffs rise by a third",
        "Dock workers wait at the gate of the harbour board on a grey morning (left) in a file photo from last year",
        PROSE])
    done = run(text, url="https://dailystar.example/2019/05/02/harbour-tariffs-rise-by-a-third/", upto="title")
    assert done["title"].value == "Harbour tariffs rise by a third" and done["title"].confident
    assert done["title"].line.number == 1


def test_title_from_the_address_when_the_page_has_no_headline():
    text = PROSE + "\nThe Harbour board said the decision was final and that the Tariffs would apply from May."
    done = run(text, url="https://dailystar.example/harbour-board-raises-tariffs", upto="title")
    assert done["title"].value == "Harbour board raises tariffs"
    assert not done["title"].confident and done["title"].line is None


# --- dates ----------------------------------------------------------------------------------

@pytest.mark.parametrize("url, iso, precision", [
    ("https://a.example/2016/12/03/some-story/", "2016-12-03", "day"),
    ("https://a.example/middleeast/201802201061826555-some-story/", "2018-02-20", "day"),
    ("https://a.example/china/2012-08/22/content_15697021.htm", "2012-08-22", "day"),
    ("https://a.example/news/2019-03-14-some-story", "2019-03-14", "day"),
    ("https://a.example/2017/11/some-story", "2017-11", "month"),
    ("https://a.example/archive/2015/some-story", "2015", "year"),
])
def test_dates_in_addresses(url, iso, precision):
    found = dates_in_address(url)
    assert (found[0][0].iso, found[0][0].precision) == (iso, precision)


@pytest.mark.parametrize("url", ["https://a.example/news/12345-some-story", "https://a.example/2016/13/45/x/",
                                 "https://a.example/article/98765432"])
def test_addresses_without_a_valid_date(url):
    assert dates_in_address(url) == []


def test_find_dates_in_several_styles():
    found = find_dates("Talks on 5 March 2019, again on March 7th, 2019 and 2019-03-09; also 10.03.2019, "
                          "and in April 2019. Not 31 February 2019.")
    assert [(d.iso, d.precision) for d in found] == [
        ("2019-03-05", "day"), ("2019-03-07", "day"), ("2019-03-09", "day"), ("2019-03-10", "day"),
        ("2019-04", "month")]


def test_a_chrome_date_at_the_top_does_not_beat_the_address():
    text = "Tuesday, 4 August 2020\nHome / News\nHarbour tariffs rise\n" + PROSE
    done = run(text, url="https://dailystar.example/2016/12/03/harbour-tariffs-rise/")
    assert (done["date"].value.iso, done["date"].value.precision) == ("2016-12-03", "day")
    assert "4 August 2020" in done["date"].evidence and "captured" in done["date"].evidence


def test_a_date_bar_alone_is_not_taken_as_the_publication_date():
    done = run("Friday, 12 June 2020 | Login\nHarbour tariffs rise\n" + PROSE)
    assert done["date"].value.iso is None and done["date"].value.precision == "unknown"
    assert "date bar" in done["date"].evidence


def test_a_published_stamp_gives_the_day():
    done = run("Harbour tariffs rise\nPublished: 22.08.2012 16:33\n" + PROSE)
    assert done["date"].value.iso == "2012-08-22" and done["date"].confident


def test_an_update_stamp_alone_is_used_with_low_confidence():
    done = run("Harbour tariffs rise\nUpdated: 2012-08-22 16:33\n" + PROSE)
    assert done["date"].value.iso == "2012-08-22" and not done["date"].confident
    assert "update" in done["date"].evidence


def test_dateline_year_from_the_address():
    text = "Harbour tariffs rise\nGDANSK, May 2 (Wire Agency) - " + PROSE
    done = run(text, url="https://dailystar.example/2019/05/harbour-tariffs")
    assert (done["date"].value.iso, done["date"].value.precision) == ("2019-05-02", "day")
    without_year = run(text, url="https://dailystar.example/harbour-tariffs")
    assert without_year["date"].value.iso is None
    assert "gives no year" in without_year["date"].evidence


def test_relative_days_are_placed_only_with_an_anchor():
    text = "Harbour tariffs rise\nThe board met on Wednesday and voted on the tariffs after a long and " \
           "bitter debate about the figures."
    anchored = run(text, url="https://dailystar.example/2019/03/15/harbour/")  # a Friday
    assert "'on Wednesday' is most likely 2019-03-13" in anchored["date"].evidence
    loose = run(text)
    assert loose["date"].value.iso is None
    assert "cannot be placed" in loose["date"].evidence


def test_text_dates_only_bound_an_undated_piece():
    done = run("Harbour tariffs rise\nThe tariffs were first proposed on 3 May 2017 by the board, which "
               "has debated them ever since without a vote.")
    assert done["date"].value.iso is None
    assert "3 May 2017" in done["date"].evidence and "after" in done["date"].evidence


# --- publisher and original -------------------------------------------------------------------

def test_publisher_from_the_domain_including_subdomains():
    assert run(PROSE, url="https://www.dailystar.example/x")["publisher"].value == "daily-star"
    assert run(PROSE, url="https://maps.dailystar.example/x")["publisher"].value == "daily-star"


def test_unknown_domain_proposes_a_source_named_as_the_page_prints_it():
    done = run("THE HARBOUR GAZETTE\n" + PROSE + "\n\u00a9 2019 Harbour Gazette",
               url="https://www.harbourgazette.example/tariffs")
    found = done["publisher"]
    assert not found.confident and found.value == "the-harbour-gazette"
    (source,) = found.proposed
    assert (source.name, source.domains, source.kind) == ("The Harbour Gazette", ("harbourgazette.example",),
                                                          "newspaper")


@pytest.mark.parametrize("url, name, domains", [
    ("http://world-news-post.blogspot.com/2011/03/x.html", "World News Post", ("world-news-post.blogspot.com",)),
    ("https://harbourwatch.wordpress.com/2019/05/01/x/", "Harbourwatch", ("harbourwatch.wordpress.com",)),
    ("https://thestar.blogs.com/photoblog/x/", "Thestar", ("thestar.blogs.com",)),
    ("https://news.harbourgazette.co.uk/x", "Harbourgazette", ("harbourgazette.co.uk", "news.harbourgazette.co.uk")),
])
def test_a_blog_on_a_platform_is_its_own_outlet_not_the_platform(url, name, domains):
    (source,) = run(PROSE, url=url)["publisher"].proposed
    assert (source.name, source.domains) == (name, domains)


@pytest.mark.parametrize("credit", ["SOURCE: News agencies", "Source: Agencies", "Source: wires and staff reports"])
def test_a_credit_to_the_wires_in_general_names_no_original(credit):
    done = run(PROSE + "\n" + credit, url="https://www.harbourgazette.example/tariffs")
    assert done["original"].value is None
    assert not any(source.name.lower() in ("news", "agencies") for source in done["publisher"].proposed)


def test_an_outlet_named_in_the_possessive_is_proposed_under_its_name():
    done = run(PROSE + "\nSign up for The Harbour Gazette's newsletter.", url="https://www.harbourgazette.example/tariffs")
    (source,) = done["publisher"].proposed
    assert source.name == "The Harbour Gazette"


@pytest.mark.parametrize("sentence, source, relation", [
    ("Originally appeared at Daily Star, translated by Ana Lopes for our readers.", "daily-star", "translation"),
    ("This article was originally published by the Daily Star.", "daily-star", "reprint"),
    ("The ministry confirmed the figures, reported Wire Agency.", "wire-agency", "reprint"),
    ("The figures are final, the Daily Star reported on its website.", "daily-star", "reprint"),
    ("A harbour official told the Daily Star that the figures were final.", "daily-star", "reprint"),
])
def test_original_from_credit_and_attribution_phrases(sentence, source, relation):
    # in the lead, where a news item says whose report it is
    done = run(PROSE + " " + sentence + "\nThe members will meet again next month to decide on the rest.",
               url="https://other.example/x")
    assert (done["original"].value.source, done["original"].value.relation) == (source, relation)


@pytest.mark.parametrize("sentence", [
    "The ministry confirmed the figures, reported the Daily Star.",
    "The Daily Star reported on Sunday that the tariffs would rise.",
    "The tariffs are final, according to the Daily Star.",
    "\u201cThe figures are final,\u201d said one official, as reported by the Daily Star newspaper.",
])
def test_an_attribution_further_down_sources_a_fact_not_the_text(sentence):
    # After the lead, an attribution sources one fact: the text is not the outlet's report ...
    done = run(PROSE + "\n" + sentence, url="https://other.example/x")
    assert done["original"].value is None
    # ... unless the archive holds an article of that outlet whose passages the text shares.
    original = Article(
        slug="tariffs-story", path=None, title="t", url="https://dailystar.example/t", capture="captures/t.txt",
        date=PubDate("2019-05-01", "day", "e"), publisher="daily-star", original=None, credit="", people=(),
        claims=(), reprint_of=(), not_reprint_of=(), body=PROSE, paragraphs=(PROSE,))
    copied = run(PROSE + "\n" + sentence, url="https://other.example/x",
                 registry=ex.Registry(ACTORS, SOURCES, (original,)))
    assert (copied["original"].value.source, copied["original"].value.article) == ("daily-star", "tariffs-story")


def test_someone_who_told_an_outlet_spoke_to_its_reporter_wherever_it_stands():
    done = run(PROSE + "\nA harbour official told the Daily Star that the figures were final.",
               url="https://other.example/x")
    assert done["original"].value.source == "daily-star"


def test_wire_dateline_names_the_original_but_not_on_the_agency_own_page():
    text = "GDANSK, May 2 (Wire Agency) - " + PROSE
    assert run(text, url="https://other.example/x")["original"].value.source == "wire-agency"
    assert run(text, url="https://wireagency.example/x")["original"].value is None


def test_an_unknown_outlet_is_proposed_and_a_person_is_not_an_outlet():
    done = run(PROSE + " The figures are final, reported the Baltic Times.", url="https://other.example/x")
    assert done["original"].value.source == "baltic-times"
    assert done["original"].proposed[0].kind == "newspaper"
    assert run(PROSE + " The figures are final, according to Jan Kowalski.",
               url="https://other.example/x")["original"].value is None


def test_original_links_the_archived_article_sharing_its_text():
    original = Article(
        slug="tariffs-story", path=None, title="t", url="https://dailystar.example/t", capture="captures/t.txt",
        date=PubDate("2019-05-01", "day", "e"), publisher="daily-star", original=None, credit="", people=(),
        claims=(), reprint_of=(), not_reprint_of=(), body=PROSE, paragraphs=(PROSE,))
    registry = ex.Registry(ACTORS, SOURCES, (original,))
    done = run(PROSE + "\nThe Daily Star reported the vote first.", url="https://other.example/x",
               registry=registry)
    assert done["original"].value.article == "tariffs-story"
    unrelated = run("The Daily Star reported it. A different story entirely about the weather and the rain that "
                    "fell all week long in the hills.", url="https://other.example/x", registry=registry)
    assert unrelated["original"].value.source == "daily-star" and unrelated["original"].value.article is None


# --- people ---------------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["Jan Kowalski", "JAN KOWALSKI", "Kowalski's", "kowalski\u2019s"])
def test_registry_names_whatever_the_case_or_possessive(spelling):
    done = run(PROSE + f"\nThe plan was {spelling} idea from the start, the board members agreed later.")
    assert "jan-kowalski" in done["people"].value


@pytest.mark.parametrize("spelling", ["Jose Nunez", "JOSÉ NÚÑEZ", "Ali al Tabbal", "Ali Al-Tabbal", "al-tabbal"])
def test_registry_names_whatever_the_accents_or_hyphens(spelling):
    done = run(PROSE + f"\nIt was {spelling} who opened the meeting with a short speech to the members.")
    assert set(done["people"].value) & {"jose-nunez", "ali-al-tabbal"}


def test_new_people_from_role_words_speech_verbs_and_surnames():
    text = "\n".join([
        PROSE,
        "Port spokeswoman Marta Lindqvist said the board would publish the figures next week.",
        "\u201cNothing is hidden,\u201d Lindqvist said after the meeting with the dockers.",
        "The plan was drawn up by the deputy director of the port authority, Piotr Zielinski, in March.",
        "Workers marched from Saint Mary Square to the New Harbour Bridge in the afternoon rain.",
    ])
    done = run(text)
    new = {a.id: a for a in done["people"].proposed}
    assert set(new) == {"marta-lindqvist", "piotr-zielinski"}
    assert new["marta-lindqvist"].aliases == ("Lindqvist",)
    assert new["piotr-zielinski"].role == "Deputy director of the port authority"
    assert not done["people"].confident


# --- claims ---------------------------------------------------------------------------------

def claims_of(*paragraphs):
    return run("\n".join((PROSE,) + paragraphs))["claims"].value


def test_speaker_after_the_quote_and_before_it():
    claims = claims_of("\u201cThe tariffs are fair and they are final,\u201d said Jan Kowalski on Tuesday.",
                       "Mayor Jose Nunez told reporters that the city had not been consulted at all.")
    assert [(c.speaker, c.stance) for c in claims] == [("jan-kowalski", "asserts"), ("jose-nunez", "asserts")]


def test_a_quotation_of_several_sentences_shares_its_speaker():
    claims = claims_of("\u201cWe listened to everyone. We changed the plan twice. Now it is done,\u201d "
                       "Kowalski said.")
    assert len(claims) == 3 and {c.speaker for c in claims} == {"jan-kowalski"}


def test_pronouns_and_descriptions_resolve_to_the_last_speaker_or_a_role():
    claims = claims_of("Ali Al-Tabbal said the board had voted twice on the plan before approving it.",
                       "\u201cThere was no other way to pay for the crane,\u201d he said.",
                       "The minister of ports later said the money was already spent on dredging the channel.")
    assert [c.speaker for c in claims] == ["ali-al-tabbal", "ali-al-tabbal", "jan-kowalski"]


def test_unnamed_sources_keep_the_text_words():
    claims = claims_of("A source close to the harbour board said the vote had been rigged from the start.",
                       "According to the source, two members were paid to change their votes last month.")
    assert [(c.speaker, c.speaker_label) for c in claims] == [
        ("unnamed", "A source close to the harbour board"), ("unnamed", "A source close to the harbour board")]


def test_denials_and_possessive_groups():
    claims = claims_of("Kowalski denied that any member of the board had been paid to change a vote.",
                       "The claims were met with a flat denial from Kowalski's ministry within an hour.")
    assert (claims[0].speaker, claims[0].stance) == ("jan-kowalski", "denies")
    assert (claims[1].speaker, claims[1].speaker_label, claims[1].stance) == \
        ("unnamed", "Kowalski's ministry", "denies")


def test_passive_and_backward_attribution():
    claims = claims_of("The harbour will close for two days in June for repairs to the main quay.",
                       "This was reported by a source in the port authority.",
                       "The decision was announced on Monday by Mayor Jose Nunez.")
    speakers = [(c.quote[:20], c.speaker) for c in claims]
    assert ("The harbour will clo", "unnamed") in speakers
    assert ("The decision was ann", "jose-nunez") in speakers


def test_no_claim_without_a_speaker():
    assert claims_of("It is reported that the board will meet again in the autumn to review the figures.",
                     "The plan was said to have been drawn up in secret over the winter months.") == ()


def test_claim_quotes_are_verbatim_and_reuse_archived_claim_ids():
    quote = "\u201cThe tariffs are fair and they are final,\u201d said Jan Kowalski on Tuesday."
    archived = Article(
        slug="earlier", path=None, title="t", url="https://x.example/t", capture="captures/t.txt",
        date=PubDate(None, "unknown", "e"), publisher="daily-star", original=None, credit="", people=(),
        claims=(Claim("tariffs-are-final", "jan-kowalski", "", "asserts", "The tariffs are final.", quote),),
        reprint_of=(), not_reprint_of=(), body=quote, paragraphs=(quote,))
    done = run("\n".join([PROSE, quote]), registry=ex.Registry(ACTORS, SOURCES, (archived,)))
    (claim,) = done["claims"].value
    assert claim.quote == quote and claim.id == "tariffs-are-final" and claim.confident
    fresh = run("\n".join([PROSE, quote]))["claims"].value[0]
    assert fresh.id == "tariffs-are-fair-they-are-final" and not fresh.confident
    assert fresh.statement == "The tariffs are fair and they are final."


def test_extraction_is_deterministic():
    text = "Harbour tariffs rise\n" + PROSE + "\n\u201cIt is done,\u201d Kowalski said on Friday at the port."
    first = ex.extract(ex.Page(text, "https://x.example/2019/05/03/a"), REGISTRY)
    second = ex.extract(ex.Page(text, "https://x.example/2019/05/03/a"), REGISTRY)
    assert first.fields == second.fields


# --- robustness -------------------------------------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

from newsarchive import markup  # noqa: E402
from newsarchive.compose import escape_markdown  # noqa: E402
from newsarchive.text import fold_for_search  # noqa: E402

_PIECES = ["Jan Kowalski", "said", "told", "\u201c", "\u201d", '"', "according to", "the minister", ",", ".",
           "Wire Agency", "(Wire Agency) -", "GDANSK,", "May 2", "2019-05-02", "Tuesday,", "he", "a source",
           "denied", "This was reported by", "Home", "Share", "Comments", "I", "you", "\u00a0", "\u2026",
           "Originally appeared at", "Daily Star", "reported", "harbour", "tariffs", "were", "voted", "on",
           "Monday", "Al-Tabbal's", "#", "*", "_", "[", "]", "1.", "<b>", "&amp;", "\\", "`"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=30).map(" ".join), max_size=12),
       st.sampled_from(["https://dailystar.example/2019/05/02/x/", "https://new.example/a-b-c", "http://h.example"]))
def test_any_text_extracts_without_error_and_stays_true_to_the_capture(lines, url):
    text = "\n".join(lines)
    result = ex.extract(ex.Page(text, url), REGISTRY)
    folded = fold_for_search(text)
    paragraphs = [line.text for line in result["body"].value.paragraphs]
    for paragraph in paragraphs:
        assert fold_for_search(paragraph) in folded
    joined = fold_for_search("\n".join(paragraphs))
    for claim in result["claims"].value:
        assert fold_for_search(claim.quote) in joined
        assert claim.speaker in ACTORS or claim.speaker == "unnamed" or \
            claim.speaker in {a.id for a in result.new_actors}


@pytest.mark.parametrize("text", ["# not a heading", "1. not a list", "- not a bullet", "*not emphasis*",
                                  "a_b_c and [link](http://x) and <b>tag</b> and &amp; and \\ and `code`",
                                  "> not a quote", "===", "2011. The year began badly."])
def test_markdown_escaping_renders_the_text_as_written(text):
    assert [block for _, block in markup.blocks(escape_markdown(text))] == [text]


def test_claim_ids_keep_negations():
    done = run("\n".join([PROSE, '"There are no foreign troops on Egyptian soil and none will be allowed," '
                                  "the ministry spokesman Lev Dengov told reporters."]))
    ids = [claim.id for claim in done["claims"].value]
    assert any("no" in claim_id.split("-") for claim_id in ids), ids


def test_a_news_agency_named_in_a_dateline_or_alone_as_byline_is_the_original():
    done = run("Tokyo (Reuters) Prime Minister Naoto Kan said on Friday that his government was releasing all "
               "the information it had about the accident.\n" + PROSE, url="https://world-news-post.blogspot.com/x")
    assert (done["original"].value.source, done["original"].value.relation) == ("reuters", "reprint")
    byline = run("Harbour tariffs rise by a third\n\u2022 Kyodo\n\n" + PROSE + "\n" + PROSE,
                 url="https://www.other.example/news/2012/05/16/harbour-tariffs/")
    assert byline["original"].value.source == "kyodo"
    assert "byline" in byline["original"].evidence
    # a party in brackets after a name in ordinary capitals is no dateline
    party = run("Boris Johnson (Conservative) said the vote would go ahead as planned on Thursday "
                "despite the protests.\n" + PROSE, url="https://www.other.example/x")
    assert party["original"].value is None


def test_a_credit_line_giving_an_address_names_the_outlet_of_that_address():
    """"Source: <address>" under a reprint: the outlet whose domain it is is the original,
    proposed as a new source when unknown (the name made from the domain, for review)."""
    unknown = run(PROSE + "\nSource: http://www.harbourwatch.example/news/1277568/tariffs-rise",
                  url="https://other.example/x")
    assert (unknown["original"].value.source, unknown["original"].value.relation) == ("harbourwatch", "reprint")
    assert not unknown["original"].confident
    (source,) = unknown["original"].proposed
    assert source.domains == ("harbourwatch.example",) and "Source: http://www.harbourwatch" in source.evidence
    known = run(PROSE + "\nSource: https://dailystar.example/2019/05/tariffs", url="https://other.example/x")
    assert known["original"].value.source == "daily-star" and known["original"].confident


@pytest.mark.parametrize("credit", ["Source: https://twitter.com/harbourwatch/status/1", "Via: https://t.me/harbour/2",
                                    "Source: https://other.example/earlier-story"])
def test_a_credited_address_on_a_platform_or_on_the_page_own_site_names_no_original(credit):
    assert run(PROSE + "\n" + credit, url="https://other.example/x")["original"].value is None
