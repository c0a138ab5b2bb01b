"""render and markup: dates as precise as known, escaping, strict templates, safe Markdown."""

import jinja2
import pytest

from newsarchive import markup
from newsarchive.model import PubDate
from newsarchive.render import human_date, make_environment


@pytest.mark.parametrize("iso, precision, text", [
    ("2018-02-20", "day", "20 February 2018"),
    ("2016-12", "month", "December 2016"),
    ("2016", "year", "2016"),
    (None, "unknown", "date unknown"),
])
def test_human_date(iso, precision, text):
    assert human_date(PubDate(iso, precision, "")) == text


def test_templates_escape_and_refuse_undefined(tmp_path):
    (tmp_path / "t.html").write_text("<p>{{ title }}</p>", encoding="utf-8")
    env = make_environment(tmp_path)
    assert env.get_template("t.html").render(title="<script>x</script>") == "<p>&lt;script&gt;x&lt;/script&gt;</p>"
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("t.html").render()


def test_raw_html_in_markdown_is_shown_as_text():
    html = markup.to_html('Hello <script>alert(1)</script> <img src=x onerror="alert(2)">')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>",
                                 "vbscript:msgbox(1)", " javascript:alert(1)"])
def test_dangerous_links_are_not_linked(url):
    html = markup.to_html(f"[click]({url})")
    assert "href" not in html


def test_safe_links_stay():
    assert 'href="https://example.org/a"' in markup.to_html("[a](https://example.org/a)")
    assert 'href="../b/"' in markup.to_html("[b](../b/)")


def test_split_headline():
    headline, rest = markup.split_headline("# Big *news*\n\nFirst paragraph.\n")
    assert headline == "Big news" and rest.strip() == "First paragraph."
    assert markup.split_headline("No heading here.\n") == (None, "No heading here.\n")


def test_blocks_are_plain_text():
    assert markup.blocks("# Title\n\nA *b* [c](https://x.org) `d`.\n") == [("heading", "Title"), ("paragraph", "A b c d.")]
