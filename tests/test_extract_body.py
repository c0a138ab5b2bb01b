"""The article body from captures of every shape: broken by boxes, wrapped, without blank lines,
in other languages; what a reviewer finds in the new article's text."""

import re
import textwrap

from newsarchive import extract as ex
from newsarchive.extract.roles import site_lines

URL = "https://news.example.org/2023/04/12/harbour-board-raises-tariffs/"
EMPTY = ex.Registry({}, {}, ())

PARAGRAPHS = [
    "The harbour board voted on Tuesday to raise tariffs for container ships by a third from May, "
    "the first rise in eleven years.",
    "Shipping lines had warned that a steep rise would send cargo to the rival port across the bay, "
    "where fees were cut last spring.",
    "\u201cWe have no choice if the new crane is to be paid for,\u201d the board\u2019s chairman, Ana Ruiz, "
    "told reporters after the vote.",
    "Dock workers, who have not had a pay rise since 2019, said they would study the plan before "
    "deciding whether to strike over the summer.",
    "The board will review the tariffs after one year and publish the accounts of the crane project "
    "every quarter, officials said.",
    "The city council must still approve the rise at its meeting next month, which is expected to be "
    "a formality after weeks of talks.",
]


def body_of(text: str, url: str = URL) -> list[str]:
    return [line.text for line in ex.extract(ex.Page(text, url), EMPTY)["body"].value.paragraphs]


def spaced(*lines: str) -> str:
    """A reader's copy: paragraphs set apart by blank lines, page chrome line against line."""
    return "\n".join(lines)


def test_every_paragraph_is_kept_across_captions_teasers_and_boxes():
    p = PARAGRAPHS
    capture = spaced(
        "Home", "News", "Business", "Sport", "Weather", "Login", "",
        "Harbour board raises tariffs by a third", "",
        "By Jane Doe", "PUBLISHED: 10:48, Tue, Apr 12, 2023", "",
        p[0], "", p[1], "",
        "Related articles", "Port strike called off after talks", "New crane arrives from Rotterdam", "",
        p[2], "",
        "Container ships wait outside the harbour (Image: GETTY)", "",
        "READ MORE: Why the port is losing cargo to its rival", "",
        p[3], "",
        "DON'T MISS", "Ferry fares to rise in June [INSIGHT]", "Bridge tolls scrapped [REVEALED]",
        "Mayor in row over harbour land [ANALYSIS]", "",
        p[4], "", p[5], "",
        "Most read", "Celebrity chef opens harbour restaurant", "Storm warning for the weekend",
        "Lottery winner buys lighthouse", "Council tax to rise by 5 percent", "Football club sold",
        "Share this article", "Facebook", "Twitter", "Email", "",
        "Comments", "", "I think this is a disgrace and you all know who profits from it.", "",
        "Totally agree!!", "",
        "\u00a9 2023 Example News. All rights reserved.")
    assert body_of(capture) == PARAGRAPHS


def test_a_list_of_other_stories_with_their_summaries_is_not_the_article():
    teasers = []
    for headline, summary in [
            ("Ferry fares to rise in June", "Passengers on the island ferry will pay more from June after "
             "the operator said fuel costs had doubled since last year."),
            ("Bridge tolls scrapped", "Drivers crossing the old bridge will no longer pay a toll after the "
             "council found money to maintain it for another decade."),
            ("Mayor in row over harbour land", "The mayor defended the sale of a strip of harbour land to a "
             "developer, saying the price was fair and the deal was open.")]:
        teasers += [headline, "Staff reporter", summary]
    capture = spaced("Harbour board raises tariffs by a third", "",
                     *[line for p in PARAGRAPHS for line in (p, "")],
                     "More from Example News", *teasers)
    assert body_of(capture) == PARAGRAPHS


def test_a_comment_section_ends_the_article():
    capture = spaced("Harbour board raises tariffs by a third", "",
                     *[line for p in PARAGRAPHS for line in (p, "")],
                     "34 responses to \u201cHarbour board raises tariffs by a third\u201d",
                     "harbourwatcher says:", "April 12, 2023 at 6:34 am", "",
                     "It is a good thing nobody uses this port any more, because this is a dumpster fire "
                     "and the board knows it very well.", "",
                     "docker77 says:", "April 12, 2023 at 6:44 am", "",
                     "The board has been wasting money on that crane for years and now the ships will pay "
                     "for it, as everyone said they would.")
    assert body_of(capture) == PARAGRAPHS


def test_the_site_speaking_about_cookies_is_not_the_article():
    capture = spaced("Harbour board raises tariffs by a third", "",
                     *[line for p in PARAGRAPHS[:3] for line in (p, "")],
                     "This website uses cookies to improve your experience while you navigate through the "
                     "website. Out of these cookies, the cookies that are categorised as necessary are stored "
                     "on your browser.", "",
                     "We use cookies to personalise content and ads. By continuing to use this site you "
                     "agree to our use of cookies and to our privacy policy.")
    assert body_of(capture) == PARAGRAPHS[:3]


def test_a_capture_hard_wrapped_without_blank_lines_is_accepted_and_stays_traceable():
    wrapped = []
    for paragraph in PARAGRAPHS:
        wrapped += textwrap.wrap(paragraph, 70)
    capture = "\n".join(["Harbour board raises tariffs by a third", *wrapped])
    found = body_of(capture)
    assert found == PARAGRAPHS
    folded = re.sub(r"\s+", " ", capture)
    assert all(paragraph in folded for paragraph in found)


