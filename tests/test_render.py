"""render and markup: dates as precise as known, escaping, strict templates, safe Markdown."""

import os

import jinja2
import pytest

from conftest import run_build
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


# The fast path for plain bodies (markup.plain_blocks) must give exactly what markdown-it gives.

def _full_parse(body):
    """blocks, to_html and split_headline through markdown-it only."""
    return markup.markdown_blocks(body), markup.markdown_html(body), markup.markdown_split_headline(body)


def _fast_parse(body):
    return markup.blocks(body), markup.to_html(body), markup.split_headline(body)


PLAIN_BODIES = [
    "", "\n", "   \n", "# Title\n\nOne line.\nTwo \"quoted\" lines.\n\n\nThird paragraph.",
    "#  Title with spaces\nParagraph right after.\n## Sub\nText", "No heading, just text",
    "Text\n# Heading interrupts\nmore", "\u00a0lead and trail\u00a0\n\nx\u2028y\n\n# T\u2028U\nz",
    "\n\n# After blank lines\n\nbody", "#hashtag is text\n\nx", "2016. was a year\n\n2016 was a year",
    "Line with # inside and 1. inside\n+ not a list?", "a\n\u00a0\nb", "\u00a0\n\nz", "#\n", "####### seven",
    "x\n===\n", "x\n---\n", "x  \ny", "x\\\ny", "> quote", "    code", "- item", "1) item", "Caf\u00e9 \u201cquotes\u201d",
    "# T #\n", "tab\there", "a\r\nb", "\ufeff# BOM\n\ntext", "x\x85y\n\n# H\x85I\n\nz", "line\x0cfeed",
]


@pytest.mark.parametrize("body", PLAIN_BODIES)
def test_plain_fast_path_matches_markdown_it(body):
    assert _fast_parse(body) == _full_parse(body)


def test_plain_fast_path_is_taken_for_plain_text():
    assert markup.plain_blocks("# Title\n\nA plain, \"quoted\" paragraph.\nSecond line.\n") is not None


from hypothesis import given, settings, strategies as st  # noqa: E402

_PIECES = st.sampled_from(["# ", "## ", "#", "\n", "\n\n", " ", "  ", "word", "Word.", "word ", "word ", "word ", "\n", "1.", "2)", "-", "=", "*",
                           "_", "`", "[", "]", "(", ")", "<", ">", "&", "\\", "~", "\t", "\r", "\u00a0", "\u2028",
                           "\x85", "\x0c", "\ufeff", "\"", "'", "!", "|", "+", ":", "é", "\u3000", "\u2003"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_plain_fast_path_matches_markdown_it_generated(body):
    assert _fast_parse(body) == _full_parse(body)


def test_a_list_of_articles_reading_their_text_fails_with_a_hint(project):
    """Lists carry no article text (so an edit remakes only the pages showing it): a theme that
    reads it there is told where and why, and nothing is published."""
    macros = project / "templates" / "macros.html"
    lines = macros.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "{% for article in articles %}" in line)
    lines.insert(at + 1, "<p>{{ article.paragraphs[0] }}</p>")
    macros.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_build(project)
    assert result.code == 1
    assert f"macros.html:{at + 2}: error: template:" in result.err
    assert "hint: a list of articles carries no text" in result.err
    assert not (project / "_site").exists()


_JSON_VALUES = st.recursive(  # integers of 64 bits, orjson's range: every count and offset fits
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=5), _JSON_VALUES, max_size=4), max_size=4))
def test_data_files_made_a_record_at_a_time_are_the_whole_list_encoded(records):
    from newsarchive import export
    assert export._json_list(iter(records)) == export._json(records)


_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)  # any character, control ones too
_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | _TEXT
    | st.integers(0, 1000).map(lambda n: round(n / 1000, 3)),  # shares, as the relations carry them
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4), max_leaves=12)


@given(st.lists(st.dictionaries(_TEXT, _VALUE, max_size=5), max_size=4))
@settings(max_examples=300, deadline=None)
def test_data_files_are_written_as_json_would_write_them(records):
    """The data files (data/articles.json...) are written by orjson for speed: byte for byte
    what json.dumps(..., ensure_ascii=False, indent=2, sort_keys=True) writes, so that a file
    reads as before and changes only with its data."""
    import json

    from newsarchive.export import _json, _json_list

    as_json = (json.dumps(records, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    assert _json(records) == as_json
    assert _json_list(records) == as_json


def test_templates_compiled_by_one_build_serve_the_next_until_they_change(project, built, monkeypatch):
    from newsarchive import pipeline, render
    from newsarchive.config import load_config

    folder = load_config(project / "config.yaml").cache_dir / pipeline.COMPILED_TEMPLATES
    assert any(name.endswith(".template") for name in os.listdir(folder))
    (folder / "notes.txt").write_text("the user's own file", encoding="utf-8")
    other_version = folder / f"{'0' * 40}-{'f' * 16}.template"
    other_version.write_bytes(b"compiled by another version of the generator")
    compiled = []
    real_compile = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda env, source, name=None, *args, **kwargs: compiled.append(name)
                        or real_compile(env, source, name, *args, **kwargs))
    article = project / "articles" / "putin-asked-to-intervene-in-libya.md"
    page = built / "articles" / "putin-asked-to-intervene-in-libya" / "index.html"

    def rebuild_in_a_new_process() -> str:
        render._environment.cache_clear()  # a new process has no environment in memory
        compiled.clear()
        article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        result = run_build(project)
        assert result.code == 0, result.err
        return page.read_text(encoding="utf-8")

    assert "One more line." in rebuild_in_a_new_process()
    assert compiled == []  # every template it used came compiled
    assert not other_version.exists() and (folder / "notes.txt").exists()

    template = project / "templates" / "article.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{% block title %}", "{% block title %}<!-- edited template -->", 1), encoding="utf-8")
    assert "<!-- edited template -->" in rebuild_in_a_new_process()
    assert compiled == ["article.html"]  # the edited one alone compiled again

    for name in os.listdir(folder):
        if name.endswith(".template"):
            (folder / name).write_bytes(jinja2.bccache.bc_magic + b"\x00 damaged")  # past Jinja's own check
    html = rebuild_in_a_new_process()
    assert "<!-- edited template -->" in html and html.count("One more line.") == 3
    assert "article.html" in compiled
