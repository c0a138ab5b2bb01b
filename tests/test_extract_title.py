"""The title: the page's headline, never the chrome around it; the address's words when there is none."""

import pytest

from newsarchive import extract as ex
from newsarchive.extract.title import address_words, chrome_reason

EMPTY = ex.Registry({}, {}, ())
ARTICLE = [
    "The harbour board raised its tariffs by a third on Tuesday, after a debate that ran late into the evening.",
    "Dock workers gathered outside the board's offices while members argued over the figures for hours.",
    "Shipping firms said the rise would be passed on to importers, and the mayor promised to review it.",
]
URL = "https://dailystar.example/news/harbour-board-raises-tariffs-by-a-third"


def title_of(lines, url=URL):
    return ex.extract(ex.Page("\n".join(lines), url), EMPTY)["title"]


@pytest.mark.parametrize("chrome", [
    "By Anil Kowal",
    "by Jeff Lorne",
    "Kevin Marsh and Kevin Dole USA TODAY",
    "Tom Daviot Associated Press",
    "(Harbour Board/YouTube screenshot)",
    "Save Story",
    "Previous Next",
    "5 Min Read",
    "CLICK FOR FULL TARIFF TABLES",
    "Take a fresh look at your lifestyle.",
    "THE POINT -- NOW ON YOUTUBE!",
    "HBR HARBOUR BOARD INC. 113.40 -1.62 -1.41%",
    URL,
])
def test_chrome_lines_are_never_headlines(chrome):
    assert chrome_reason(chrome, URL) is not None


@pytest.mark.parametrize("headline", [
    "Support for the harbour tariffs falls to a new low",
    "Call for a harbour strike grows",
    "Von der Leyen says the harbour tariffs break EU rules",
    "Por qué subieron las tarifas del puerto",
    "Di Maio visits the harbour",
    "By the numbers: the harbour in 2019",
    "Harbour board fires its editor",
    "AC/DC play the harbour festival",
    "Video shows dramatic rescue at the harbour",
    "Home Depot sales miss, shares plunge",
    "Shipping line inks $9 billion order for 30 new cranes, will expand the port by 2025",
])
def test_headlines_that_look_like_chrome_are_still_headlines(headline):
    assert chrome_reason(headline, URL) is None


def test_headline_is_taken_over_byline_caption_and_section_label():
    lines = ["Home", "News", "Fact Check", "Business", "Save Story",
             "Fact Check",
             "Harbour board raises tariffs by a third",
             "By Anil Kowal",
             "(Harbour Board/YouTube screenshot)",
             "Dock workers outside the board's offices in 2018.",
             *ARTICLE]
    found = title_of(lines)
    assert found.value == "Harbour board raises tariffs by a third"
    assert found.confident and found.line.number == 7


def test_a_headline_sharing_few_address_words_is_found_by_its_place_and_the_article():
    lines = ["Menu", "Business News", "Dock fees jump as the harbour board votes", "Rodrigo Campa",
             "November 19, 2019 / 12:21 AM", *ARTICLE]
    found = title_of(lines, url="https://dailystar.example/article/idUSKBN1XT00W")
    assert found.value == "Dock fees jump as the harbour board votes"


def test_the_headline_is_read_out_of_a_share_box_and_a_site_part():
    share = ["Share All sharing options for: Harbour board raises tariffs by a third", *ARTICLE]
    assert title_of(share).value == "Harbour board raises tariffs by a third"
    opinion = ["Opinion | Harbour board raises tariffs by a third", "By Ewa Lis", *ARTICLE]
    assert title_of(opinion).value == "Harbour board raises tariffs by a third"


def test_a_list_of_other_headlines_is_not_taken():
    lines = ["Most read",
             "Mayor opens new ferry terminal in the old port",
             "Fishermen protest against the new quotas in the bay",
             "Harbour tariffs: what the rise means for importers",
             "Storm closes the northern breakwater for a week",
             "Harbour board raises tariffs by a third",
             "By Ewa Lis",
             "Published 19 November 2019",
             *ARTICLE]
    assert title_of(lines).value == "Harbour board raises tariffs by a third"