def test_windows_line_ends_one_sentence_per_line_and_one_long_line():
    crlf = "\r\n".join(["Harbour board raises tariffs by a third", "", *[p + "\r\n" for p in PARAGRAPHS]])
    assert body_of(crlf) == PARAGRAPHS
    one_per_line = "\n".join(["Harbour board raises tariffs by a third", *PARAGRAPHS])
    assert body_of(one_per_line) == PARAGRAPHS
    one_line = " ".join(PARAGRAPHS)
    assert body_of(one_line) == [one_line]


def test_no_capture_holding_prose_is_refused_whatever_its_language():
    german = ("Der Hafenrat hat am Dienstag beschlossen, die Geb\u00fchren f\u00fcr Containerschiffe ab Mai um ein "
              "Drittel zu erh\u00f6hen, zum ersten Mal seit elf Jahren. Die Reedereien hatten gewarnt, dass eine "
              "starke Erh\u00f6hung die Fracht in den Nachbarhafen treiben werde, wo die Geb\u00fchren im "
              "Fr\u00fchjahr gesenkt wurden.")
    japanese = ("\u6e2f\u6e7e\u5c40\u306f\u706b\u66dc\u65e5\u3001\u30b3\u30f3\u30c6\u30ca\u8239\u306e\u4f7f\u7528"
                "\u6599\u30925\u6708\u304b\u30893\u5206\u306e1\u5f15\u304d\u4e0a\u3052\u308b\u3053\u3068\u3092"
                "\u6c7a\u3081\u305f\u300211\u5e74\u3076\u308a\u306e\u5024\u4e0a\u3052\u3068\u306a\u308b\u3002"
                "\u6d77\u904b\u4f1a\u793e\u306f\u3001\u5927\u5e45\u306a\u5024\u4e0a\u3052\u306f\u8cb7\u7269"
                "\u3092\u5bfe\u5cb8\u306e\u6e2f\u306b\u6d41\u51fa\u3055\u305b\u308b\u3068\u8b66\u544a\u3057\u3066"
                "\u3044\u305f\u3002")
    for text, language in ((german, "de"), (japanese, "ja")):
        result = ex.extract(ex.Page(f"Startseite\nNachrichten\n\n{text}\n\nImpressum", URL), EMPTY)
        assert [line.text for line in result["body"].value.paragraphs] == [text]
        assert result["language"].value == language
        # English phrasing rules do not read other languages: nothing is proposed from them.
        assert result["claims"].value == () and not result["people"].proposed


def test_english_is_recognised_and_too_little_text_says_so():
    result = ex.extract(ex.Page("\n\n".join(PARAGRAPHS), URL), EMPTY)
    assert result["language"].value == "en" and result["language"].confident
    short = ex.extract(ex.Page("The board voted on Tuesday to raise the harbour tariffs.", URL), EMPTY)
    assert short["language"].value is None and "too few words" in short["language"].evidence


def test_lines_the_site_prints_on_its_other_pages_are_its_furniture():
    about = ("The Harbour Courier has reported on the city's port, its ships and the people who work "
             "there since 1881, from its office on the old quay.")
    slogan = "Your harbour, your news"

    def capture(paragraphs):
        return spaced("Harbour Courier", slogan, "", *[line for p in paragraphs for line in (p, "")], about)

    earlier = [capture(["The ferry to the island will run twice a day from June, the operator said on Monday, "
                        "after a winter of cancelled crossings."] * 2),
               capture(["The old lighthouse will open to visitors in the summer after ten years of repairs, "
                        "the city's heritage office announced."] * 2)]
    new = capture(PARAGRAPHS)

    def body(registry):
        return [line.text for line in ex.extract(ex.Page(new, URL), registry)["body"].value.paragraphs]

    # Alone, the site's closing line reads like one more paragraph of the article.
    assert body(EMPTY) == PARAGRAPHS + [about]
    # Printed on two other pages of the site, it is furniture; a paragraph printed on only one
    # other page may be another version of the same story, and stays.
    assert body(ex.Registry({}, {}, (), site_lines(earlier))) == PARAGRAPHS
    assert body(ex.Registry({}, {}, (), site_lines(earlier[:1]))) == PARAGRAPHS + [about]


def test_the_caption_of_the_picture_under_the_byline_is_not_the_first_paragraph():
    capture = spaced("Harbour board raises tariffs by a third", "",
                     "Jane Doe",
                     "Container ships wait outside the harbour on Monday, as the board met to vote on the tariffs.",
                     "", *[line for p in PARAGRAPHS for line in (p, "")])
    assert body_of(capture) == PARAGRAPHS


def test_a_date_stamp_between_the_standfirst_and_the_article_is_left_out():
    standfirst = "The board says the rise will pay for the new crane, while shipping lines warn of lost cargo."
    capture = spaced("Harbour board raises tariffs by a third", "", standfirst, "", "20 Nov 2019 08:00 GMT", "",
                     *[line for p in PARAGRAPHS for line in (p, "")])
    assert body_of(capture) == [standfirst, *PARAGRAPHS]


def test_a_button_between_paragraphs_is_not_a_heading_of_the_article():
    capture = spaced("Harbour board raises tariffs by a third", "", PARAGRAPHS[0], "", "View all (23)", "",
                     *[line for p in PARAGRAPHS[1:] for line in (p, "")])
    assert body_of(capture) == PARAGRAPHS
