"""A saved page (.html or .html.gz) -> CapturedPage: its encoding, its text as a reader copies it,
and what it states about itself (canonical address, meta tags, JSON-LD, headings).

The page is parsed with lxml and never rendered; nothing in it is run or fetched.
"""

from __future__ import annotations

import codecs
import json
import re
import zlib
from urllib.parse import urljoin, urlsplit

from .records import CaptureError, CapturedPage, Provenance

# A saved article is a few hundred kB; SingleFile pages with their images inlined reach a few MB.
MAX_PAGE_BYTES = 20_000_000
GZIP_MAGIC = b"\x1f\x8b"

# --- bytes -> HTML ---------------------------------------------------------------------------------


def unpack(data: bytes, where: str) -> bytes:
    """The page's markup from its stored bytes: as saved, gzipped, or as a crawler stored the HTTP
    response's body (chunked, and gzip, deflate or brotli compressed). The stored bytes say which:
    a chunk-size line opens a chunked body, gzip and zlib have their marks, and markup opens with
    "<"; whatever else it is is tried as brotli. Every step stops at the size limit."""
    if _CHUNK_LINE.match(data):
        data = _dechunked(data, where)
    if data.startswith(GZIP_MAGIC):
        return _inflated(zlib.decompressobj(16 + zlib.MAX_WBITS), data, where, "gzip")
    if data[:1] == b"\x78" and len(data) > 1 and (data[0] * 256 + data[1]) % 31 == 0:
        return _inflated(zlib.decompressobj(), data, where, "deflate")
    if data and not _looks_like_markup(data):
        return _unbrotli(data, where)
    if len(data) > MAX_PAGE_BYTES:
        raise CaptureError(where, f"the page is {len(data):,} bytes, over the {MAX_PAGE_BYTES:,}-byte limit",
                           "is this one saved article? save the page without embedded media")
    return data


_CHUNK_LINE = re.compile(rb"[0-9a-fA-F]{1,8}[ \t]*(?:;[^\r\n]*)?\r\n")


def _dechunked(data: bytes, where: str) -> bytes:
    """The body of an HTTP response in chunked transfer coding, its chunks joined."""
    out, at = bytearray(), 0
    while True:
        line = _CHUNK_LINE.match(data, at)
        if line is None:
            raise CaptureError(where, "the response's chunked body is damaged (no chunk size where one belongs)",
                               "archive the page again")
        size = int(line.group().split(b";")[0].strip(), 16)
        at = line.end()
        if size == 0:
            return bytes(out)
        if at + size > len(data) or len(out) + size > MAX_PAGE_BYTES:
            raise CaptureError(where, "the response's chunked body is truncated or over the size limit",
                               "archive the page again")
        out += data[at:at + size]
        at += size + 2  # the chunk's closing CRLF


def _inflated(inflater, data: bytes, where: str, how: str) -> bytes:
    try:
        out = inflater.decompress(data, MAX_PAGE_BYTES + 1)
    except zlib.error as failure:
        raise CaptureError(where, f"the {how} data is damaged ({failure})", "save or download the page again")
    if len(out) > MAX_PAGE_BYTES:
        raise CaptureError(where, f"the page is over the {MAX_PAGE_BYTES:,}-byte limit once unpacked",
                           "is this one saved article? save the page without embedded media")
    if not inflater.eof:
        raise CaptureError(where, f"the {how} data is truncated (the file ends before the page does)",
                           "the file was cut off while saving or copying; save or download it again")
    return out


