"""`build.py add CRAWL.warc.gz` and `add ARCHIVE.wacz`: web archives the tests write with warcio
from real saved pages (tests/fixtures/pages/); every HTML article added with its own address and
capture time, every other record skipped with the reason, bad archives refused."""

import gzip
import io
import json
import tracemalloc
import zipfile
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import assert_paragraphs_in_capture, run_build
from newsarchive import add as adding
from newsarchive.config import load_config
from newsarchive.load import load_archive

PAGES = Path(__file__).parent / "fixtures" / "pages"
TRUTH = json.loads((PAGES / "truth.json").read_text(encoding="utf-8"))
CAPTURED = "2019-11-21T10:00:00Z"


def snapshot(project: Path) -> dict[str, bytes]:
    return {str(p.relative_to(project)): p.read_bytes()
            for p in sorted((project / "articles").rglob("*")) if p.is_file()}


def response(writer, url, payload: bytes, status="200 OK", headers=(("Content-Type", "text/html; charset=utf-8"),),
             date=CAPTURED):
    http = StatusAndHeaders(status, list(headers), protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=http,
                                                  warc_headers_dict={"WARC-Date": date}))


def page_html(page_id: str) -> bytes:
    return gzip.decompress((PAGES / f"{page_id}.html.gz").read_bytes())


def write_crawl(stream, gzipped=True, extra=True) -> None:
    writer = WARCWriter(stream, gzip=gzipped)
    for page_id, truth in TRUTH.items():
        response(writer, truth["url"], page_html(page_id))
    if extra:
        response(writer, "https://example.com/logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
                 headers=(("Content-Type", "image/png"),))
        response(writer, "https://example.com/site.css", b"body{}", headers=(("Content-Type", "text/css"),))
        response(writer, "https://example.com/app.js", b"alert(1)",
                 headers=(("Content-Type", "application/javascript"),))
        response(writer, "https://example.com/old", b"", status="301 Moved Permanently",
                 headers=(("Location", "https://example.com/new"),))
        response(writer, "https://example.com/gone", b"<html><body>Not found</body></html>", status="404 Not Found")
        response(writer, "https://example.com/menu", b"<html><head><title>Menu</title></head><body>"
                                                     b"<a href='/a'>Home</a></body></html>")



def test_every_article_of_a_crawl_is_added_with_its_address_capture_time_and_record(project, tmp_path):
    crawl = tmp_path / "crawl.warc.gz"
    with open(crawl, "wb") as out:
        write_crawl(out)
    result = run_build(project, "add", str(crawl))
    assert result.code == 0, result.err
    for reason in ("an image (image/png)", "a stylesheet (text/css)", "a script (application/javascript)",
                   "a redirect (301) to https://example.com/new", "an error response (404)",
                   "https://example.com/menu: no article text found"):
        assert reason in result.out, reason
    archive, problems = load_archive(project / "articles", project)
    assert archive is not None, [p.format() for p in problems]
    added = {a.url: a for a in archive.articles if a.archive is not None}
    assert set(added) == {t["url"] for t in TRUTH.values()}
    for page_id, truth in TRUTH.items():
        article = added[truth["url"]]
        assert article.captured == CAPTURED
        assert article.archive.file == "crawl.warc.gz"
        assert article.archive.record.startswith("<urn:uuid:")
        assert article.archive.payload_digest.startswith("sha1:")
        assert (project / "articles" / article.capture).read_bytes() == page_html(page_id)  # the payload
        assert article.date.iso != CAPTURED[:10]  # the capture time is not the publication date
        assert_paragraphs_in_capture(project, article)

    built = run_build(project)
    assert built.code == 0, built.err
    article = added[TRUTH["7a457a4f7173"]["url"]]
    html = (project / "_site" / "articles" / article.slug / "index.html").read_text(encoding="utf-8")
    assert "2019-11-21 10:00:00 UTC" in html and "crawl.warc.gz" in html
    assert article.archive.record.replace("<", "&lt;").replace(">", "&gt;") in html
    assert "2019-11-19" in html or "19 November 2019" in html or "November 19, 2019" in html  # published

    # Adding the crawl again adds nothing: each record is reported as already archived.
    before = snapshot(project)
    again = run_build(project, "add", str(crawl))
    assert again.code == 0, again.err
    assert again.out.count("already archived") == len(TRUTH)
    assert snapshot(project) == before


