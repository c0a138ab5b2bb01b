"""`build.py add PAGE.html`: real saved pages (tests/fixtures/pages/, from the benchmark's dev
split) kept byte for byte, their fields read from the HTML, bad pages refused, nothing run."""

import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest

from conftest import assert_paragraphs_in_capture, run_build
from newsarchive.capture.fields import extract_page
from newsarchive.capture.html import fold, read_page
from newsarchive.corpus_quality import body_scores, harmonic, title_right, read_gold
from newsarchive.extract import Registry
from newsarchive.load import load_archive

PAGES = Path(__file__).parent / "fixtures" / "pages"
TRUTH = json.loads((PAGES / "truth.json").read_text(encoding="utf-8"))
NBC = "7a457a4f7173"  # names its canonical address; meta article:published_time; JSON-LD author


def snapshot(project: Path) -> dict[str, bytes]:
    return {str(p.relative_to(project)): p.read_bytes()
            for p in sorted((project / "articles").rglob("*")) if p.is_file()}


def added_article(project: Path, before: dict[str, bytes]):
    archive, problems = load_archive(project / "articles", project)
    assert archive is not None, [p.format() for p in problems]
    new = [a for a in archive.articles if f"articles/{a.slug}.md" not in before]
    return archive, new



def test_a_saved_page_is_added_from_its_canonical_address_and_kept_byte_for_byte(project):
    before = snapshot(project)
    page = PAGES / f"{NBC}.html.gz"
    result = run_build(project, "add", str(page))
    assert result.code == 0, result.err
    archive, (article,) = added_article(project, before)
    assert article.url == TRUTH[NBC]["url"]
    assert re.fullmatch(r"captures/\d{3}_[0-9a-f]{16}\.html\.gz", article.capture)
    kept = (project / "articles" / article.capture).read_bytes()
    assert kept == page.read_bytes()
    assert hashlib.sha256(kept).hexdigest()[:16] in article.capture
    assert article.title == "New York man pleads guilty to threatening to kill Rep. Ilhan Omar"
    assert (article.date.iso, article.date.precision) == ("2019-11-19", "day")
    assert "article:published_time" in article.date.evidence
    assert article.author == "Phil Helsel"
    assert archive.sources[article.publisher].name == "NBC News"  # og:site_name, proposed for review
    assert article.captured == "" and article.archive is None  # a saved page says nothing of when it was saved
    assert_paragraphs_in_capture(project, article)
    assert "the page's <h1>" in result.out  # the review summary names the evidence

    built = run_build(project)
    assert built.code == 0, built.err
    html = (project / "_site" / "articles" / article.slug / "index.html").read_text(encoding="utf-8")
    assert "Phil Helsel" in html and "pleaded guilty" in html


def test_an_unzipped_page_with_an_address_given(project, tmp_path):
    page = tmp_path / "saved.html"
    page.write_bytes(gzip.decompress((PAGES / "70cb2d5bca75.html.gz").read_bytes()))
    before = snapshot(project)
    result = run_build(project, "add", str(page), "--url", TRUTH["70cb2d5bca75"]["url"])
    assert result.code == 0, result.err
    _, (article,) = added_article(project, before)
    assert article.capture.endswith(".html")
    assert (project / "articles" / article.capture).read_bytes() == page.read_bytes()
    assert article.title.startswith("Taylor Swift")
    assert_paragraphs_in_capture(project, article)


@pytest.mark.parametrize("page_id", sorted(TRUTH))
def test_body_and_title_of_real_pages(page_id):
    data = (PAGES / f"{page_id}.html.gz").read_bytes()
    truth = TRUTH[page_id]
    page = read_page(data, page_id, truth["url"])
    result = extract_page(page, Registry({}, {}, ()))
    body = "\n".join(p.text for p in result["body"].value.paragraphs)
    precision, recall = body_scores(body, truth["articleBody"])
    assert harmonic(precision, recall) >= 0.85, (precision, recall)
    assert title_right(result["title"].value, read_gold(gzip.decompress(data)), truth["url"])
    folded = fold(page.text)
    assert all(fold(p.text) in folded for p in result["body"].value.paragraphs)


def _refused(project, before, result, name: str, words: str) -> None:
    assert result.code == 1, result.out
    assert "Traceback" not in result.err
    assert name in result.err and words in result.err, result.err
    assert "nothing was written" in result.err
    assert snapshot(project) == before


def test_a_page_naming_no_address_needs_url(project, tmp_path):
    page = tmp_path / "nameless.html"
    page.write_text("<html><head><title>A story</title></head><body><h1>A story</h1>"
                    + "<p>The council met on Tuesday and agreed the new budget after a long debate.</p>" * 5
                    + "</body></html>", encoding="utf-8")
    before = snapshot(project)
    _refused(project, before, run_build(project, "add", str(page)), "nameless.html", "--url")


