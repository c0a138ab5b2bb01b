"""The publication date: from the stamps a page prints around its headline, its dateline or its address;
unknown, with what bounds it, rather than wrong."""

import pytest

from newsarchive import extract as ex
from newsarchive.extract.datetext import dates_in_address, find_dates

EMPTY = ex.Registry({}, {}, ())
ARTICLE = [
    "The harbour board raised its tariffs by a third, after a debate that ran late into the evening.",
    "Dock workers gathered outside the board's offices while members argued over the figures for hours.",
    "Shipping firms said the rise would be passed on to importers, and the mayor promised to review it.",
]
HEADLINE = "Harbour board raises tariffs by a third"
URL = "https://dailystar.example/news/harbour-board-raises-tariffs-by-a-third"


def date_of(lines, url=URL):
    return ex.extract(ex.Page("\n".join(lines), url), EMPTY)["date"]


def under_headline(stamp, url=URL):
    return date_of(["Menu", "News", HEADLINE, "By Ewa Lis", stamp, *ARTICLE], url)


@pytest.mark.parametrize("stamp, iso", [
    ("Published April 25, 2015 12:08PM (EDT)", "2015-04-25"),
    ("| 26 April 2015 12:00 AM GMT", "2015-04-26"),
    ("August 28, 2023 01:37 am | Updated 01:37 am IST - New Delhi", "2023-08-28"),
    ("Nov 19, 2019 / 10:53 AM", "2019-11-19"),
    ("2019-11-19T10:53", "2019-11-19"),
    ("November 19, 2019 at 3:45 pm", "2019-11-19"),
    ("Posted: Tue 19 Nov 2019", "2019-11-19"),
    ("PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05, Tue, Nov 20, 2019", "2019-11-19"),
    ("By Ewa Lis - 11/19/19 06:56 AM EST", "2019-11-19"),
    ("Opublikowano 19 listopada 2019", "2019-11-19"),
    ("Publicado em 22 de outubro de 2010", "2010-10-22"),
    ("Von Ewa Lis publiziert am 25. September 2018", "2018-09-25"),
    ("NOV 15, 20195:45 AM", "2019-11-15"),
])
def test_each_stamp_form_gives_the_day(stamp, iso):
    found = under_headline(stamp)
    assert (found.value.iso, found.value.precision) == (iso, "day")
    assert stamp.strip("| ") in found.evidence


def test_a_bare_date_line_right_under_the_headline_is_the_date():
    assert under_headline("19.11.2019").value.iso == "2019-11-19"


def test_a_label_alone_on_its_line_labels_the_next_one():
    found = date_of(["Menu", HEADLINE, "Author:", "Ewa Lis", "Publish date:", "Nov 18, 2019", *ARTICLE])
    assert found.value.iso == "2019-11-18" and found.confident


def test_an_update_stamp_alone_is_used_but_marked_for_review():
    for stamp in ("Last Updated : Aug 27 2023 | 2:01 PM IST", "Updated 2:22 PM ET, Tue November 19, 2019"):
        found = under_headline(stamp)
        assert found.value.precision == "day" and not found.confident
        assert "update" in found.evidence


def test_a_published_stamp_beats_an_update_stamp():
    found = under_headline("Updated Nov 20, 2019 9:41 AM; Published Nov 18, 2019 8:19 PM")
    assert found.value.iso == "2019-11-18" and found.confident


def test_a_dateline_with_a_year_gives_the_day():
    lines = [HEADLINE, "KATHMANDU, Nepal (AP) \u2014 April 26, 2015 \u2014 " + ARTICLE[0], *ARTICLE[1:]]
    found = date_of(lines)
    assert found.value.iso == "2015-04-26" and "dateline" in found.evidence


@pytest.mark.parametrize("url, iso", [
    ("https://dailystar.example/2019/11/19/harbour-board-raises-tariffs/", "2019-11-19"),
    ("https://dailystar.example/commentisfree/2019/nov/18/harbour-board-raises-tariffs", "2019-11-18"),
])
def test_the_address_gives_the_day(url, iso):
    found = date_of([HEADLINE, *ARTICLE], url)
    assert found.value.iso == iso and found.confident


