"""The records the capture readers hand on: one page, where it came from, and what was skipped."""

from __future__ import annotations

from dataclasses import dataclass, field


class CaptureError(Exception):
    """A capture that cannot be read: `where` names the file (and the record inside an archive)."""

    def __init__(self, where: str, message: str, hint: str = ""):
        super().__init__(f"{where}: {message}")
        self.where, self.message, self.hint = where, message, hint


@dataclass(frozen=True)
class Provenance:
    """Where a page inside a web archive was read from (front matter `archive:` and `captured:`)."""

    file: str  # the archive's file name (a WACZ: "NAME.wacz/archive/data.warc.gz")
    record: str  # WARC-Record-ID
    payload_digest: str  # WARC-Payload-Digest, as the archive writes it ("sha1:BASE32")
    captured: str  # WARC-Date: when the page was captured (ISO 8601, UTC), not when it was published


@dataclass(frozen=True)
class CapturedPage:
    """A saved page read: its bytes as stored, its HTML and text, and what the HTML states."""

    data: bytes  # the capture as it will be stored, byte for byte (gzip kept when it came gzipped)
    suffix: str  # the stored capture's extension: ".html" or ".html.gz"
    html: str  # the decoded HTML
    encoding: str  # how it was decoded, and why ("utf-8 (declared in <meta charset>)")
    text: str  # the page's text the way a reader copies it: one line per block, no script or style
    url: str  # the address it was captured from ("" when neither the user nor the page says)
    canonical: str = ""  # <link rel=canonical> or og:url, when the page names its own address
    meta: dict = field(default_factory=dict)  # lowercased meta name/property -> first content
    jsonld: tuple = ()  # every JSON-LD object of the page, @graph members flattened
    h1: tuple[str, ...] = ()  # the text of each <h1>
    title_tag: str = ""  # <title>
    provenance: Provenance | None = None  # set for a page read from a WARC or WACZ
    saved_from: str = ""  # the address the saving tool wrote into the page (SingleFile, "saved from url=")
    saved_at: str = ""  # when SingleFile saved it (ISO 8601, UTC), "" when the page does not say
    address_from: str = ""  # where `url` came from, in words for the review summary

    def meta_value(self, *names: str) -> str:
        for name in names:
            value = self.meta.get(name.lower())
            if value:
                return value
        return ""


@dataclass(frozen=True)
class Skipped:
    """A record of a web archive that adds no article, and why."""

    where: str  # "crawl.warc.gz record 12 (<urn:uuid:...>)"
    url: str
    reason: str