def _looks_like_markup(data: bytes) -> bool:
    head = data[:512].lstrip(b" \t\r\n\x0c")
    return head.startswith((b"<", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or \
        all(byte >= 0x20 or byte in b"\t\r\n\x0c" for byte in head[:64])


def _unbrotli(data: bytes, where: str) -> bytes:
    try:
        import brotli
    except ImportError:  # pragma: no cover - a dependency; the message says what to do without it
        raise CaptureError(where, "the page is compressed in a way this installation cannot read (brotli?)",
                           "pip install brotli, or archive the page again without compression")
    try:
        out = brotli.decompress(data)
    except brotli.error:
        raise CaptureError(where, "the page is neither markup nor gzip, deflate or brotli data",
                           "is this a saved web page? save it again")
    if len(out) > MAX_PAGE_BYTES:
        raise CaptureError(where, f"the page is over the {MAX_PAGE_BYTES:,}-byte limit once unpacked",
                           "is this one saved article? save the page without embedded media")
    return out


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_LENIENT_BAD_BYTES = 16  # a few stray bytes in a declared encoding are the site's, not a wrong encoding


def decode(raw: bytes, where: str, declared: str = "") -> tuple[str, str]:
    """(HTML, how it was decoded). Order: byte-order mark, the server's charset (`declared`, from a
    WARC record's Content-Type), the page's <meta charset>, else UTF-8. A page naming an encoding
    Python does not know, or in no declared encoding and not UTF-8, is refused: guessing would
    store words the page does not hold."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return raw.decode(name, errors="replace"), f"{name} (byte-order mark)"
    how = "the server's Content-Type"
    if not declared:
        found = _META_CHARSET.search(raw[:8192])
        declared = found.group(1).decode("ascii", "replace") if found else ""
        how = "the page's <meta charset>"
    if declared:
        try:
            name = codecs.lookup(declared).name
        except LookupError:
            raise CaptureError(where, f"the page is in an unknown encoding: {how} names {declared!r}",
                               "save the page again as UTF-8 (a browser's 'Save page as' or SingleFile)")
        if name in ("utf-16-le", "utf-16-be", "utf-16", "utf-32"):  # a page declaring it in ASCII is not
            name = "utf-8"
        if name == "latin-1" or name == "iso8859-1" or name == "ascii":
            name = "cp1252"  # what browsers read for these labels (the WHATWG encoding standard)
        text = raw.decode(name, errors="replace")
        bad = text.count("\ufffd")
        if bad > _LENIENT_BAD_BYTES:
            raise CaptureError(where, f"the page is not valid {declared} text ({bad} undecodable bytes)",
                               "save the page again as UTF-8")
        return text, f"{name} (named in {how})"
    try:
        return raw.decode("utf-8"), "utf-8 (no encoding named; the bytes are valid UTF-8)"
    except UnicodeDecodeError as failure:
        raise CaptureError(where, f"the page names no encoding and is not UTF-8 (byte {failure.start}): "
                                  "its encoding is unknown",
                           "save the page again as UTF-8, or add <meta charset=\"...\"> naming its encoding")


# --- HTML -> the text a reader copies --------------------------------------------------------------

# Not text a reader sees or copies.
_HIDDEN = {"script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe", "object",
           "embed", "canvas", "video", "audio", "select", "input", "textarea", "button", "map"}
# Blocks a browser's copy ends with a blank line, and blocks it ends with a line break.
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure", "table", "ul", "ol", "dl",
               "header", "footer", "article", "section", "hr"}
_BLOCKS = _PARAGRAPHS | {"div", "li", "dt", "dd", "tr", "nav", "aside", "main", "form", "figcaption", "address",
                         "details", "summary", "fieldset", "legend", "caption", "center", "body", "html", "br",
                         "thead", "tbody", "tfoot", "option", "label", "picture"}


def reader_text(root) -> str:
    """The page's visible text, one line per block, as a browser's "select all, copy" gives it
    (near enough: no style sheet is applied, so text hidden by CSS is kept)."""
    parts: list[str] = []
    pre = 0

    def add(text: str | None) -> None:
        if text:
            parts.append(text if pre else re.sub(r"[ \t\r\n\f]+", " ", text))

    stack: list[tuple[bool, object]] = [(False, root)]  # (closing, element); no recursion: pages nest deep
    while stack:
        closing, element = stack.pop()
        tag = element.tag.lower() if isinstance(element.tag, str) else ""  # comments have no str tag
        if closing:
            if tag == "pre":
                pre -= 1
            parts.append("\n\n" if tag in _PARAGRAPHS else "\n" if tag in _BLOCKS else "")
            add(element.tail)
            continue
        if not tag or tag in _HIDDEN or element.get("hidden") is not None:
            add(element.tail)
            continue
        if tag in _BLOCKS:
            parts.append("\n")
        elif tag in ("td", "th") and element.getprevious() is not None:
            parts.append("\t")
        if tag == "pre":
            pre += 1
        add(element.text)
        stack.append((True, element))
        stack.extend((False, child) for child in reversed(element))
    lines = [line.strip(" \t") for line in "".join(parts).replace("\xa0", " ").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"


# Characters a reader never sees: soft hyphens, zero-width spaces and joiners, byte-order marks.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)


def fold(text: str) -> str:
    """Whitespace folded and invisible characters dropped: how a paragraph is looked for in the
    page's text (a copy from the browser holds neither)."""
    return " ".join(text.translate(_INVISIBLE).split())


# --- what the page states about itself -------------------------------------------------------------

def _jsonld_objects(data) -> list[dict]:
    """Every object of a JSON-LD value: lists and @graph flattened, nested values kept in place."""
    found = []
    if isinstance(data, list):
        for item in data:
            found += _jsonld_objects(item)
    elif isinstance(data, dict):
        found.append(data)
        if isinstance(data.get("@graph"), list):
            found += _jsonld_objects(data["@graph"])
    return found


def _parse_jsonld(text: str) -> list[dict]:
    text = text.strip()
    text = re.sub(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$", "", text).strip()
    for attempt in (text, re.sub(r",\s*([}\]])", r"\1", text)):  # a trailing comma: a common slip
        try:
            return _jsonld_objects(json.loads(attempt, strict=False))
        except ValueError:
            continue
    return []


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _absolute(address: str, base: str) -> str:
    address = urljoin(base, address.strip()) if base else address.strip()
    parts = urlsplit(address)
    return address if parts.scheme in ("http", "https") and parts.hostname else ""


def parse(html: str, where: str):
    import lxml.html
    from lxml import etree

    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)  # lxml refuses str input that declares an encoding
    if not re.search(r"<\s*[a-zA-Z!]", html):
        raise CaptureError(where, "the file holds no HTML", "give the saved page (.html), or a .txt of its text")
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as failure:
        raise CaptureError(where, f"the HTML cannot be read ({failure})", "save the page again")


_SINGLEFILE = re.compile(r"<!--\s*Page saved with SingleFile\s+url:\s*(?P<url>\S+)\s+saved date:\s*"
                         r"(?P<date>[^\n(]+?)\s*(?:\([^)]*\))?\s*(?:-->|\n)")
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(?P<url>\S+?)\s*-->")


def saving_tool_notes(html: str) -> tuple[str, str]:
    """(address, time) a saving tool wrote into the page's first lines: SingleFile's header
    comment ("url: ...", "saved date: Tue Nov 19 2019 10:15:04 GMT+0100 (...)"), or the
    "saved from url=" comment a browser's "Save page as" adds (no time)."""
    import datetime as dt

    head = html[:4000]
    found = _SINGLEFILE.search(head)
    if found:
        url, saved = _absolute(found.group("url"), ""), ""
        try:
            moment = dt.datetime.strptime(found.group("date").strip(), "%a %b %d %Y %H:%M:%S GMT%z")
            saved = moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            pass
        return url, saved
    found = _SAVED_FROM.search(head)
    return (_absolute(found.group("url"), ""), "") if found else ("", "")


def read_page(data: bytes, where: str, url: str = "", *, suffix: str | None = None, charset: str = "",
              provenance: Provenance | None = None) -> CapturedPage:
    """Read a saved page. `data` is what will be stored (gzip or not); `url` the address the
    user or the archive gives ("" to take the page's own canonical address)."""
    raw = unpack(data, where)
    if not raw.strip():
        raise CaptureError(where, "the page is empty")
    html, encoding = decode(raw, where, charset)
    if "\x00" in html:
        raise CaptureError(where, "the page holds NUL bytes; it looks binary, not HTML")
    root = parse(html, where)
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        content = _clean(element.get("content"))
        if key and content and key not in meta:
            meta[key] = content
    jsonld: list[dict] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json" and script.text:
            jsonld += _parse_jsonld(script.text)
    canonical = ""
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = _absolute(link.get("href"), url)
            break
    if not canonical and meta.get("og:url"):
        canonical = _absolute(meta["og:url"], url)
    h1 = tuple(t for t in (_clean(e.text_content()) for e in root.iter("h1")) if t)
    title = next((t for t in (_clean(e.text_content()) for e in root.iter("title")) if t), "")
    text = reader_text(root)
    saved_from, saved_at = saving_tool_notes(html)
    # The address it was captured from: as given (by the user, or the archive's record), else as
    # the saving tool wrote it, else the page's own canonical address (which a syndicated copy may
    # give as its original's: the review summary says where the address came from).
    if url.strip():
        address, address_from = url.strip(), "given"
    elif saved_from:
        address, address_from = saved_from.split("#")[0], "written into the page by the tool that saved it"
    elif canonical:
        address, address_from = canonical, "the page's own canonical address (<link rel=\"canonical\"> or og:url)"
    else:
        address, address_from = "", ""
    return CapturedPage(data=data, suffix=suffix or (".html.gz" if data.startswith(GZIP_MAGIC) else ".html"),
                        html=html, encoding=encoding, text=text, url=address, canonical=canonical, meta=meta,
                        jsonld=tuple(jsonld), h1=h1, title_tag=title, provenance=provenance, saved_from=saved_from,
                        saved_at=saved_at, address_from=address_from)


def page_text(data: bytes, where: str) -> str:
    """The text of a stored HTML capture (for the loader's checks and the site's furniture lines)."""
    return reader_text(parse(decode(unpack(data, where), where)[0], where))