def test_the_address_month_and_a_stamp_without_a_year_give_the_day():
    found = under_headline("Updated Nov 19, 9:41 AM; Posted Nov 18, 8:19 PM",
                           url="https://dailystar.example/2019/11/harbour-board-raises-tariffs.html")
    assert found.value.iso == "2019-11-18"


def test_a_stamp_before_the_address_date_is_refused():
    found = under_headline("Published October 3, 2019",
                           url="https://dailystar.example/2019/11/harbour-board-raises-tariffs.html")
    assert (found.value.iso, found.value.precision) == ("2019-11", "month")
    assert "disagrees with the address" in found.evidence


def test_a_date_bar_at_the_top_is_the_capture_day_and_never_the_date():
    found = date_of(["Tuesday, 19 November 2019", "Home | News | Sport", HEADLINE, *ARTICLE])
    assert found.value.iso is None and found.value.precision == "unknown"
    assert "date bar" in found.evidence and "no later than 19 November 2019" in found.evidence


def test_a_date_after_the_capture_day_is_refused():
    found = date_of(["Tuesday, 19 November 2019", "Home | News | Sport", HEADLINE, "By Ewa Lis",
                     "Published November 21, 2019 10:00 AM", *ARTICLE])
    assert found.value.iso is None
    assert "after the day the page was captured" in found.evidence


def test_a_bare_date_beside_a_byline_is_not_trusted():
    # The date beside a byline is as often the day the piece was last edited.
    found = date_of(["Menu", HEADLINE, "Words and pictures", "By admin - 2018-09-16", "Arts", *ARTICLE])
    assert found.value.iso is None and "last edited" in found.evidence


def test_dates_in_captions_copyright_lines_teasers_and_comments_are_not_the_date():
    lines = ["Menu", HEADLINE, "By Ewa Lis",
             "Dock workers at the gate on 3 March 2018 (File photo)",
             ARTICLE[0], ARTICLE[1], ARTICLE[2],
             "Related", "Mayor opens ferry terminal", "Published June 2, 2017 10:00 AM",
             "2 comments", "joetoronto says:", "November 20, 2019 at 9:14 am",
             "\u00a9 2019 Daily Star. All rights reserved."]
    found = date_of(lines)
    assert found.value.iso is None and found.value.precision == "unknown"


def test_an_ambiguous_numeric_date_is_not_read():
    assert find_dates("05/06/2019") == []
    assert [d.iso for d in find_dates("21/06/2014 and 11/19/19")] == ["2014-06-21", "2019-11-19"]


def test_find_dates_reads_other_languages_and_glued_forms():
    text = ("19 listopada 2019; 25. September 2018; 22 de outubro de 2010; 19 \u043d\u043e\u044f\u0431\u0440\u044f "
            "2019; Maret 30, 2015; 2018\u5e7410\u670815\u65e5; 2016.12.01; 11.14.2019; 2019-11-19T12:48:14Z")
    assert [d.iso for d in find_dates(text)] == [
        "2019-11-19", "2018-09-25", "2010-10-22", "2019-11-19", "2015-03-30", "2018-10-15", "2016-12-01",
        "2019-11-14", "2019-11-19"]
    assert find_dates("a mission to Mars 2020") == []


def test_an_evening_stamp_notes_its_utc_day():
    found = under_headline("Ewa Lis - Nov 19, 2019, 10:31 pm CST")
    assert found.value.iso == "2019-11-19"
    assert "in UTC that is 20 November 2019" in found.evidence


def test_address_with_a_month_name_folder():
    assert dates_in_address("https://a.example/world/2019/nov/18/story")[0][0].iso == "2019-11-18"


