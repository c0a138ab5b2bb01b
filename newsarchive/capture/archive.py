"""WARC and WACZ files -> one CapturedPage per HTML response, and a Skipped for every other record.

Records are streamed with warcio, one at a time: a crawl of any size is read in flat memory
(a page's payload, at most html.MAX_PAGE_BYTES, is the largest thing held). Each page keeps the
record's payload byte for byte (gzip content-encoding kept as gzip: stored as .html.gz), with the
archive's file name, the record's ID, its payload digest and its date (the capture time).
A WACZ is a zip holding `archive/*.warc.gz` and `pages/pages.jsonl`; only the HTML responses
its page list names are pages (the others are frames, widgets and ads the browser loaded).
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from .html import MAX_PAGE_BYTES, read_page
from .records import CaptureError, CapturedPage, Provenance, Skipped

HTML_TYPES = ("text/html", "application/xhtml+xml")
_KINDS = (("image/", "an image"), ("text/css", "a stylesheet"), ("javascript", "a script"),
          ("ecmascript", "a script"), ("font/", "a font"), ("application/font", "a font"), ("video/", "a video"),
          ("audio/", "a sound"), ("application/json", "data (JSON)"), ("application/pdf", "a PDF document"))


def _what(content_type: str) -> str:
    for prefix, what in _KINDS:
        if prefix in content_type:
            return f"{what} ({content_type})"
    return f"not HTML ({content_type or 'no Content-Type'})"


def payload_digest(data: bytes, algorithm: str = "sha1") -> str:
    """A WARC payload digest: "sha1:" and the digest in base32, as WARC writers give it."""
    return f"{algorithm}:" + base64.b32encode(hashlib.new(algorithm, data).digest()).decode("ascii")


def digest_matches(data: bytes, written: str) -> bool | None:
    """Whether `data` has the digest a WARC writes ("sha1:BASE32", base16 accepted); None when
    the algorithm is not one hashlib knows."""
    algorithm, _, value = written.partition(":")
    algorithm = algorithm.strip().lower().replace("-", "")
    if algorithm not in hashlib.algorithms_available or not value:
        return None
    digest = hashlib.new(algorithm, data).digest()
    value = value.strip()
    return value.upper() in (base64.b32encode(digest).decode("ascii"), digest.hex().upper()) \
        or value.upper().rstrip("=") == base64.b32encode(digest).decode("ascii").rstrip("=")


def _warc_date(value: str) -> str:
    """WARC-Date as ISO 8601 in UTC, seconds: "2024-05-01T12:00:00Z"."""
    value = (value or "").strip()
    if len(value) >= 19 and value[10] == "T":
        return value[:19] + "Z"
    return value


def _strict_iterator(stream):
    """warcio's ArchiveIterator, refusing a record not followed by the blank lines that end it
    (its length is wrong: the file is damaged) where warcio only prints a warning and reads on."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.bufferedreaders import DecompressingBufferedReader
    from warcio.exceptions import ArchiveLoadFailed

    class StrictReader(DecompressingBufferedReader):
        """Damaged gzip data is an error (warcio writes it to stderr and reads it as the end)."""

        def _decompress(self, data):
            if self.decompressor and data and self.num_block_read:
                try:
                    return self.decompressor.decompress(data)
                except zlib.error as failure:
                    raise ArchiveLoadFailed(f"the gzip data is damaged ({failure})")
            return super()._decompress(data)

    class Strict(ArchiveIterator):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.reader = StrictReader(self.fh, block_size=self.reader.block_size)

        def close(self):
            decompressor = self.reader.decompressor if self.reader else None
            if decompressor is not None and hasattr(decompressor, "eof") and not decompressor.eof:
                raise ArchiveLoadFailed("the file ends inside compressed data: it is truncated")
            super().close()
        def _consume_blanklines(self):
            empty_size, first_line = 0, True
            while True:
                line = self.reader.readline()
                if len(line) == 0:
                    return None, empty_size
                if line.rstrip():
                    if first_line:
                        raise ArchiveLoadFailed("the record before this one does not end where its "
                                                f"Content-Length says (found {line[:40]!r})")
                    return line, empty_size
                empty_size += len(line)
                first_line = False

    return Strict(stream, no_record_parse=False, arc2warc=False)


