"""The records extraction hands between its field modules: the page, the registry, what was found."""

from __future__ import annotations

from ..model import Actor, Article, Source
from dataclasses import dataclass, field
from typing import Mapping


# --- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    text: str  # the capture, as saved
    url: str  # the address it was captured from


@dataclass(frozen=True)
class Registry:
    """What the archive already knows: registries, and the articles (for originals and claims)."""

    actors: Mapping[str, Actor]
    sources: Mapping[str, Source]
    articles: tuple[Article, ...] = ()
    # How many of the archive's captures from the new page's site print each line (folded for
    # search): a line the site prints on page after page is its furniture, not an article's.
    site_lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class NewActor:
    id: str
    name: str
    aliases: tuple[str, ...]
    role: str
    evidence: str


@dataclass(frozen=True)
class NewSource:
    id: str
    name: str
    domains: tuple[str, ...]
    kind: str
    evidence: str


@dataclass(frozen=True)
class Found:
    value: object
    evidence: str
    confident: bool = True
    proposed: tuple = ()  # NewActor / NewSource records this field needs
    line: Line | None = None  # the capture line the value was read from, when there is one


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line in the capture
    text: str  # stripped, no-break spaces folded


@dataclass(frozen=True)
class Body:
    headline: Line | None  # the page's headline line, when the capture has one
    paragraphs: tuple[Line, ...]  # the article, in order
    credits: tuple[Line, ...]  # "Originally appeared at ...", "Translated by ..." lines
    head: tuple[Line, ...]  # lines above the article (chrome, captions, date bars)
    tail: tuple[Line, ...]  # lines below it (teasers, tags, comments)
    removed: tuple[tuple[Line, str], ...]  # every line left out, with the reason

    def opening(self) -> tuple[Line, ...]:
        """Where a dateline stands: the first paragraph, and the line right above it when that
        line was left out ("Christchurch (AFP) March 4, 2011" on a line of its own)."""
        if not self.paragraphs:
            return ()
        above = [line for line in self.head if line.number < self.paragraphs[0].number]
        return tuple(above[-1:]) + self.paragraphs[:1]


@dataclass(frozen=True)
class DateValue:
    iso: str | None
    precision: str  # day, month, year, unknown


@dataclass(frozen=True)
class OriginalValue:
    source: str
    article: str | None
    relation: str
    evidence: str


@dataclass(frozen=True)
class ClaimDraft:
    id: str
    speaker: str  # actor id or UNNAMED
    speaker_label: str
    stance: str
    statement: str
    quote: str
    evidence: str
    confident: bool


@dataclass(frozen=True)
class Extraction:
    fields: dict[str, Found]

    def __getitem__(self, name: str) -> Found:
        return self.fields[name]

    @property
    def new_actors(self) -> tuple[NewActor, ...]:
        return tuple(p for f in self.fields.values() for p in f.proposed if isinstance(p, NewActor))

    @property
    def new_sources(self) -> tuple[NewSource, ...]:
        seen, result = set(), []
        for f in self.fields.values():
            for p in f.proposed:
                if isinstance(p, NewSource) and p.id not in seen:
                    seen.add(p.id)
                    result.append(p)
        return tuple(result)