def chunked(body: bytes, size: int = 4096) -> bytes:
    """A body in HTTP's chunked transfer coding, as a crawler storing the raw response keeps it."""
    pieces = [body[at:at + size] for at in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


def test_chunked_and_compressed_responses_are_read_and_kept_as_stored(project, tmp_path):
    import brotli
    import zlib

    ids = sorted(TRUTH)[:3]
    bodies = {ids[0]: (chunked(gzip.compress(page_html(ids[0]))), "gzip", "chunked"),
              ids[1]: (brotli.compress(page_html(ids[1])), "br", ""),
              ids[2]: (chunked(zlib.compress(page_html(ids[2]))), "deflate", "chunked")}
    crawl = tmp_path / "crawl.warc.gz"
    with open(crawl, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for page_id, (payload, encoding, transfer) in bodies.items():
            headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", encoding)]
            if transfer:
                headers.append(("Transfer-Encoding", transfer))
            response(writer, TRUTH[page_id]["url"], payload, headers=tuple(headers))
    result = run_build(project, "add", str(crawl))
    assert result.code == 0, result.err + result.out
    archive, problems = load_archive(project / "articles", project)
    assert archive is not None, [p.format() for p in problems]
    added = {a.url: a for a in archive.articles if a.archive is not None}
    for page_id, (payload, _, _) in bodies.items():
        article = added[TRUTH[page_id]["url"]]
        assert (project / "articles" / article.capture).read_bytes() == payload  # kept as the crawler stored it
        assert_paragraphs_in_capture(project, article)
    assert run_build(project).code == 0


def test_a_capture_changed_after_adding_fails_its_payload_digest(project, tmp_path):
    crawl = tmp_path / "crawl.warc"
    with open(crawl, "wb") as out:
        write_crawl(out, gzipped=False, extra=False)
    assert run_build(project, "add", str(crawl)).code == 0
    archive, _ = load_archive(project / "articles", project)
    article = next(a for a in archive.articles if a.archive is not None)
    kept = project / "articles" / article.capture
    kept.write_bytes(kept.read_bytes().replace(b"</body>", b"<p>An added line.</p></body>"))
    built = run_build(project)
    assert built.code == 1
    assert article.capture in built.err and "payload digest" in built.err


def write_wacz(path: Path, listed: list[str]) -> None:
    warc = io.BytesIO()
    write_crawl(warc)
    pages = [json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})]
    pages += [json.dumps({"id": str(n), "url": url, "ts": CAPTURED}) for n, url in enumerate(listed)]
    with zipfile.ZipFile(path, "w") as wacz:
        wacz.writestr("archive/data.warc.gz", warc.getvalue())
        wacz.writestr("pages/pages.jsonl", "\n".join(pages) + "\n")
        wacz.writestr("datapackage.json", json.dumps({"profile": "data-package", "resources": []}))


def test_a_wacz_adds_the_pages_its_page_list_names(project, tmp_path):
    listed = [TRUTH["7a457a4f7173"]["url"], TRUTH["70cb2d5bca75"]["url"]]
    wacz = tmp_path / "visit.wacz"
    write_wacz(wacz, listed)
    result = run_build(project, "add", str(wacz))
    assert result.code == 0, result.err
    assert "not one of the WACZ's pages" in result.out
    archive, _ = load_archive(project / "articles", project)
    added = [a for a in archive.articles if a.archive is not None]
    assert sorted(a.url for a in added) == sorted(listed)
    assert all(a.archive.file == "visit.wacz/archive/data.warc.gz" and a.captured == CAPTURED for a in added)


def refused(project, before, result, *words: str) -> None:
    assert result.code == 1, result.out
    assert "Traceback" not in result.err
    for word in words:
        assert word in result.err, result.err
    assert "nothing was written" in result.err
    assert snapshot(project) == before


