"""The shared line classifier and capture layouts, as every field module sees them."""

from newsarchive import extract as ex
from newsarchive.extract.layout import capture_lines
from newsarchive.extract.lines import line_kind
from newsarchive.extract.prose import terminal, word_count
from newsarchive.extract.records import Line

URL = "https://news.example.org/2019/11/19/harbour-board-raises-tariffs/"
PARAGRAPHS = ["The harbour board voted on Tuesday to raise tariffs for container ships by a third from May, "
              "the first rise in eleven years, its chairman said.",
              "Shipping lines had warned that a steep rise would send cargo to the rival port across the bay, "
              "where fees were cut last spring."]


def kind(text: str) -> str:
    return line_kind(Line(1, text))


def test_a_date_stamp_is_not_a_credit_to_another_outlet():
    assert kind("First published on November 19, 2019 / 8:16 AM") != "credit"
    assert kind("First published in the Harbour Courier") == "credit"
    capture = "\n\n".join(["Harbour board raises tariffs", "First published on November 19, 2019 / 8:16 AM",
                           *PARAGRAPHS])
    result = ex.extract(ex.Page(capture, URL), ex.Registry({}, {}, ()))
    assert result["original"].value is None and not result["credit"].value


def test_an_agency_tag_after_the_last_stop_still_ends_a_sentence():
    assert terminal("The slogans were seen at five stations, police said. PTI")
    assert terminal("The slogans were seen at five stations, police said. (AP)")
    assert not terminal("Kevin Johnson and Kevin McCoy USA TODAY")


def test_words_are_counted_in_scripts_without_spaces():
    japanese = "\u6e2f\u6e7e\u5c40\u306f\u706b\u66dc\u65e5\u3001\u4f7f\u7528\u6599\u3092\u5f15\u304d\u4e0a\u3052\u305f\u3002"
    assert word_count(japanese) == len(japanese.rstrip("\u3002\u3001")) // 2 or word_count(japanese) >= 8
    assert kind(japanese * 3) == "prose"


def test_a_saving_tools_date_stamp_is_a_line_of_its_own():
    lines = capture_lines(" date 2023-08-27 The Delhi Police on Sunday said slogans were written on metro walls.\n\nMore.")
    assert [line.text for line in lines][:2] == ["date 2023-08-27",
                                                 "The Delhi Police on Sunday said slogans were written on metro walls."]
    assert lines[0].number == lines[1].number == 1
