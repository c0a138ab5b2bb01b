"""The records each pipeline stage hands to the next. Plain frozen data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DATE_PRECISIONS = ("day", "month", "year", "unknown")
STANCES = ("asserts", "denies")
SOURCE_KINDS = ("newspaper", "agency", "broadcaster", "website")
ORIGINAL_RELATIONS = ("reprint", "translation")
UNNAMED = "unnamed"  # speaker id for a claim whose speaker the text does not name


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the input, located as precisely as we can."""

    path: str
    line: int | None
    field: str | None
    message: str
    hint: str = ""
    severity: str = "error"  # or "warning"

    def format(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = f"field '{self.field}': " if self.field else ""
        text = f"{where}: {self.severity}: {what}{self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


class BuildError(Exception):
    """Raised when input problems stop the build; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(f"{len(diagnostics)} problem(s) in the input")
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    aliases: tuple[str, ...]
    role: str
    affiliation: str
    description: str


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    domains: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class PubDate:
    """A publication date only as precise as the evidence allows."""

    iso: str | None  # "2018-02-20", "2016-12", "2016" or None
    precision: str  # one of DATE_PRECISIONS
    evidence: str

    @property
    def known(self) -> bool:
        return self.iso is not None

    def bounds(self) -> tuple[str, str] | None:
        """Earliest and latest day the date could stand for, as ISO strings."""
        if self.iso is None:
            return None
        if self.precision == "day":
            return self.iso, self.iso
        if self.precision == "month":
            return self.iso + "-01", self.iso + "-31"
        return self.iso + "-01-01", self.iso + "-12-31"


@dataclass(frozen=True)
class Original:
    """The outlet (and, when archived, the article) that this article reprints or translates."""

    source: str  # source id
    article: str | None  # slug of the archived original, if any
    relation: str  # one of ORIGINAL_RELATIONS
    evidence: str


@dataclass(frozen=True)
class WebArchiveRecord:
    """The web-archive record a capture was taken from: the page's bytes are its payload."""

    file: str  # the WARC or WACZ file's name
    record: str  # WARC-Record-ID
    payload_digest: str  # WARC-Payload-Digest ("sha1:BASE32"), checked against the capture


@dataclass(frozen=True)
class Claim:
    id: str
    speaker: str  # actor id or UNNAMED
    speaker_label: str  # how the text names an unnamed speaker; "" for actors
    stance: str
    statement: str
    quote: str


@dataclass(frozen=True)
class Article:
    slug: str
    path: Path  # the Markdown file
    title: str
    url: str
    capture: str  # path of the verbatim capture, relative to the articles folder
    date: PubDate
    publisher: str  # source id
    original: Original | None
    credit: str
    people: tuple[str, ...]
    claims: tuple[Claim, ...]
    reprint_of: tuple[str, ...]  # relations confirmed by hand
    not_reprint_of: tuple[str, ...]  # detected relations rejected by hand
    body: str  # Markdown
    paragraphs: tuple[str, ...] = field(repr=False, default=())  # plain text blocks of the body
    language: str = ""  # ISO 639 code of the language it is written in, "" when not recorded
    author: str = ""  # as the page names it ("" when not recorded)
    captured: str = ""  # when the page was captured (ISO 8601, UTC): not its publication date
    archive: WebArchiveRecord | None = None  # the web-archive record the capture is the payload of


@dataclass(frozen=True)
class Passage:
    """A stretch of text the copy shares with the original (character offsets into `text`)."""

    copy_start: int
    copy_end: int
    original_start: int
    original_end: int
    words: int


@dataclass(frozen=True)
class Reprint:
    copy: str  # slug
    original: str  # slug
    kind: str  # "copy" or "same-text"
    copy_share: float  # share of the copy's words found in the original
    original_share: float  # share of the original's words reused by the copy
    passages: tuple[Passage, ...]
    basis: str  # why this direction: "front matter", "dates", "attribution", ...


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site."""

    path: str  # relative to the output folder, with "/" separators
    content: bytes