def test_bad_pages_are_refused_clearly_and_change_nothing(project, tmp_path):
    before = snapshot(project)
    data = (PAGES / f"{NBC}.html.gz").read_bytes()
    truncated = tmp_path / "truncated.html.gz"
    truncated.write_bytes(data[:len(data) // 2])
    _refused(project, before, run_build(project, "add", str(truncated)), "truncated.html.gz", "truncated")

    unknown = tmp_path / "klingon.html"
    unknown.write_bytes(b'<html><head><meta charset="x-klingon-8"></head><body><p>qapla\xe9</p></body></html>')
    _refused(project, before, run_build(project, "add", str(unknown), "--url", "https://example.com/a"),
             "klingon.html", "unknown encoding")

    undeclared = tmp_path / "latin.html"
    undeclared.write_bytes("<html><body><p>Caf\u00e9 cr\u00e8me, d\u00e9j\u00e0 vu.</p></body></html>".encode("cp1252"))
    _refused(project, before, run_build(project, "add", str(undeclared), "--url", "https://example.com/b"),
             "latin.html", "not UTF-8")

    huge = tmp_path / "huge.html"
    with open(huge, "wb") as out:
        out.write(b"<html><body><p>" + b"word " * (50_000_000 // 5) + b"</p></body></html>")
    _refused(project, before, run_build(project, "add", str(huge), "--url", "https://example.com/c"),
             "huge.html", "over the")

    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    _refused(project, before, run_build(project, "add", str(empty), "--url", "https://example.com/d"),
             "empty.html", "empty")


def test_adding_again_adds_nothing(project, tmp_path):
    assert run_build(project, "add", str(PAGES / f"{NBC}.html.gz")).code == 0
    before = snapshot(project)
    copy = tmp_path / "again.html.gz"
    copy.write_bytes((PAGES / f"{NBC}.html.gz").read_bytes())
    again = run_build(project, "add", str(copy), "--url", "https://example.com/another-address")
    assert again.code == 0 and "already archived" in again.out
    same_address = tmp_path / "same-address.html"
    same_address.write_bytes(gzip.decompress(copy.read_bytes()))
    again = run_build(project, "add", str(same_address))
    assert again.code == 0 and "the address is already archived" in again.out
    assert snapshot(project) == before


EVIL_MARKERS = ("EVIL-SCRIPT", "EVIL-HANDLER", "EVIL-LINK", "EVIL-FRAME", "EVIL-STYLE", "EVIL-OBJECT")


def evil_page() -> bytes:
    paragraphs = "".join(
        f"<p onclick=\"alert('EVIL-HANDLER')\">Paragraph {n} of the council's report says the ferry service will "
        f"run again from May, after the harbour works end, the mayor said on Tuesday. <a href=\"javascript:alert("
        f"'EVIL-LINK')\" onmouseover=\"alert('EVIL-HANDLER')\">Read the report</a> &lt;script&gt;alert(1)&lt;/script&gt;"
        f"<img src=x onerror=\"alert('EVIL-HANDLER')\"></p>" for n in range(1, 7))
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>Ferry returns in May | Harbour Courier</title>"
            "<meta property=\"og:title\" content=\"Ferry returns in May\">"
            "<meta property=\"og:site_name\" content=\"Harbour Courier\">"
            "<meta property=\"article:published_time\" content=\"2023-04-02T09:00:00Z\">"
            "<link rel=\"canonical\" href=\"https://harbourcourier.example/2023/04/ferry-returns\">"
            "<style>body { background: url('EVIL-STYLE') }</style>"
            "<script>alert('EVIL-SCRIPT')</script></head><body onload=\"alert('EVIL-HANDLER')\">"
            "<h1 style=\"color: red\">Ferry returns in May<script>alert('EVIL-SCRIPT')</script></h1>"
            "<iframe src=\"https://evil.example/EVIL-FRAME\"></iframe><object data=\"EVIL-OBJECT\"></object>"
            f"<article>{paragraphs}</article>"
            "<svg onload=\"alert('EVIL-HANDLER')\"><script>alert('EVIL-SCRIPT')</script></svg>"
            "</body></html>").encode("utf-8")


def test_nothing_from_a_captured_page_reaches_the_site(project, tmp_path):
    page = tmp_path / "evil.html"
    page.write_bytes(evil_page())
    result = run_build(project, "add", str(page))
    assert result.code == 0, result.err
    built = run_build(project)
    assert built.code == 0, built.err
    site = project / "_site"
    pages = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".xml", ".json", ".js", ".css")]
    article = next(p for p in pages if "ferry-returns-in-may" in str(p) and p.name == "index.html")
    assert "the ferry service will run again from May" in article.read_text(encoding="utf-8")
    for output in pages:
        text = output.read_text(encoding="utf-8", errors="replace")
        for marker in EVIL_MARKERS:
            assert marker not in text, (output, marker)
        if output.suffix == ".html":
            assert "<script>alert" not in text and "javascript:alert" not in text, output
    # The capture itself is not published: no built file holds its bytes or its name.
    capture = next((project / "articles" / "captures").glob("*.html"))
    assert not any(p.name == capture.name for p in site.rglob("*"))


def test_quality_reads_an_archived_saved_page_as_add_did(project):
    assert run_build(project, "add", str(PAGES / f"{NBC}.html.gz")).code == 0
    measured = run_build(project, "quality")
    assert measured.code == 0, measured.err
    row = next(line for line in measured.out.splitlines() if line.startswith("new-york-man-pleads-guilty"))
    assert row.split()[1:5] == ["ok", "ok", "ok", "ok"]  # title, date, publisher, original as added


def test_a_singlefile_page_gives_its_address_and_the_time_it_was_saved(project, tmp_path):
    html = gzip.decompress((PAGES / "5a822960e9a2.html.gz").read_bytes()).decode("utf-8")
    html = re.sub(r'<meta[^>]*og:url[^>]*>|<link[^>]*rel="canonical"[^>]*>', "", html)  # no address of its own
    address = TRUTH["5a822960e9a2"]["url"]
    html = html.replace("<html", f"<!--\n Page saved with SingleFile \n url: {address} \n saved date: Thu Nov 21 "
                                  "2019 11:30:00 GMT+0100 (Central European Standard Time)\n-->\n<html", 1)
    page = tmp_path / "singlefile.html"
    page.write_text(html, encoding="utf-8")
    before = snapshot(project)
    result = run_build(project, "add", str(page))
    assert result.code == 0, result.err
    _, (article,) = added_article(project, before)
    assert article.url == address
    assert article.captured == "2019-11-21T10:30:00Z" and article.archive is None
    assert (article.date.iso, article.date.precision) == ("2019-11-20", "day")  # published, not saved
    assert run_build(project).code == 0
    shown = (project / "_site" / "articles" / article.slug / "index.html").read_text(encoding="utf-8")
    assert "2019-11-21 10:30:00 UTC" in shown


def test_a_page_saved_into_captures_first_keeps_its_name(project):
    saved = project / "articles" / "captures" / "nbc-omar.html.gz"
    saved.write_bytes((PAGES / f"{NBC}.html.gz").read_bytes())
    before = snapshot(project)
    result = run_build(project, "add", str(saved))
    assert result.code == 0, result.err
    _, (article,) = added_article(project, before)
    assert article.capture == "captures/nbc-omar.html.gz"
    assert sorted(p.name for p in (project / "articles" / "captures").iterdir()).count("nbc-omar.html.gz") == 1
    assert len(list((project / "articles" / "captures").iterdir())) == len(
        [k for k in before if k.startswith("articles/captures/")])


@pytest.mark.parametrize("og_title, h1, site, want", [
    # The site's name inside the headline is not the site's name: the section after it is cut.
    ("The Guardian view on Hong Kong: a city on the brink | Editorial", "The Guardian view on Hong Kong: a city on the brink",
     "the Guardian", "The Guardian view on Hong Kong: a city on the brink"),
    ("Harbour tariffs rise by a third | The Harbour Courier", "", "The Harbour Courier", "Harbour tariffs rise by a third"),
    ("BBC News - Harbour tariffs rise by a third", "", "BBC", "Harbour tariffs rise by a third"),
])
def test_the_title_is_the_headline_without_the_sites_name(og_title, h1, site, want):
    paragraphs = "".join(f"<p>{PARAGRAPH} {n}</p>" for n in range(4))
    html = (f'<html><head><title>{og_title}</title><meta property="og:title" content="{og_title}">'
            f'<meta property="og:site_name" content="{site}"></head><body>'
            f'{f"<h1>{h1}</h1>" if h1 else ""}<article>{paragraphs}</article></body></html>')
    page = read_page(html.encode(), "page.html", "https://news.example.org/2023/04/12/harbour-tariffs")
    assert extract_page(page, Registry({}, {}, ()))["title"].value == want


PARAGRAPH = ("The harbour board voted on Tuesday to raise tariffs for container ships by a third from May, "
             "the first rise in eleven years, after a long debate that lasted until late in the evening.")


def test_a_damaged_chunked_or_compressed_body_is_a_clear_error():
    from newsarchive.capture import CaptureError
    from newsarchive.capture.html import unpack

    page = b"<html><body><p>Harbour tariffs rise.</p></body></html>"
    assert unpack(b"%x\r\n%s\r\n0\r\n\r\n" % (len(page), page), "page.http") == page
    for damaged, words in ((b"%x\r\n%s" % (len(page) + 40, page), "chunked body is truncated"),
                           (b"\x1f\x8b\x08\x00" + b"\x00" * 12, "gzip data"),
                           (b"\x00\x01\x02 not a page at all", "neither markup nor")):
        with pytest.raises(CaptureError) as failure:
            unpack(damaged, "page.http")
        assert words in failure.value.message and failure.value.where == "page.http"