def test_a_capture_stores_own_date_stamp_is_used_when_nothing_better_exists_and_marked_for_review():
    text = " date 2023-08-27 " + HEADLINE + "\n\n" + "\n\n".join(ARTICLE)
    found = ex.extract(ex.Page(text, URL), EMPTY)["date"]
    assert found.value.iso == "2023-08-27" and not found.confident
    assert "capture's own stamp" in found.evidence
    dated = ex.extract(ex.Page(text, "https://dailystar.example/2023/08/28/harbour-board-raises-tariffs"), EMPTY)
    assert dated["date"].value.iso == "2023-08-28" and dated["date"].confident


def test_a_labelled_stamp_just_below_the_article_counts_but_a_comment_date_does_not():
    found = date_of([HEADLINE, *ARTICLE, "This entry was posted on Monday, May 20th, 2019 at 3:45 pm by Ewa Lis.",
                     "Leave a Reply"])
    assert found.value.iso == "2019-05-20"
    comment = date_of([HEADLINE, *ARTICLE, "Leave a Reply", "joetoronto says:", "May 21, 2019 at 9:14 am",
                       "Posted on May 22, 2019", "The tariffs are too high, if you ask me."])
    assert comment.value.iso is None


def test_a_sentence_of_the_article_saying_when_something_was_published_is_not_a_stamp():
    found = date_of([HEADLINE, *ARTICLE, "The board's statement was published on May 3, 2019, after the vote."])
    assert found.value.iso is None


def test_a_date_in_the_first_paragraph_is_not_a_stamp():
    found = date_of(["Menu", HEADLINE, "By Ewa Lis",
                     "The report, published on May 3, 2019 at 10 am, found the harbour tariffs too low.",
                     *ARTICLE])
    assert found.value.iso is None


def test_address_ending_in_a_compact_date():
    assert dates_in_address("https://a.example/world/quake-rescuers-keep-searching-20120208")[0][0].iso == "2012-02-08"
    assert dates_in_address("https://a.example/world/quake-rescuers-keep-searching-12345678") == []


def test_an_agency_dateline_on_the_line_above_the_article_dates_and_credits_it():
    page = ex.Page("\n".join(["Menu", HEADLINE, "by Staff Writers", "Gdansk (AFP) March 4, 2011", *ARTICLE]), URL)
    found = ex.extract(page, EMPTY)
    assert (found["date"].value.iso, found["date"].value.precision) == ("2011-03-04", "day")
    assert "dateline" in found["date"].evidence
    assert found["original"].value.source == "afp"


def test_a_notice_about_the_articles_age_is_no_credit():
    found = ex.extract(ex.Page("\n".join([HEADLINE, "This article is more than 10 years old", *ARTICLE]), URL), EMPTY)
    assert found["credit"].value == ""
    assert found["original"].value is None


def test_a_date_set_off_by_a_dash_at_the_start_of_the_article_is_its_dateline():
    lines = ["Volcanic Ash Fouls Up Air Travel Again", "",
             "May 8, 2010 \u2014 The volcanic ash cloud from the volcano below the glacier continues to force "
             "flight delays and cancellations, and airspace closures in parts of Europe.", "",
             "On Saturday airports as far south as the Basque region were closed, and more closures may follow."]
    found = date_of(lines, "https://blog.example/2010/05/ash.html")
    assert (found.value.iso, found.value.precision) == ("2010-05-08", "day")
    # a date inside the sentence is no dateline
    lines[2] = lines[2].replace("May 8, 2010 \u2014 The", "The report of May 8, 2010 \u2014 the")
    assert date_of(lines, "https://blog.example/2010/05/ash.html").value.precision == "month"


def test_a_date_between_slashes_opening_the_article_is_its_dateline():
    lines = ["via / Sep 13, 2013 / A senior official from the company which operates the stricken nuclear plant "
             "has admitted that the situation there is not under control.", "",
             "However, within hours the company released a statement saying the official meant something else."]
    found = date_of(lines, "http://plantupdate.example/situation-not-under-control/")
    assert (found.value.iso, found.value.precision) == ("2013-09-13", "day")