def test_the_address_words_come_from_the_query_string_too():
    url = "https://dailystar.example/story.php?id=4411&title=harbour-board-raises-tariffs-by-a-third"
    assert address_words(url) == ["harbour", "board", "raises", "tariffs", "by", "a", "third"]
    assert address_words("https://entermedia.example/news/news_view.html?idx=8576&page=1") == []
    assert address_words("https://a.example/news/us/article/New-SUVs-highlight-L-A-14848164.php") == \
        ["new", "suvs", "highlight", "l", "a"]
    lines = ["Menu", "Harbour board raises tariffs by a third", "By Ewa Lis", *ARTICLE]
    found = title_of(lines, url=url)
    assert found.value == "Harbour board raises tariffs by a third" and found.confident


def test_without_a_headline_the_title_is_the_address_words_marked_for_review():
    found = title_of(["Menu", "Log in", *ARTICLE],
                     url="https://dailystar.example/story.php?title=harbour-board-raises-tariffs")
    assert found.value == "Harbour board raises tariffs"
    assert not found.confident and found.line is None


def test_the_first_sentence_of_the_article_is_not_the_title():
    found = title_of(ARTICLE, url="https://dailystar.example/harbour-board-raises-tariffs")
    assert found.value == "Harbour board raises tariffs" and not found.confident


def test_a_headline_ending_in_a_question_mark_is_kept():
    lines = ["Will the harbour tariffs rise by a third again?", "By Ewa Lis", *ARTICLE]
    found = title_of(lines, url="https://dailystar.example/will-harbour-tariffs-rise-by-a-third-again")
    assert found.value == "Will the harbour tariffs rise by a third again?" and found.confident


def test_address_words_leave_out_dates_ids_and_the_page_kind():
    assert address_words("https://a.example/sport/2022-12-18-harbour-board-raises-tariffs/") == \
        ["harbour", "board", "raises", "tariffs"]
    assert address_words("https://a.example/news/harbour-board-raises-tariffs-by-5000-101693460420511-amp.html") == \
        ["harbour", "board", "raises", "tariffs", "by", "5000"]
    assert address_words("https://a.example/region/city_artikel,-harbour-board-raises-tariffs-_arid,2283577.html") == \
        ["harbour", "board", "raises", "tariffs"]


def test_a_caption_ending_in_its_photo_credit_is_not_the_title():
    caption = "The harbour board's chairman speaks to reporters after the vote on the tariffs. EFE/Jan Nowak/Pool/File"
    assert chrome_reason(caption, URL) is not None
    assert chrome_reason("Board members leave the meeting on Tuesday. (Sourced photo)", URL) is not None
    assert chrome_reason("Column: The Harbour/Rail merger sends a dismal signal to importers", URL) is None
    found = title_of([caption, *ARTICLE], url="https://dailystar.example/harbour-board-raises-tariffs-by-a-third")
    assert found.value != caption and not found.confident


def test_a_title_from_the_address_hyphenates_what_the_article_hyphenates():
    article = ["The pro-harbour campaigners cheered as the board raised tariffs on imports, the mayor said on Tuesday.",
               *ARTICLE[1:]]
    found = title_of(article, url="https://dailystar.example/news/board-raises-tariffs-to-cheers-of-pro-harbour-campaigners")
    assert found.value == "Board raises tariffs to cheers of pro-harbour campaigners" and not found.confident


def test_a_capture_stores_date_prefix_is_not_part_of_the_title():
    text = " date 2019-11-19 Harbour board raises tariffs by a third\n\n" + "\n\n".join(ARTICLE)
    found = ex.extract(ex.Page(text, URL), EMPTY)["title"]
    assert found.value == "Harbour board raises tariffs by a third"


@pytest.mark.parametrize("url, title", [
    # A site's code letters and a short number the article never prints close the address, not the headline.
    ("https://news.example/harbour-board-raises-tariffs-by-a-third-aj", "Harbour board raises tariffs by a third"),
    ("https://news.example/harbour-board-raises-tariffs-by-a-third-100", "Harbour board raises tariffs by a third"),
    # A number the article prints is the headline's.
    ("https://news.example/tariffs-rise-for-ships-longer-than-150", "Tariffs rise for ships longer than 150"),
])
def test_a_title_from_the_address_keeps_only_the_headlines_words(url, title):
    paragraphs = [*ARTICLE, "The new tariffs apply to ships longer than 150 metres, the board said."]
    found = title_of(paragraphs, url)
    assert found.value == title and not found.confident