def test_bad_archives_are_refused_clearly_and_change_nothing(project, tmp_path):
    before = snapshot(project)
    whole = io.BytesIO()
    write_crawl(whole)
    data = whole.getvalue()

    truncated = tmp_path / "truncated.warc.gz"
    truncated.write_bytes(data[:len(data) // 2])
    refused(project, before, run_build(project, "add", str(truncated)), "truncated.warc.gz", "record")

    ends_with_image = io.BytesIO()
    writer = WARCWriter(ends_with_image, gzip=True)
    response(writer, TRUTH["5a822960e9a2"]["url"], page_html("5a822960e9a2"))
    response(writer, "https://example.com/logo.png", bytes(range(256)) * 64, headers=(("Content-Type", "image/png"),))
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(ends_with_image.getvalue()[:-20])  # inside the last record, which has no digest checked
    refused(project, before, run_build(project, "add", str(cut)), "cut.warc.gz", "truncated")

    plain = io.BytesIO()
    write_crawl(plain, gzipped=False)
    damaged_bytes = bytearray(plain.getvalue())
    at = damaged_bytes.find(b"Ilhan Omar", damaged_bytes.find(b"<html"))
    damaged_bytes[at:at + 10] = b"XXXXXXXXXX"  # the second page's payload, changed in place
    damaged = tmp_path / "damaged.warc"
    damaged.write_bytes(bytes(damaged_bytes))
    refused(project, before, run_build(project, "add", str(damaged)), "damaged.warc record", "WARC-Payload-Digest")

    lengths = bytearray(plain.getvalue())
    second = lengths.find(b"Content-Length: ", lengths.find(b"WARC-Target-URI: https://example.com/logo.png"))
    end = lengths.find(b"\r\n", second)
    length = int(lengths[second + 16:end])
    lengths[second:end] = b"Content-Length: %d" % (length - 7)  # the record's length no longer fits it
    wrong_length = tmp_path / "length.warc"
    wrong_length.write_bytes(bytes(lengths))
    refused(project, before, run_build(project, "add", str(wrong_length)), "length.warc record", "Content-Length")

    garbage = tmp_path / "garbage.warc"
    garbage.write_bytes(b"this is not a web archive at all\n" * 20)
    refused(project, before, run_build(project, "add", str(garbage)), "garbage.warc")

    not_zip = tmp_path / "notzip.wacz"
    not_zip.write_bytes(b"PK but not really a zip")
    refused(project, before, run_build(project, "add", str(not_zip)), "notzip.wacz", "not a WACZ")

    other_zip = tmp_path / "photos.wacz"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("photos/one.jpg", b"\xff\xd8\xff")
    refused(project, before, run_build(project, "add", str(other_zip)), "photos.wacz", "not a WACZ",
            "archive/*.warc.gz", "pages/pages.jsonl")

    with_url = run_build(project, "add", str(truncated), "--url", "https://example.com/x")
    assert with_url.code == 1 and "--url does not apply" in with_url.err


def test_a_crawl_of_ten_thousand_records_is_streamed(project, tmp_path):
    crawl = tmp_path / "big.warc.gz"
    with open(crawl, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        response(writer, TRUTH["5a822960e9a2"]["url"], page_html("5a822960e9a2"))
        image = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40  # 10 kB each: 100 MB of images in all
        for n in range(9_999):
            response(writer, f"https://example.com/images/{n}.png", image, headers=(("Content-Type", "image/png"),))
    config = load_config(project / "config.yaml")
    seen = []
    tracemalloc.start()
    try:
        result = adding.add(config, crawl, None, progress=seen.append)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.status == "added"
    assert "1 article(s) from big.warc.gz, 9999 record(s) skipped" in result.message
    assert "skipped 9799 more records, not pages (an image: 9799)" in result.message  # the first ones listed, the rest counted
    assert seen[-1] == 10_000  # progress counted every record
    assert peak < 40_000_000  # records are streamed: far below the 100 MB of images


def test_a_date_bar_showing_the_capture_day_is_not_taken_for_the_publication_date(project, tmp_path):
    paragraphs = "".join(f"<p>The harbour board said on Monday that the ferry to the islands will run again from "
                         f"May, once the works on the quay are finished, paragraph {n}.</p>" for n in range(6))
    page = (f"<html><head><title>Ferry returns in May</title></head><body><div class='bar'>November 21, 2019"
            f"</div><h1>Ferry returns in May</h1><article>{paragraphs}</article></body></html>").encode()
    crawl = tmp_path / "bar.warc.gz"
    with open(crawl, "wb") as out:
        response(WARCWriter(out, gzip=True), "https://harbourcourier.example/news/ferry-returns", page)
    result = run_build(project, "add", str(crawl))
    assert result.code == 0, result.err
    archive, _ = load_archive(project / "articles", project)
    article = next(a for a in archive.articles if a.archive is not None)
    assert article.captured == CAPTURED
    assert article.date.iso is None and article.date.precision == "unknown"
