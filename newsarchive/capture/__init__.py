"""Capture readers: a saved web page (.html, .html.gz) or a web archive (.warc, .warc.gz, .wacz)
-> one `CapturedPage` per page, ready for extraction (`fields.extract_page`).

A text capture (.txt) is read by `add` itself, as before. Each reader here keeps the bytes it
was given (the stored capture is exactly those bytes) and never runs anything from the page:
the HTML is parsed, never rendered, and no part of it reaches the built site.

- `html.py`     a saved page: its encoding, its text the way a reader copies it, its own
                statements (canonical address, meta tags, JSON-LD) and trafilatura's reading.
- `archive.py`  WARC and WACZ files, streamed record by record with warcio: one page per
                HTML response, every other record listed as skipped with the reason.
- `fields.py`   a page's fields for the article file: the HTML's statements first, the text
                extractors (extract/) for people, claims, credits and what the HTML leaves open.
"""

from __future__ import annotations

from pathlib import Path

from .records import CaptureError, CapturedPage, Provenance, Skipped

__all__ = ["CaptureError", "CapturedPage", "Provenance", "Skipped", "kind_of", "read_stored", "text_capture",
           "HTML_SUFFIXES", "ARCHIVE_SUFFIXES"]

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz", ".http")  # .http: a response body as crawled
ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".wacz")


def text_capture(data: bytes, text: str, url: str, address_from: str = "") -> CapturedPage:
    """A text capture as a page: its bytes and its text, with no markup."""
    return CapturedPage(data, ".txt", "", "utf-8", text, url, address_from=address_from)


def read_stored(path: Path, url: str) -> CapturedPage:
    """A capture as the archive keeps it, read as `add` read it: a saved page (a CaptureError when
    it no longer reads), or a text capture."""
    data = path.read_bytes()
    if kind_of(path) == "html":
        from .html import read_page
        return read_page(data, str(path), url)
    return text_capture(data, data.decode("utf-8", errors="replace"), url)


def kind_of(path: Path | str) -> str:
    """"html", "warc", "wacz" or "text" (anything else: read as a text capture), by the file's name."""
    name = str(path).lower()
    if name.endswith((".warc", ".warc.gz")):
        return "warc"
    if name.endswith(".wacz"):
        return "wacz"
    if name.endswith(HTML_SUFFIXES):
        return "html"
    return "text"