def _records(stream, name: str, wanted: set[str] | None) -> Iterator[CapturedPage | Skipped]:
    from warcio.exceptions import ArchiveLoadFailed

    number = 0
    iterator = iter(_strict_iterator(stream))
    while True:
        where = f"{name} record {number + 1}"
        try:
            record = next(iterator)
        except StopIteration:
            return
        except (ArchiveLoadFailed, zlib.error, zipfile.BadZipFile, EOFError, OSError, ValueError) as failure:
            raise CaptureError(where, f"the web archive is damaged here: {failure}",
                               "the file may be cut off or corrupted; write or download the archive again")
        number += 1
        try:
            item = _page_of(record, name, number, wanted)
        except CaptureError:
            raise
        except (ArchiveLoadFailed, zlib.error, zipfile.BadZipFile, EOFError, OSError, ValueError) as failure:
            raise CaptureError(where, f"the record is damaged: {failure}",
                               "the file may be cut off or corrupted; write or download the archive again")
        if item is not None:
            yield item


def _page_of(record, name: str, number: int, wanted: set[str] | None) -> CapturedPage | Skipped | None:
    headers = record.rec_headers
    kind = record.rec_type
    uri = (headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    record_id = (headers.get_header("WARC-Record-ID") or "").strip()
    where = f"{name} record {number}" + (f" ({record_id})" if record_id else "")
    if kind in ("warcinfo", "request", "metadata", "conversion", "continuation"):
        return None  # not a page: the crawl's own notes, and what the browser asked for
    if kind == "revisit":
        return Skipped(where, uri, "a revisit record (the page was unchanged; it holds no payload)")
    if kind not in ("response", "resource"):
        return Skipped(where, uri, f"a {kind} record, not a response")
    if not uri.startswith(("http://", "https://")):
        return Skipped(where, uri, "not a web address")
    http = record.http_headers if kind == "response" else None
    if kind == "response" and http is None:
        return Skipped(where, uri, "a response without HTTP headers (not a web page)")
    if http is not None:
        status = http.get_statuscode() or ""
        if status.startswith("3"):
            return Skipped(where, uri, f"a redirect ({status}) to {http.get_header('Location') or 'nowhere'}")
        if not status.startswith("2"):
            return Skipped(where, uri, f"an error response ({status})")
        content_type = (http.get_header("Content-Type") or "").lower()
    else:
        content_type = (headers.get_header("Content-Type") or "").lower()
    mime = content_type.split(";")[0].strip()
    if mime not in HTML_TYPES:
        return Skipped(where, uri, _what(mime))
    if wanted is not None and uri not in wanted:
        return Skipped(where, uri, "not one of the WACZ's pages (pages/pages.jsonl): a frame or widget the page loaded")
    encoding = ((http.get_header("Content-Encoding") if http else "") or "identity").strip().lower()
    transfer = ((http.get_header("Transfer-Encoding") if http else "") or "").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", "deflate", "br"):
        return Skipped(where, uri, f"the payload is {encoding}-encoded, which cannot be read here")
    # The payload is kept as the crawler stored it; a body that is chunked or compressed other
    # than by gzip is stored as ".http" (an HTTP response's body, read by capture/html.unpack).
    plain = "chunked" not in transfer and encoding in ("identity", "gzip", "x-gzip")
    suffix = (".html.gz" if "gzip" in encoding else ".html") if plain else ".http"
    data = record.raw_stream.read(MAX_PAGE_BYTES + 1)
    if len(data) > MAX_PAGE_BYTES:
        return Skipped(where, uri, f"the page is over the {MAX_PAGE_BYTES:,}-byte limit")
    written = (headers.get_header("WARC-Payload-Digest") or "").strip()
    if written:
        matches = digest_matches(data, written)
        if matches is False:
            raise CaptureError(where, f"the record's payload does not match its WARC-Payload-Digest {written} "
                                      "(the record is damaged or cut off)",
                               "write or download the archive again")
    else:
        written = payload_digest(data)
    charset = ""
    if "charset=" in content_type:
        charset = content_type.split("charset=", 1)[1].split(";")[0].strip().strip("\"'")
    captured = _warc_date(headers.get_header("WARC-Date") or "")
    provenance = Provenance(file=name, record=record_id, payload_digest=written, captured=captured)
    try:
        page = read_page(data, where, uri, suffix=suffix, charset=charset,
                         provenance=provenance)
        return replace(page, address_from="the record's WARC-Target-URI")
    except CaptureError as failure:
        return Skipped(where, uri, failure.message)


def _wacz_pages(archive: zipfile.ZipFile, name: str) -> set[str] | None:
    """The addresses pages/pages.jsonl lists (its first line is a header)."""
    try:
        listing = archive.read("pages/pages.jsonl").decode("utf-8")
    except (KeyError, UnicodeDecodeError, zipfile.BadZipFile, zlib.error, OSError) as failure:
        raise CaptureError(f"{name}: pages/pages.jsonl", f"cannot read the WACZ's page list: {failure}")
    urls = set()
    for line_number, line in enumerate(listing.splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            raise CaptureError(f"{name}: pages/pages.jsonl line {line_number}", "not a JSON line")
        if isinstance(entry, dict) and isinstance(entry.get("url"), str):
            urls.add(entry["url"].strip())
    return urls or None


def read_archive(path: Path) -> Iterator[CapturedPage | Skipped]:
    """Every record of a WARC (.warc, .warc.gz) or WACZ (.wacz) as a page or a skip, streamed."""
    name = path.name
    if name.lower().endswith(".wacz"):
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as failure:
            raise CaptureError(name, f"not a WACZ: the file is not a zip archive ({failure})",
                               "a WACZ is the zip a web archiving tool writes (archive/*.warc.gz, pages/pages.jsonl)")
        with archive:
            members = archive.namelist()
            warcs = sorted(m for m in members if m.startswith("archive/") and m.lower().endswith((".warc", ".warc.gz")))
            if not warcs or "pages/pages.jsonl" not in members:
                missing = " and ".join(what for what, ok in (("archive/*.warc.gz", warcs),
                                                               ("pages/pages.jsonl", "pages/pages.jsonl" in members))
                                       if not ok)
                raise CaptureError(name, f"a zip, but not a WACZ: it has no {missing}",
                                   "give the .wacz a web archiving tool wrote, or the .warc.gz inside it")
            wanted = _wacz_pages(archive, name)
            for member in warcs:
                try:
                    stream = archive.open(member)
                except (zipfile.BadZipFile, OSError) as failure:
                    raise CaptureError(f"{name}/{member}", f"cannot be read from the zip: {failure}")
                with stream:
                    _check_warc_start(stream, f"{name}/{member}")
                    yield from _records(stream, f"{name}/{member}", wanted)
        return
    with open(path, "rb") as stream:
        _check_warc_start(stream, name)
        yield from _records(stream, name, None)


def _check_warc_start(stream, name: str) -> None:
    """A WARC begins with a record's version line ("WARC/1.0"); warcio would read other text as
    an old ARC file, record after made-up record."""
    try:
        head = stream.read(4096)
        stream.seek(0)
    except (zipfile.BadZipFile, zlib.error, OSError) as failure:
        raise CaptureError(f"{name} record 1", f"cannot be read: {failure}", "write or download the archive again")
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error as failure:
            raise CaptureError(f"{name} record 1", f"the gzip data is damaged ({failure})",
                               "write or download the archive again")
    if not head.lstrip(b"\r\n").startswith(b"WARC/"):
        raise CaptureError(name, "not a WARC file: it does not begin with a WARC record (\"WARC/1.0\")",
                           "give the .warc or .warc.gz a web archiving tool wrote")
