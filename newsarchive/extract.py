"""Capture text + address -> proposed metadata for a new article. Pure: no I/O, no clock.

`extract(page, registry)` runs the table EXTRACTORS in order; each field has one function
that reads the page (and the fields found before it) and returns a `Found`: the value, the
evidence for it in words a reviewer can check against the capture, and whether the rule
that found it is sure (`confident=False` flags the field for review). Fields may also
propose new registry entries (`NewActor`, `NewSource`) for an outlet or a person the
archive does not know yet.

Every rule here is general: it reads the shape of a page (position, line length, sentence
shape, repetition, tone), the shape of an address, common newsroom phrasing ("X said",
"according to X", "Originally appeared at X", "CITY (Agency) -") and the registries.
No rule knows the wording of any particular capture.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Mapping
from urllib.parse import urlsplit

from .model import UNNAMED, Actor, Article, Source
from .text import fold_for_search, words

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


# --- text helpers -------------------------------------------------------------------------

_SPACE_FOLD = str.maketrans({c: " " for c in "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004\u2005\u2006\t"})
_QUOTES = '"\u201c\u201d\u00ab\u00bb\u201e'
_CLOSERS = '"\u201d\u2019\'\u00bb)]'
_TERMINAL = ".!?\u2026:"
_WORD_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def clean_line(raw: str) -> str:
    """A capture line as the body keeps it: no-break spaces folded, runs of spaces joined."""
    text = raw.translate(_SPACE_FOLD).replace("\u200b", "")
    return re.sub(r" {2,}", " ", text).strip()


def _word_list(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_tokens(text: str) -> list[tuple[str, int, int]]:
    """Tokens for name matching: accents, case, hyphens and possessives do not matter.

    Returns (token, start, end) with offsets into `text`. "Al-Mismari's" gives "al", "mismari".
    """
    result = []
    for match in re.finditer(r"[^\W_]+", text):
        token = _strip_accents(match.group()).casefold()
        before = text[match.start() - 1] if match.start() else ""
        if token == "s" and before in "'\u2019" and match.start() >= 2 and text[match.start() - 2].isalnum():
            continue  # possessive 's
        result.append((token, match.start(), match.end()))
    return result


def _compact(text: str) -> str:
    return "".join(t for t, _, _ in name_tokens(text))


def _terminal(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS + " ")
    return bool(stripped) and stripped[-1] in _TERMINAL


def _truncated(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS + " ")
    return stripped.endswith(("\u2026", "..."))


def _quote_mask(text: str) -> list[bool]:
    """True for each character inside double quotation marks (the marks included).

    Curly, straight and angle quotes all toggle: captures often type a closing mark where an
    opening one belongs. Single quotes are apostrophes or nested quotes and are ignored.
    """
    mask, inside = [], False
    for char in text:
        if char in _QUOTES:
            mask.append(True)
            inside = not inside
        else:
            mask.append(inside)
    return mask


def _masked(text: str) -> str:
    mask = _quote_mask(text)
    return "".join("\u00a7" if m else c for c, m in zip(text, mask))


_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "st", "no", "vs", "prof", "sen", "rep",
                  "gov", "capt", "maj", "inc", "ltd", "co", "jr", "sr", "jan", "feb", "mar", "apr", "jun", "jul",
                  "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.n", "e.g", "i.e", "approx", "cf"}
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"\u201d\u2019'\u00bb)\]]*\s+(?=[\"\u201c\u2018\u00ab(\[\u201d]?[A-Z0-9])")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a paragraph, not splitting after common abbreviations or initials."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start:match.start() + 1]
        last = re.search(r"([\w.]+)[.]$", before)
        if last and (last.group(1).lower() in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", last.group(1))):
            continue
        end = match.end()
        spans.append((start, len(text[:end].rstrip()) if text[:end].rstrip() else end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _strip_accents(fold_for_search(text))).strip("-")


# --- body ---------------------------------------------------------------------------------

# Words of page furniture, as web pages commonly print them. A line is furniture only when it
# is short and carries one of these; article sentences are long and rarely do.
_END_MARKERS = re.compile(
    r"^(?:related(?: articles| stories| posts| news)?|see also|check also|read also|also read|more from|"
    r"more stories|more news|recommended|you (?:may|might) (?:also )?(?:like|be interested in)|"
    r"most (?:read|popular|viewed)|popular(?: posts)?|trending|latest(?: news)?|"
    r"(?:\d+\s+)?(?:comments?|responses?|replies)|leave a (?:reply|comment)|add (?:a )?comment|"
    r"join the discussion|discussion|show comments|tags?|topics?|keywords?|filed under)\b[\s:]*.{0,40}$",
    re.IGNORECASE)
_FURNITURE = re.compile(
    r"\b(?:cookies?|newsletter|subscribe|sign (?:up|in)|log ?in|register|follow us|share(?: this| on)?|"
    r"print|e-?mail|tweet|whatsapp|telegram|advertisements?|sponsored|read more|click here|"
    r"all rights reserved|copyright|privacy policy|terms of (?:use|service)|accept|feedback|"
    r"have your say|donate|support (?:us|our)|skip to|back to top|menu|home|search|loading|"
    r"previous (?:article|post)|next (?:article|post))\b|\u00a9", re.IGNORECASE)
_CAPTION = re.compile(r"\((?:left|right|center|centre|top|bottom|above|below|file|pictured)\)|"
                      r"\b(?:photo|image|picture|file photo|illustration)\s*(?::|by|credit|\u00a9)", re.IGNORECASE)
_CREDIT = re.compile(
    r"^(?:originally (?:appeared|published|posted|ran)|first (?:appeared|published)|"
    r"(?:this (?:article|story|piece|report) (?:was|is|first|originally))|translated (?:by|from)|"
    r"edited by|written by|republished|reprinted|source:|courtesy of)|"
    r"\b(?:originally (?:appeared|published|posted) (?:at|in|on|by)|translated by)\b", re.IGNORECASE)
_BREADCRUMB = re.compile(r"\S\s+(?:/|>|\u203a|\u00bb|\|)\s+\S.*\S\s+(?:/|>|\u203a|\u00bb|\|)\s+\S")


def _is_tag_list(text: str) -> bool:
    """A comma-separated run of short items with no sentence in it (a page's tag list)."""
    if _terminal(text):
        return False
    items = [i.strip() for i in text.split(",") if i.strip()]
    return len(items) >= 2 and all(len(_word_list(i)) <= 5 for i in items)


def _kind(line: Line) -> str:
    """The shape of one line: prose, short, heading, long (unpunctuated), furniture or end."""
    text = line.text
    count = len(_word_list(text))
    if count <= 8 and _END_MARKERS.match(text):
        return "end"
    if (count <= 8 or count <= 14 and not _terminal(text)) and _FURNITURE.search(text):
        return "furniture"
    if _DATE_ONLY.match(text) or _BREADCRUMB.search(text):
        return "furniture"
    if _CREDIT.search(text) and count <= 40:
        return "credit"
    if _truncated(text):
        return "truncated"
    if _terminal(text):
        return "prose" if count >= 10 else "short"
    if count > 20:
        return "long"
    if _is_tag_list(text):
        return "tags"
    return "heading"


_PRONOUN_FIRST = re.compile(r"\b(?:I|I'm|I've|I'd|me|my|we|We|us|our|Our|you|You|your|Your)\b")
_REPORTING = re.compile(r"\b(?:said|says|told|according to|reported|stated|noted|added|announced)\b", re.IGNORECASE)


def _comment_score(line: Line, earlier: list[str]) -> float:
    """How much a line reads like a reader's comment rather than reporting (about -2 to 3)."""
    text = line.text
    outside = _masked(text)
    score = 0.0
    if _PRONOUN_FIRST.search(outside):
        score += 1
    if text[:1].islower():
        score += 1
    folded = fold_for_search(text)
    if len(folded.split()) >= 4 and any(folded in e or e in folded for e in earlier if len(e.split()) >= 4):
        score += 1
    if not _terminal(text) and len(_word_list(text)) >= 4:
        score += 0.5
    if text.rstrip(_CLOSERS + " ").endswith(("?", "!", "\u2026", "...")):
        score += 0.5
    if len(_word_list(text)) < 6:
        score += 0.5
    if any(q in text for q in _QUOTES):
        score -= 1
    if _REPORTING.search(outside):
        score -= 1
    return score


def _comment_start(block: list[Line]) -> int:
    """Index in `block` where reader comments begin (len(block) when there are none).

    Comments follow the article: from some line on, most lines read like comments (first and
    second person outside quotes, lowercase starts, repeats of earlier lines, no reporting),
    while the article above does not.
    """
    if len(block) < 3:
        return len(block)
    scores, earlier = [], []
    for line in block:
        scores.append(_comment_score(line, earlier))
        earlier.append(fold_for_search(line.text))
    best = len(block)
    for start in range(len(block) - 1, 1, -1):
        tail = scores[start:]
        before = scores[:start]
        if scores[start] >= 1 and sum(tail) / len(tail) >= 0.75 and sum(before) / len(before) <= 0.25:
            best = start
    return best


def extract_body(page: Page, registry: Registry, done: dict) -> Found:
    lines = [Line(n, clean_line(raw)) for n, raw in enumerate(page.text.splitlines(), 1)]
    lines = [line for line in lines if line.text]
    kinds = [_kind(line) for line in lines]
    # The article is the run of lines, from prose to prose, holding the most words of prose.
    # Inside it a single short line, heading or bit of furniture may stand between paragraphs;
    # two non-prose lines in a row, or an end marker ("Related", "Comments"), close it.
    best, best_words = None, 0
    index = 0
    while index < len(lines):
        if kinds[index] != "prose":
            index += 1
            continue
        start, end, gap, total = index, index, 0, 0
        cursor = index
        while cursor < len(lines):
            kind = kinds[cursor]
            if kind == "prose":
                end, gap = cursor, 0
                total += len(_word_list(lines[cursor].text))
            elif kind in ("end", "truncated", "tags"):
                break
            else:
                gap += 1
                if gap >= 2 and kind != "furniture":
                    break
            cursor += 1
        # A short closing paragraph ("Buisier added.") right after the last prose line belongs to it.
        while end + 1 < len(lines) and kinds[end + 1] == "short" and _comment_score(lines[end + 1], []) < 1:
            end += 1
        if total > best_words:
            best, best_words = (start, end), total
        index = max(end + 1, index + 1)
    removed: list[tuple[Line, str]] = []
    if best is None:
        return Found(Body(None, (), (), tuple(lines), (), tuple((l, "no article text") for l in lines)),
                     "no paragraph of prose found in the capture", confident=False)
    start, end = best
    block = [(line, kind) for line, kind in zip(lines[start:end + 1], kinds[start:end + 1])]
    kept = []
    for line, kind in block:
        if kind in ("furniture", "credit"):
            removed.append((line, "page furniture inside the article" if kind == "furniture" else "credit line"))
        else:
            kept.append(line)
    cut = _comment_start(kept)
    for line in kept[cut:]:
        removed.append((line, "reads like a reader comment"))
    kept = kept[:cut]
    while kept and kinds[lines.index(kept[-1])] not in ("prose", "short"):
        removed.append((kept.pop(), "heading after the last paragraph"))
    head, tail = lines[:start], lines[end + 1:]
    credits = tuple(l for l, k in zip(lines, kinds) if k == "credit")
    removed.extend((line, "above the article") for line in head if line not in credits)
    removed.extend((line, "below the article") for line in tail if line not in credits)
    removed.extend((line, "credit line") for line in credits if line in head or line in tail)
    body = Body(None, tuple(kept), credits, tuple(head), tuple(tail),
                tuple(sorted(removed, key=lambda r: r[0].number)))
    first, last = (kept[0].number, kept[-1].number) if kept else (0, 0)
    return Found(body, f"{len(kept)} paragraphs from lines {first}-{last}; "
                       f"{len(removed)} lines left out (chrome above, teasers, tags and comments below)",
                 confident=len(kept) >= 2)


# --- title --------------------------------------------------------------------------------

def _slug_words(url: str) -> list[str]:
    path = urlsplit(url).path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    last = re.sub(r"\.(?:html?|php|aspx?)$", "", last)
    return [w for w in re.split(r"[-_+]", last.lower()) if w.isalpha()]


def _title_case_share(text: str) -> float:
    content = [w for w in _word_list(text) if len(w) > 3]
    if not content:
        return 0.0
    return sum(1 for w in content if w[0].isupper()) / len(content)


def extract_title(page: Page, registry: Registry, done: dict) -> Found:
    body: Body = done["body"].value
    slug = set(_slug_words(page.url))
    first_line = body.paragraphs[0].number if body.paragraphs else 10 ** 9
    candidates = [l for l in body.head if _kind(l) in ("heading", "short", "long") and not _CAPTION.search(l.text)
                  and not any(d.precision == "day" for d in find_dates(l.text)) and 2 <= len(_word_list(l.text)) <= 30]
    scored = []
    for position, line in enumerate(reversed(candidates)):
        tokens = {t for t, _, _ in name_tokens(line.text)}
        overlap = len(slug & tokens) / len(slug) if slug else 0.0
        repeated = sum(1 for other in body.head if line.text in other.text and other is not line)
        score = 3 * overlap + 1 / (1 + position) + _title_case_share(line.text) + 0.5 * min(repeated, 1)
        if len(_word_list(line.text)) > 20:
            score -= 1
        scored.append((score, -line.number, line, overlap))
    if scored:
        score, _, line, overlap = max(scored, key=lambda s: (s[0], s[1]))
        where = "the first line of the capture" if line.number == lines_first(page) else f"line {line.number}"
        sure = overlap >= 0.5 or (len(candidates) == 1 and first_line - line.number <= 3)
        why = f"headline: {where}, above the first paragraph"
        if slug:
            why += f"; shares {overlap:.0%} of the address's words"
        return Found(line.text, why, confident=sure, line=line)
    if slug:
        text = _title_from_slug(_slug_words(page.url), body)
        return Found(text, "the capture has no headline; taken from the page's address", confident=False)
    sentence = body.paragraphs[0].text if body.paragraphs else "Untitled capture"
    span = sentences(sentence)[0] if sentences(sentence) else (0, len(sentence))
    return Found(sentence[span[0]:span[1]], "no headline and no words in the address; first sentence",
                 confident=False)


def lines_first(page: Page) -> int:
    for number, raw in enumerate(page.text.splitlines(), 1):
        if raw.strip():
            return number
    return 0


def _title_from_slug(slug_words: list[str], body: Body) -> str:
    """Words of the address, each cased as the article writes it away from a sentence start."""
    casing: dict[str, dict[str, int]] = {}
    for line in body.paragraphs:
        for start, end in sentences(line.text):
            for position, word in enumerate(_word_list(line.text[start:end])):
                if position:
                    casing.setdefault(word.lower(), {}).setdefault(word, 0)
                    casing[word.lower()][word] += 1
    result = []
    for word in slug_words:
        seen = casing.get(word)
        result.append(max(seen.items(), key=lambda kv: (kv[1], kv[0]))[0] if seen else word)
    if result:
        result[0] = result[0][:1].upper() + result[0][1:]
    return " ".join(result)


# --- dates --------------------------------------------------------------------------------

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>\d\d)-(?P<day>\d\d)\b"),
    re.compile(r"\b(?P<day>\d{1,2})\.(?P<mnum>\d{1,2})\.(?P<year>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b",
               re.IGNORECASE),
    re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE),
    re.compile(r"\b" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE),
]
_DATE_ONLY = re.compile(r"^[\W_]*(?:" + _WEEKDAY + r"[\W_]*)?(?:\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\.?,?\s+\d{4}|"
                        r"[A-Za-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{4}-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d)?)?|"
                        r"\d{1,2}\.\d{1,2}\.\d{4})[\W_]*$", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    iso: str
    precision: str
    text: str  # the words as printed
    start: int
    end: int


def find_dates(text: str) -> list[DateMention]:
    """Full dates (day or month precision) printed in `text`, left to right, not overlapping."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            parts = match.groupdict()
            month = int(parts["mnum"]) if parts.get("mnum") else _MONTHS.get((parts.get("month") or "").lower())
            year = int(parts["year"])
            taken.append((match.start(), match.end()))  # an impossible date is no date, nor a month
            if not month or not 1 <= month <= 12:
                continue
            if parts.get("day"):
                day = int(parts["day"])
                if not 1 <= day <= calendar.monthrange(year, month)[1]:
                    continue
                iso, precision = f"{year:04d}-{month:02d}-{day:02d}", "day"
            else:
                iso, precision = f"{year:04d}-{month:02d}", "month"
            found.append(DateMention(iso, precision, match.group(), match.start(), match.end()))
    return sorted(found, key=lambda d: d.start)


def _valid(year: int, month: int, day: int | None = None) -> bool:
    if not (1990 <= year <= 2100 and 1 <= month <= 12):
        return False
    return day is None or 1 <= day <= calendar.monthrange(year, month)[1]


def dates_in_address(url: str) -> list[tuple[DateValue, str]]:
    """Dates an address carries, most precise first, with the part of the address that shows them."""
    path = urlsplit(url).path
    found = []
    day_patterns = [
        r"/((?:19|20)\d\d)/(\d\d?)/(\d\d?)(?=/|$|-|_)",  # /2016/12/03/
        r"/((?:19|20)\d\d)-(\d\d)/(\d\d)(?=/|$)",  # /2012-08/22/
        r"(?<![\d])((?:19|20)\d\d)-(\d\d)-(\d\d)(?![\d])",  # /2012-08-22-title
        r"/((?:19|20)\d\d)(\d\d)(\d\d)\d*(?=[-_/.]|$)",  # /201802201061826555-title
    ]
    for pattern in day_patterns:
        for match in re.finditer(pattern, path):
            year, month, day = (int(g) for g in match.groups())
            if _valid(year, month, day):
                found.append((DateValue(f"{year:04d}-{month:02d}-{day:02d}", "day"), match.group().strip("/-_")))
    if found:
        return found
    match = re.search(r"/((?:19|20)\d\d)[/-](\d\d?)(?=/)", path)
    if match and _valid(int(match.group(1)), int(match.group(2))):
        return [(DateValue(f"{int(match.group(1)):04d}-{int(match.group(2)):02d}", "month"), match.group().strip("/"))]
    match = re.search(r"/((?:19|20)\d\d)/(?!\d)", path)
    if match and _valid(int(match.group(1)), 1):
        return [(DateValue(match.group(1), "year"), match.group().strip("/"))]
    return []


_STAMP = re.compile(r"\b(?P<label>first published|published|posted|last updated|updated|modified|date)\b"
                    r"(?:\s+on)?\s*[:\-\u2013]?\s*", re.IGNORECASE)
_DATELINE = re.compile(r"^(?P<place>[A-Z][A-Z.'\- ]{2,40}?)(?:\s*\([^)]{1,40}\))?\s*,\s*"
                       r"(?:(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})|(?P<day2>\d{1,2})\s+(?P<month2>[A-Za-z]{3,9}))"
                       r"(?:,?\s+(?P<year>(?:19|20)\d\d))?\b")
_RELATIVE = re.compile(r"\b(?:on|last|since|until|by)\s+(?P<day>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
                       r"Sunday)\b|\b(?P<word>yesterday)\b")


def _human(iso: str) -> str:
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {calendar.month_name[int(parts[1])]} {parts[0]}"
    if len(parts) == 2:
        return f"{calendar.month_name[int(parts[1])]} {parts[0]}"
    return iso


def _resolve_relative(body: Body, anchor: str) -> list[str]:
    """Weekday words of the text, each placed on the last such day on or before the anchor day."""
    import datetime as _dt
    day0 = _dt.date.fromisoformat(anchor)
    notes = []
    for line in body.paragraphs:
        for match in _RELATIVE.finditer(_masked(line.text)):  # outside quotations only
            if match.group("word"):
                notes.append(f"'{match.group()}' is {day0 - _dt.timedelta(days=1)}.")
            else:
                weekday = list(calendar.day_name).index(match.group("day").capitalize())
                back = (day0.weekday() - weekday) % 7
                notes.append(f"'{match.group()}' is {day0 - _dt.timedelta(days=back)}, counting back from {anchor}.")
    return notes


def extract_date(page: Page, registry: Registry, done: dict) -> Found:
    body: Body = done["body"].value
    address = dates_in_address(page.url)
    # Short lines above the article that print a date (date bars, bylines); not captions.
    head_dates = [(line, d) for line in body.head for d in find_dates(line.text)
                  if d.precision == "day" and len(_word_list(line.text)) - len(_word_list(d.text)) <= 6]
    stamps = []
    for line in (*body.head, *body.paragraphs[:1], *body.tail):
        for match in _STAMP.finditer(line.text):
            following = find_dates(line.text[match.end():match.end() + 40])
            if following and following[0].start == 0:
                stamps.append((match.group("label").lower(), following[0], line))
    dateline = None
    if body.paragraphs:
        match = _DATELINE.match(body.paragraphs[0].text)
        if match:
            month_word = (match.group("month") or match.group("month2") or "").lower().rstrip(".")
            day = int(match.group("day") or match.group("day2"))
            if month_word in _MONTHS:
                dateline = (match.group(), _MONTHS[month_word], day, match.group("year"))
    notes: list[str] = []
    value, evidence, sure = None, "", True

    published = [s for s in stamps if s[0] in ("published", "posted", "first published", "date")]
    updated = [s for s in stamps if s[0] in ("updated", "last updated", "modified")]
    if address and address[0][0].precision == "day":
        value = address[0][0]
        evidence = f"The address carries the date ({address[0][1]}: {value.iso})."
    elif published:
        label, mention, line = published[0]
        value = DateValue(mention.iso, mention.precision)
        evidence = f"The page's stamp \"{line.text}\" (line {line.number})."
    elif dateline and (dateline[3] or address):
        year = int(dateline[3]) if dateline[3] else int(address[0][0].iso[:4])
        if _valid(year, dateline[1], dateline[2]):
            value = DateValue(f"{year:04d}-{dateline[1]:02d}-{dateline[2]:02d}", "day")
            evidence = f"The dateline \"{dateline[0]}\""
            evidence += "." if dateline[3] else f", in the year the address gives ({address[0][1]})."
            sure = bool(dateline[3])
    if value is None and address:
        value = address[0][0]
        evidence = f"The address carries the {value.precision} ({address[0][1]})."
    if value is None and updated:
        label, mention, line = updated[0]
        value = DateValue(mention.iso, mention.precision)
        evidence = (f"Only an update stamp: \"{line.text}\" (line {line.number}); "
                    "the article may first have appeared earlier.")
        sure = False
    # A date printed above the article, unlabelled, may be the day the page was saved.
    for line, mention in head_dates:
        if any(line is s[2] for s in stamps):
            continue
        if value is not None and value.iso and mention.iso.startswith(value.iso):
            notes.append(f"The date printed above the article (\"{line.text}\") agrees.")
        elif value is not None:
            notes.append(f"The date printed at the top of the page (\"{line.text}\", line {line.number}) "
                         f"differs; it is likely the day the page was captured, not the publication date.")
    if value is None and head_dates:
        line, mention = head_dates[-1]
        bar = re.search(_WEEKDAY, line.text, re.IGNORECASE) or _kind(line) == "furniture" and \
            len(_word_list(line.text)) > len(_word_list(mention.text))
        if bar or len(body.head) - body.head.index(line) > 3:
            notes.append(f"The date printed at the top of the page (\"{line.text}\", line {line.number}) looks "
                         "like a date bar, which shows the day the page was captured; it is not used.")
        else:
            value = DateValue(mention.iso, "day")
            evidence = (f"Only an unlabelled date printed above the article: \"{line.text}\" (line {line.number}); "
                        "it could be the day the page was captured.")
            sure = False
    if value is None and dateline:
        notes.append(f"The dateline \"{dateline[0]}\" gives no year.")
    if value is None:
        value = DateValue(None, "unknown")
        evidence = "Neither the address nor the capture gives a publication date."
        sure = True
        mentioned = [d for line in body.paragraphs for d in find_dates(line.text) if d.precision == "day"]
        if mentioned:
            latest = max(mentioned, key=lambda d: d.iso)
            notes.append(f"The latest date the text mentions is {_human(latest.iso)} (\"{latest.text}\"), "
                         "so the piece is probably from after that day.")
        original = done.get("original")
        if original and original.value and original.value.article:
            by_slug = {a.slug: a for a in registry.articles}
            linked = by_slug.get(original.value.article)
            if linked and linked.date.iso:
                notes.append(f"It reworks the archived {linked.slug} of {_human(linked.date.iso)}, "
                             "so it appeared on or after that day.")
        relative = [m.group() for line in body.paragraphs for m in _RELATIVE.finditer(_masked(line.text))]
        if relative:
            notes.append(f"\"{relative[0]}\" cannot be placed without a dated anchor.")
    elif value.precision == "day":
        notes.extend(_resolve_relative(body, value.iso)[:3])
    return Found(value, " ".join([evidence, *notes]).strip(), confident=sure)


# --- publisher and outlets ----------------------------------------------------------------

_OUTLET_WORDS = {"news", "times", "herald", "post", "gazette", "journal", "tribune", "telegraph", "agency",
                 "press", "radio", "tv", "television", "channel", "broadcasting", "daily", "express", "observer",
                 "guardian", "monitor", "review", "magazine", "wire", "today", "chronicle", "standard",
                 "mirror", "courier", "dispatch", "bulletin", "network", "media", "weekly", "online", "newspaper",
                 "service", "report", "independent", "inquirer", "voice", "sentinel", "globe", "star"}


def host_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def source_for_domain(host: str, sources: Mapping[str, Source]) -> Source | None:
    labels = host.split(".")
    for cut in range(len(labels) - 1):
        candidate = ".".join(labels[cut:])
        for source in sources.values():
            if candidate in source.domains:
                return source
    return None


def resolve_outlet(name: str, sources: Mapping[str, Source]) -> Source | None:
    """The registered source a printed outlet name stands for (name or domain, any casing)."""
    key = _compact(re.sub(r"^(?:the)\s+", "", name.strip(), flags=re.IGNORECASE))
    if not key:
        return None
    for source in sources.values():
        names = [source.name, *(d.split(".")[0] for d in source.domains),
                 *(d.rsplit(".", 1)[0] for d in source.domains)]
        if any(key == _compact(re.sub(r"^the\s+", "", n, flags=re.IGNORECASE)) for n in names):
            return source
    return None


def looks_like_outlet(name: str) -> bool:
    tokens = [t for t, _, _ in name_tokens(name)]
    return bool(tokens) and any(t in _OUTLET_WORDS for t in tokens)


def _guess_kind(name: str) -> str:
    tokens = {t for t, _, _ in name_tokens(name)}
    if tokens & {"agency", "wire", "service"} or re.fullmatch(r"[A-Z]{2,6}", name.strip()):
        return "agency"
    if tokens & {"radio", "tv", "television", "channel", "broadcasting"}:
        return "broadcaster"
    if tokens & {"times", "herald", "post", "gazette", "journal", "tribune", "telegraph", "daily", "chronicle",
                 "courier", "newspaper", "weekly", "inquirer", "sentinel", "globe"}:
        return "newspaper"
    return "website"


def _registrable(host: str) -> str:
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "gov", "ac", "edu") and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _unique_id(base: str, taken) -> str:
    base = base or "item"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _name_in_text(label: str, text: str) -> str | None:
    """A run of capitalised words in the text that spells the domain's label (DailyPlanet -> Daily Planet)."""
    target = _compact(label)
    bare = re.sub(r"^the", "", target)
    for match in re.finditer(r"(?:[A-Z][\w&'\u2019.-]*\s+){0,4}[A-Z][\w&'\u2019.-]*", text):
        words_ = match.group().split()
        for i in range(len(words_)):
            for j in range(len(words_), i, -1):
                phrase = " ".join(words_[i:j]).strip(".")
                compact = _compact(phrase)
                if compact and compact in (target, bare) or re.sub(r"^the", "", compact) == bare and len(bare) > 3:
                    return phrase.title() if phrase.isupper() and len(phrase) > 4 else phrase
    return None


def extract_publisher(page: Page, registry: Registry, done: dict) -> Found:
    host = host_of(page.url)
    source = source_for_domain(host, registry.sources)
    if source:
        return Found(source.id, f"the address's domain {host} belongs to {source.name} in sources.yaml")
    domain = _registrable(host)
    label = domain.split(".")[0]
    named = resolve_outlet(label, registry.sources)
    if named:
        return Found(named.id, f"the domain {host} is not in sources.yaml, but its name spells {named.name}'s; "
                               f"add {domain} to its domains", confident=False)
    name = _name_in_text(label, page.text)
    name_evidence = f"the capture prints its name \"{name}\"" if name else "name made from the domain; check it"
    name = name or " ".join(part.capitalize() for part in re.split(r"[-_]", label) if part)
    proposal = NewSource(id=_unique_id(slugify(name), registry.sources), name=name, domains=(domain,)
                         if domain == host else (domain, host), kind=_guess_kind(name),
                         evidence=f"unknown domain {host}; {name_evidence}")
    return Found(proposal.id, f"the domain {host} is not in sources.yaml: proposed new source "
                              f"'{proposal.id}' ({name_evidence})", confident=False, proposed=(proposal,))


# --- original or attribution --------------------------------------------------------------

_NAME = r"(?P<name>(?:[A-Z][\w&'\u2019-]*|[A-Z]{2,})(?:\s+(?:of\s+|de\s+|al-|el-)?[A-Z][\w&'\u2019-]*){0,4})"
_STRONG = [
    re.compile(r"\b(?i:(?:originally|first)\s+(?:appeared|published|posted|ran)\s+(?:at|in|on|by)\s+(?:the\s+)?)"
               + _NAME),
    re.compile(r"\b(?i:(?:republished|reprinted)\s+(?:from|with (?:the )?permission (?:of|from))\s+(?:the\s+)?)"
               + _NAME),
    re.compile(r"\b(?i:translated\s+from\s+(?:the\s+)?)(?:[A-Z][a-z]+\s+)?(?i:(?:original\s+)?(?:article\s+)?"
               r"(?:in|at|by|of|published by|published in)\s+(?:the\s+)?)" + _NAME),
    re.compile(r"^(?i:(?:source|courtesy of)\s*:?\s+(?:the\s+)?)" + _NAME),
]
_WIRE = re.compile(r"^[A-Z][A-Z.'\- ]{2,40}(?:,\s*[^()]{1,30}?)?\s*\((?P<name>[^()]{2,40})\)\s*[-\u2013\u2014]")
_WEAK = [
    re.compile(r"\breport(?:ed|s)\s+(?:the\s+)?" + _NAME),
    re.compile(r"\b(?:the\s+)?" + _NAME + r"\s+report(?:ed|s)\b"),
    re.compile(r"\b(?i:according to\s+(?:the\s+)?)" + _NAME),
    re.compile(r"\btold\s+the\s+" + _NAME),
    re.compile(r"\b(?:reported|cited|quoted)\s+by\s+(?:the\s+)?" + _NAME),
]


def _evidence_phrase(text: str, start: int, end: int, whole_segment: bool) -> str:
    """The words that name the original: the clause up to the outlet's name, or (in a credit
    line) the whole ';'-separated part holding it."""
    if whole_segment:
        left = text.rfind(";", 0, start) + 1
        right = text.find(";", end)
        return text[left:right if right >= 0 else len(text)].strip(" .;")
    sentence_start = max(text.rfind(". ", 0, start) + 2 if text.rfind(". ", 0, start) >= 0 else 0, 0)
    comma = text.rfind(", ", sentence_start, start)
    left = comma + 2 if comma >= 0 else sentence_start
    return _LEADING.sub("", text[left:end].strip()).strip(" ,.")


def _best_archived(source_id: str, body: Body, registry: Registry) -> tuple[str | None, int]:
    """The archived article of that outlet sharing the most five-word sequences with this body."""
    tokens = [w for line in body.paragraphs for w, _, _ in words(line.text)]
    mine = {tuple(tokens[i:i + 5]) for i in range(len(tokens) - 4)}
    best, best_count = None, 0
    for article in registry.articles:
        if article.publisher != source_id:
            continue
        theirs = [w for p in article.paragraphs for w, _, _ in words(p)]
        shared = len(mine & {tuple(theirs[i:i + 5]) for i in range(len(theirs) - 4)})
        if shared > best_count:
            best, best_count = article.slug, shared
    return (best, best_count) if best_count >= 3 else (None, best_count)


def extract_original(page: Page, registry: Registry, done: dict) -> Found:
    body: Body = done["body"].value
    publisher = done["publisher"].value
    texts = [l.text for l in body.credits] + [l.text for l in body.paragraphs]
    hits = []  # (strength, order, name, evidence, text)
    order = 0
    for strength, patterns in ((0, _STRONG), (2, _WEAK)):
        for text in texts:
            for pattern in patterns:
                for match in pattern.finditer(text):
                    name = match.group("name").strip(" .,'\u2019")
                    name = re.sub(r"['\u2019]s$", "", name)
                    evidence = _evidence_phrase(text, match.start(), match.end("name"), strength == 0)
                    hits.append((strength, order, name, evidence, text))
                    order += 1
    if body.paragraphs:
        match = _WIRE.match(body.paragraphs[0].text)
        if match:
            hits.append((1, -1, match.group("name").strip(), match.group().rstrip(" -\u2013\u2014"),
                         body.paragraphs[0].text))
    hits.sort(key=lambda h: (h[0], h[1]))
    for strength, _, name, evidence, text in hits:
        source = resolve_outlet(name, registry.sources)
        proposed = ()
        if source is None:
            if strength == 2 and not looks_like_outlet(name):
                continue
            if strength == 1 and not (looks_like_outlet(name) or re.fullmatch(r"[A-Z]{2,6}", name)):
                continue
            new_sources = done["publisher"].proposed
            if new_sources and _compact(new_sources[0].name) == _compact(name):
                continue  # the page names its own outlet
            proposal = NewSource(id=_unique_id(slugify(name), set(registry.sources) | {publisher}), name=name,
                                 domains=(), kind=_guess_kind(name),
                                 evidence=f"credited as the original: \"{evidence}\"")
            source_id, proposed = proposal.id, (proposal,)
        else:
            source_id = source.id
        if source_id == publisher:
            continue  # the outlet naming itself ("MOSCOW (Sputnik) -" on Sputnik's own page)
        translated = re.search(r"translat", evidence if strength else text, re.IGNORECASE)
        relation = "translation" if translated else "reprint"
        article, shared = _best_archived(source_id, done["body"].value, registry) if not proposed else (None, 0)
        how = {0: "credit", 1: "wire dateline", 2: "attribution"}[strength]
        why = f"{how}: \"{evidence}\""
        if article:
            why += f"; shares {shared} five-word sequences with the archived {article}"
        elif not proposed:
            why += f"; no archived {source_id} article shares its text"
        value = OriginalValue(source_id, article, relation, evidence)
        return Found(value, why, confident=strength < 2 and not proposed, proposed=proposed)
    return Found(None, "no credit, wire dateline or attribution to another outlet found")


def extract_credit(page: Page, registry: Registry, done: dict) -> Found:
    body: Body = done["body"].value
    if not body.credits:
        return Found("", "no credit line")
    text = "; ".join(line.text for line in body.credits)
    return Found(text, "credit line(s) " + ", ".join(str(l.number) for l in body.credits))


# --- people -------------------------------------------------------------------------------

_ROLE_WORDS = {"mr", "mrs", "ms", "dr", "president", "minister", "secretary", "spokesman", "spokeswoman",
               "spokesperson", "ambassador", "envoy", "general", "gen", "colonel", "col", "marshal", "commander",
               "chief", "head", "leader", "director", "adviser", "advisor", "analyst", "expert", "diplomat",
               "official", "deputy", "member", "mp", "senator", "correspondent", "journalist", "editor", "by",
               "professor", "prof", "representative", "mayor", "governor", "king", "prince", "sheikh", "emir",
               "judge", "chairman", "chairwoman", "chair", "lawmaker", "researcher", "orientalist", "premier",
               "reporter", "officer", "captain", "major", "lieutenant", "sergeant", "ceo", "founder", "aide",
               "activist", "lawyer", "writer", "author", "photographer", "negotiator", "mediator", "speaker"}
_SPEECH = (r"said|says|told|tells|added|adds|noted|stated|stressed|explained|announced|declared|insisted|"
           r"warned|argued|believes|believed|thinks|claimed|wrote|writes|confirmed|denied|denies|rejected|"
           r"dismissed|emphasi[sz]ed|recalled|replied|continued|acknowledged|admitted|urged")
# Words that are never part of a person's name: directions, sentence openers, function words,
# and the words institutions, places and events are named with.
_NOT_NAME = {"north", "south", "east", "west", "middle", "eastern", "western", "northern", "southern", "central",
             "new", "united", "saint", "st", "the", "of", "and", "monday", "tuesday", "wednesday", "thursday",
             "friday", "saturday", "sunday", "god", "allah", "if", "when", "while", "as", "after", "before", "both",
             "however", "meanwhile", "although", "though", "since", "because", "despite", "during", "for", "from",
             "in", "on", "at", "with", "without", "under", "over", "this", "that", "these", "those", "there",
             "here", "it", "its", "his", "her", "their", "our", "we", "they", "he", "she", "you", "i", "a", "an",
             "all", "some", "many", "most", "such", "what", "which", "who", "why", "how", "where", "yet", "so",
             "then", "also", "only", "even", "just", "but", "or", "nor", "not", "no", "yes", "according", "today",
             "government", "national", "accord", "army", "ministry", "council", "club", "group", "committee",
             "party", "union", "forces", "force", "agency", "news", "conference", "parliament", "house", "court",
             "bank", "state", "states", "republic", "kingdom", "university", "institute", "foundation", "company",
             "front", "movement", "brigade", "militia", "coalition", "alliance", "assembly", "office",
             "department", "embassy", "commission", "organisation", "organization", "association", "federation",
             "league", "corps", "navy", "police", "guard", "service", "authority", "administration", "cabinet",
             "senate", "congress", "duma", "church", "mosque", "airport", "port", "street", "square", "hotel",
             "centre", "center", "discussion", "dialogue", "dialogues", "summit", "forum", "operation", "war",
             "crisis", "agreement", "treaty", "plan", "programme", "program", "contact", "security", "affairs",
             "foreign", "defense", "defence", "international", "islamic", "republican", "democratic", "people",
             "peoples", "liberation", "revolutionary", "presidency", "sea", "gulf", "river", "city", "province",
             "region", "district", "island", "islands", "mount", "valley", "desert", "europe", "africa", "asia",
             "america", "arabia", "media", "press", "radio", "television", "channel", "times", "post", "herald",
             "daily", "journal", "gazette", "tribune", "express", "monitor", "review", "wire"} | set(_MONTHS)
_PARTICLES = {"al", "el", "bin", "ibn", "abu", "de", "van", "von", "der", "la", "le", "di", "da", "du", "dos", "bint",
              "ben"}
_NAME_RUN = re.compile(r"(?:(?:\b[A-Z][a-z\u00c0-\u024f]+|\b[A-Z][a-z]?['\u2019-][A-Z][a-z\u00c0-\u024f]+|"
                       r"\b(?:al|el|bin|ibn|abu|de|van|von|der|di|da|du|ben)[-\s](?=[A-Z]))"
                       r"(?:[-\s](?=[A-Z]|(?:al|el|bin|ibn|abu|de|van|von|der|di|da|du|ben)[-\s][A-Z]))?)+")


class Matcher:
    """Finds actors in text by any of their names, whatever the case, accents, hyphens or possessive."""

    def __init__(self, names: Mapping[str, tuple[str, ...]]):
        self.index: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        for actor_id, spellings in names.items():
            for spelling in spellings:
                tokens = tuple(t for t, _, _ in name_tokens(spelling))
                if tokens:
                    self.index.setdefault(tokens[0], []).append((tokens, actor_id, spelling))
        for entries in self.index.values():
            entries.sort(key=lambda e: (-len(e[0]), e[1]))

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, actor id) of each mention, longest name first, not overlapping."""
        tokens = name_tokens(text)
        found, index = [], 0
        while index < len(tokens):
            match = None
            for spelled, actor_id, _ in self.index.get(tokens[index][0], ()):
                window = tuple(t for t, _, _ in tokens[index:index + len(spelled)])
                if window == spelled:
                    match = (tokens[index][1], tokens[index + len(spelled) - 1][2], actor_id, len(spelled))
                    break
            if match:
                found.append(match[:3])
                index += match[3]
            else:
                index += 1
        return found


def _registry_names(registry: Registry) -> dict[str, tuple[str, ...]]:
    return {a.id: (a.name, *a.aliases) for a in registry.actors.values()}


def _person_candidates(paragraphs: list[str], known: Matcher, registry: Registry,
                       outlet_names: set[str]) -> list[NewActor]:
    """Likely people not in the registry: name-shaped runs beside a role word or a speech verb,
    or whose surname the text then uses alone."""
    joined = "\n".join(paragraphs)
    lowercase_words = {w for w in _word_list(joined) if w.islower()}
    candidates: dict[str, dict] = {}
    for text in paragraphs:
        for match in _NAME_RUN.finditer(text):
            raw = match.group().strip(" -")
            parts = raw.replace("\u2019", "'").split()
            # Leading words that are not name words (directions, titles, words also written in lowercase).
            while parts and (parts[0].lower() in _NOT_NAME or parts[0].lower() in _ROLE_WORDS
                             or parts[0].lower() in lowercase_words):
                parts.pop(0)
            while parts and (parts[-1].lower() in _NOT_NAME or parts[-1].lower() in lowercase_words
                             or parts[-1].lower() in _ROLE_WORDS):
                parts.pop()
            if not 2 <= len(parts) <= 4:
                continue
            name = " ".join(parts)
            start = text.index(name, match.start())
            end = start + len(name)
            if known.find(name) or _compact(name) in outlet_names:
                continue
            if any(p.lower() in _NOT_NAME for p in parts):
                continue
            # A given name does not stand alone: "Libyan" in "Libyan sides" is an adjective.
            first = parts[0]
            if any(not re.match(r"\s+(?:[A-Z]|(?:al|el|bin|ibn|abu|de|van|von|der|di|da|du|ben)[-\s])|[-\u2019']",
                                joined[m.end():m.end() + 6])
                   for m in re.finditer(r"\b" + re.escape(first) + r"\b", joined)):
                continue
            before = text[max(0, start - 120):start]
            after = text[end:end + 40]
            prev_words = [w.lower() for w in _word_list(before)][-8:]
            role = ""
            why = ""
            # "Minister Sergey Lavrov", "spokesman, Ahmed ...", "translated by Mario ..."
            if prev_words and prev_words[-1] in _ROLE_WORDS and re.search(r"[\w]\s*,?\s*$", before) and \
                    not re.search(r"\b(?:to|in|from|at|of|for|with|on|into)\s*$", before.lower()):
                why = f"after the role word '{prev_words[-1]}'"
                role = _role_phrase(before)
            # "Ambassador to Saudi Arabia, Abdel ...": a role phrase, a comma, then the name
            elif re.search(r",\s*$", before) and any(w in _ROLE_WORDS for w in prev_words[-7:]) and \
                    re.match(r"\s*(?:,|\.|;|\bwho\b|\b(?:" + _SPEECH + r")\b|$)", after):
                why = "after a role phrase and a comma"
                role = _role_phrase(before)
            elif re.match(r"\s*,?\s*(?:also\s+|later\s+|then\s+)?(?:" + _SPEECH + r")\b", after) or \
                    re.search(r"\b(?:" + _SPEECH + r")\s+(?:the\s+|an?\s+)?(?:[a-z]+\s+){0,3}$", before):
                why = "beside a speech verb"
            # "Nikolai Zorin, a member of the committee, said": the role follows the name.
            appositive = re.match(r",\s+(?:a|an|the)\s+([^,.;\u201c\u201d\"]{2,90}?)\s*(?:,|\.|;|$)", text[end:end + 120])
            if appositive and any(w.lower() in _ROLE_WORDS for w in _word_list(appositive.group(1))):
                role = role or appositive.group(1)[:1].upper() + appositive.group(1)[1:]
                why = why or "followed by a role phrase"
            surname = parts[-1]
            alone = re.findall(r"\b" + re.escape(surname) + r"\b", joined, re.IGNORECASE)
            if len(alone) > len(re.findall(re.escape(name), joined, re.IGNORECASE)) and not why:
                why = f"a full name whose surname '{surname}' the text then uses alone"
            if not why:
                continue
            entry = candidates.setdefault(name, {"why": why, "role": role, "surname": surname})
            if role and not entry["role"]:
                entry["role"] = role
    result = []
    taken = set(registry.actors)
    for name, entry in candidates.items():
        # A shorter run inside a longer candidate ("Kirill Semenov" in "Middle East Kirill Semenov") is one person.
        if any(name != other and name in other for other in candidates):
            continue
        surname = entry["surname"]
        alone = len(re.findall(r"\b" + re.escape(surname) + r"\b", joined, re.IGNORECASE))
        aliases = (surname,) if alone > len(re.findall(re.escape(name), joined, re.IGNORECASE)) else ()
        actor_id = _unique_id(slugify(name), taken)
        taken.add(actor_id)
        result.append(NewActor(actor_id, name, aliases, entry["role"] or "not stated in the capture",
                               f"{name}: {entry['why']}"))
    return result


_ROLE_MODIFIERS = {"former", "deputy", "special", "senior", "acting", "retired", "interim", "foreign", "defence",
                   "defense", "political", "military", "self-styled", "independent", "top", "vice", "state",
                   "presidential", "then", "chief", "the", "of", "for", "and", "to", "s"}


_NOT_ROLE = {"the", "a", "an", "by", "with", "to", "of", "for", "and", "was", "is", "were", "are", "said", "told",
             "met", "from", "in", "on", "at", "that", "who", "which", "as", "when", "while", "after", "before"}


def _role_phrase(before: str) -> str:
    """The role words just before a name: in the last comma-separated part of the text before
    it, from the first role word ("Deputy Foreign Minister", "deputy director of the port
    authority"), with the capitalised or descriptive words just before that role word."""
    segment = re.split(r"[.;:\u201c\u201d\"()]", before)[-1].rstrip(" ,").split(",")[-1].strip()
    tokens = segment.split()
    first = next((i for i, t in enumerate(tokens) if re.sub(r"['\u2019]s$", "", t).lower().strip(".")
                  in _ROLE_WORDS - {"by"}), None)
    if first is None:
        if tokens and tokens[-1].lower() == "by" and len(tokens) >= 2:
            return f"named in a credit: {tokens[-2]} by"
        return ""
    start, lowercase = first, 0
    while start > 0:
        word = tokens[start - 1]
        bare = re.sub(r"['\u2019]s$", "", word)
        if bare.lower() in _NOT_ROLE:
            break
        if not bare[:1].isupper():
            lowercase += 1
            if lowercase > 2:
                break
        start -= 1
    phrase = " ".join(tokens[start:])
    if re.match(r"(?i:according)\b", phrase):
        phrase = phrase.split(" ", 1)[1] if " " in phrase else ""
    return phrase[:1].upper() + phrase[1:]


def _outlet_keys(registry: Registry, done: dict) -> set[str]:
    keys = {_compact(s.name) for s in registry.sources.values()}
    for field_name in ("publisher", "original"):
        found = done.get(field_name)
        for proposal in found.proposed if found else ():
            keys.add(_compact(proposal.name))
    return keys


def extract_people(page: Page, registry: Registry, done: dict) -> Found:
    body: Body = done["body"].value
    texts = [l.text for l in body.paragraphs] + [l.text for l in body.credits]
    known = Matcher(_registry_names(registry))
    order: list[str] = []
    shown: dict[str, list[str]] = {}
    for text in texts:
        for start, end, actor_id in known.find(text):
            if actor_id not in order:
                order.append(actor_id)
            shown.setdefault(actor_id, [])
            if text[start:end] not in shown[actor_id]:
                shown[actor_id].append(text[start:end])
    new = _person_candidates(texts, known, registry, _outlet_keys(registry, done))
    matcher = Matcher({**_registry_names(registry), **{a.id: (a.name, *a.aliases) for a in new}})
    ids = []
    for text in texts:
        for _, _, actor_id in matcher.find(text):
            if actor_id not in ids:
                ids.append(actor_id)
    parts = [f"{actor_id} as " + " / ".join(f"\"{s}\"" for s in shown[actor_id]) for actor_id in order]
    parts += [f"NEW {a.id} ({a.evidence})" for a in new]
    return Found(tuple(ids), "; ".join(parts) or "no person from the registry or of name shape found",
                 confident=not new, proposed=tuple(new))


# --- claims -------------------------------------------------------------------------------

_VERB = re.compile(r"\b(?P<verb>" + _SPEECH + r"|[Aa]ccording to|reported|notes|note)\b")
_INVERTIBLE = {"said", "says", "stated", "added", "adds", "noted", "explained", "wrote", "reported", "continued",
               "insisted", "warned", "stressed", "believes", "argued", "declared", "according to"}
_DENIAL = {"denied", "denies", "rejected", "dismissed"}
_PASSIVE = re.compile(r"\b(?P<subj>this|that|it)?\s*(?:was|were|has been|have been|is|are)\s+(?:made clear|said|"
                      r"stated|announced|voiced|reported|expressed|confirmed|denied|stressed)\b[^.;\u00a7]*?\bby\s+"
                      r"(?P<agent>[^;\u00a7]+?)\s*(?:[.;]|$)", re.IGNORECASE)
_NOMINAL_DENIAL = re.compile(r"\bdenials?\s+(?:on the (?:part|side) of|from|by)\s+(?P<agent>[^,.;\u00a7]+?)"
                             r"(?=\s+(?:within|in|on|at|after|before|during|last|this|yesterday|today)\b|[,.;\u00a7]|$)",
                             re.IGNORECASE)
_LEADING = re.compile(r"^(?:(?:however|meanwhile|but|and|so|also|in addition|moreover|furthermore|separately|"
                      r"earlier|later|still|yet|now|then|instead|indeed|in fact|at the same time|previously)\b,?\s*)+",
                      re.IGNORECASE)
_TRAILING = re.compile(r"(?:\s+(?:also|himself|herself|themselves|itself|later|then|further|previously|earlier|again|"
                       r"reportedly|repeatedly|publicly|recently|has|have|had|once|had also))+$", re.IGNORECASE)
_ROLE_NOUNS = _ROLE_WORDS - {"by", "mr", "mrs", "ms", "dr"} | {
    "source", "sources", "officials", "diplomats", "experts", "analysts", "ministry", "government", "people",
    "person", "witnesses", "witness", "residents", "insiders", "commanders", "leaders", "spokesmen", "delegates"}
_FUNCTION = {"the", "a", "an", "of", "for", "to", "in", "on", "at", "and", "with", "from", "by"}


@dataclass
class _Speaker:
    actor: str | None  # actor id
    label: str  # words of the text for an unnamed speaker


class _ClaimContext:
    def __init__(self, registry: Registry, matcher: Matcher, new_actors: tuple[NewActor, ...], sources):
        self.registry, self.matcher, self.sources = registry, matcher, sources
        self.roles = {a.id: a.role for a in registry.actors.values()}
        self.roles.update({a.id: a.role for a in new_actors})
        self.contexts: list[tuple[str, str]] = []  # (actor id, words before its mention), in text order
        self.unnamed: list[str] = []  # labels of indefinite speakers seen so far ("a Russian official")
        self.last_speaker: _Speaker | None = None
        self.last_person: str | None = None

    def note_mentions(self, text: str) -> None:
        for start, end, actor_id in self.matcher.find(text):
            self.contexts.append((actor_id, text[max(0, start - 80):start]))
            if not re.match(r"['\u2019]s\b", text[end:end + 2]):
                self.last_person = actor_id

    def resolve(self, phrase: str) -> _Speaker | None:
        phrase = _LEADING.sub("", phrase.strip(" ,;:-\u2013\u2014\u00a7")).strip(" ,")
        phrase = _TRAILING.sub("", phrase).strip(" ,")
        phrase = re.sub(r",?\s*who$", "", phrase).strip(" ,")
        if not phrase or len(_word_list(phrase)) > 25:
            return None
        if re.search(r"\b(?:is|was|were|are|be|been|being)$", phrase, re.IGNORECASE):
            return None  # "... was said": a passive with no speaker
        mentions = self.matcher.find(phrase)
        good = [m for m in mentions
                if not re.match(r"\s*['\u2019]s\b", phrase[m[1]:m[1] + 3])
                and not re.search(r"\b(?:of|for|to|with|from|against|about|on|by|and)\s*$", phrase[:m[0]].lower())]
        if good:
            return _Speaker(good[-1][2], "")
        words_ = [w.lower() for w in _word_list(phrase)]
        if len(words_) == 1 and words_[0] in ("he", "she"):
            if self.last_speaker:
                return self.last_speaker
            return _Speaker(self.last_person, "") if self.last_person else _Speaker(None, phrase)
        if not words_ or words_[0] in ("it", "this", "that", "there", "which", "they", "we", "i", "you", "what",
                                       "who", "said", "says", "told") or \
                words_[-1] in ("is", "was", "were", "are", "be", "been", "has", "have", "had"):
            return None
        source = resolve_outlet(phrase, self.sources)
        if source or looks_like_outlet(phrase) and phrase[:1].isupper():
            return _Speaker(None, source.name if source else phrase)
        content = [w for w in words_ if w not in _FUNCTION]
        # The head noun: "head" in "head of the group", "official" in "a Russian official".
        before_of = words_[:next((i for i, w in enumerate(words_) if w in ("of", "for", "to", "at", "in")), len(words_))]
        heads = [w for w in before_of if w not in _FUNCTION]
        head = heads[-1] if heads else (content[-1] if content else "")
        bare = len(words_) <= 4 and words_[0] == "the" and not set(words_[1:]) & {"of", "for", "to"}
        if bare and head:
            for label in reversed(self.unnamed):
                if head in [w.lower() for w in _word_list(label)]:
                    return _Speaker(None, label)
        if (bare or words_[0] not in ("a", "an")) and head in _ROLE_NOUNS | {"source"}:
            wanted = set(content)
            for actor_id, before in reversed(self.contexts):
                near = {w.lower() for w in _word_list(before)} | {w.lower() for w in _word_list(self.roles.get(actor_id, ""))}
                if head in near and len(wanted & near) >= max(1, round(0.75 * len(wanted))):
                    return _Speaker(actor_id, "")
            # "the minister of ports": the one registry actor whose role has every word of it
            fitting = [a.id for a in self.registry.actors.values()
                       if wanted <= {w.lower() for w in _word_list(a.role)}]
            if len(fitting) == 1 and len(wanted) >= 2:
                return _Speaker(fitting[0], "")
        if words_[0] in ("a", "an") or not mentions and content:
            label = phrase if len(words_) <= 12 else " ".join(phrase.split()[:12])
            if words_[0] in ("a", "an", "the") or mentions or any(w in _ROLE_NOUNS for w in words_) or \
                    phrase[:1].isupper() and len(words_) <= 6:
                if words_[0] in ("a", "an"):
                    self.unnamed.append(label)
                return _Speaker(None, label)
        if mentions:  # only possessive or prepositional mentions: "Haftar's forces"
            return _Speaker(None, phrase)
        return None


def _attributions(sentence: str, masked: str, context: _ClaimContext) -> list[tuple[_Speaker, str, str]]:
    """(speaker, verb, kind) for each report of speech in one sentence; kind 'this' = backwards.

    `masked` is the sentence with its quoted words hidden (masked in the whole paragraph, since
    a quotation may open in an earlier sentence)."""
    found = []
    for match in _PASSIVE.finditer(masked):
        speaker = context.resolve(match.group("agent"))
        if speaker:
            kind = "this" if match.group("subj") and match.start("subj") <= 2 else "passive"
            found.append((speaker, "passive", kind, match.start()))
    for match in _NOMINAL_DENIAL.finditer(masked):
        speaker = context.resolve(match.group("agent"))
        if speaker:
            found.append((speaker, "denied", "nominal", match.start()))
    for match in _VERB.finditer(masked):
        verb = match.group("verb").lower()
        if any(f[3] <= match.start() <= f[3] + 60 and f[1] == "passive" for f in found):
            continue
        if re.match(r"\s+to\s+(?:have|be)\b", masked[match.end():]):
            continue  # "said to have been": hearsay with no speaker
        before = masked[:match.start()]
        left = re.split(r"[;:\u00a7]|\s[\u2013\u2014-]\s", before)[-1]
        right = re.split(r"[;\u00a7]|,\s+[a-z]+ing\b|\s+that\b|\.(?:\s|$)", masked[match.end():])[0]
        # '..., said Lev Dengov.' names the speaker after the verb; 'X, a spokesman, said the
        # army had asked ...' names him before it: after the verb then comes a whole clause.
        inverted = verb == "according to" or not left.strip(" ,") or before.rstrip().endswith("\u00a7") or (
            before.rstrip().endswith(",") and len(_word_list(right.split(",")[0])) <= 8
            and not re.search(r"\b(?:had|has|have|was|were|is|are|would|will|could|can|did|does|" + _SPEECH + r")\b",
                              right.split(",")[0]))
        if inverted and verb in _INVERTIBLE:
            segments = [s for s in right.split(",")]
            phrase = segments[0]
            if len(segments) > 1 and context.matcher.find(segments[1]) and \
                    len(_word_list(segments[1])) <= 5:
                phrase = segments[0] + "," + segments[1]
            speaker = context.resolve(phrase)
        else:
            if verb in ("according to",):
                continue
            segments = [s for s in left.split(",")]
            speaker = None
            for back in range(1, min(4, len(segments)) + 1):
                candidate = segments[-back]
                cleaned = _TRAILING.sub("", _LEADING.sub("", candidate.strip())).strip()
                if not cleaned or re.match(r"(?:who|which|whose|whom)\b", cleaned):
                    continue  # empty, or a relative clause about the speaker named before it
                speaker = context.resolve(candidate)
                if speaker is None and back == 1 and len(segments) > 1:
                    continue
                # "Tarek Mansouri, a spokesman for ..., said": the name before the description.
                if speaker is not None and speaker.actor is None and back < len(segments):
                    named = context.matcher.find(segments[-back - 1])
                    if named and len(_word_list(segments[-back - 1])) <= 5:
                        speaker = _Speaker(named[-1][2], "")
                break
            if speaker is None and len(segments) > 1:
                speaker = context.resolve(",".join(segments[-2:]))
        if speaker:
            found.append((speaker, verb, "verb", match.start()))
    return [(s, v, k) for s, v, k, _ in sorted(found, key=lambda f: f[3])]


def _statement(sentence: str) -> str:
    """The reported content in the sentence's own words, without the attribution: the quoted
    words of a sentence that opens a quotation, what follows "said that", or the sentence less
    its ", X said" or "According to X," part."""
    text = sentence.strip()
    speech = r"\b(?:" + _SPEECH + r"|notes|according to)\b"
    closing = max((text.rfind(q) for q in _QUOTES), default=-1)
    if text[:1] in _QUOTES:
        inner = re.match(r"^.([^\"\u201c\u201d\u00ab\u00bb\u201e]{12,})[\"\u201c\u201d\u00ab\u00bb\u201e]", text)
        text = inner.group(1) if inner else text[1:]
    elif closing > 0 and re.search(speech, text[closing:], re.IGNORECASE) and \
            not any(q in text[:closing] for q in _QUOTES):
        text = text[:closing]  # the last sentence of a longer quotation
    else:
        text = re.sub(r"^[A-Z][A-Z .'\-]{2,40}(?:,[^()\u2013\u2014-]{0,30})?(?:\s*\([^)]*\))?\s*[-\u2013\u2014]\s+",
                      "", text)  # a dateline
        that = re.search(r"\b(?:" + _SPEECH + r"|notes)\s+(?:[^,]{0,60}?\s)?that\s+(.+)$", text)
        plain = re.search(r"\s(?:said|says|added|stated|insisted|warned)\s+((?:\S+\s+){3,}\S+)$", text)
        if that:
            text = that.group(1)
        elif plain and not re.match(r"(?:in|at|on|to|during|after|before|by)\b", plain.group(1)) and re.search(
                r"\b(?:had|has|have|was|were|is|are|would|will|could|can|did|does|should|must|may)\b",
                " ".join(plain.group(1).split()[:6])):
            text = plain.group(1)  # "..., said the army had asked only for spare parts"
        else:
            text = re.sub(r"^(?i:according to)\s+[^,]+,\s*", "", text)
            text = re.sub(r",\s*(?:[^,]{0,80}\s)?(?:" + _SPEECH + r"|reported|(?i:according to))\b[^,]*(?:,.*)?$", "",
                          text)
    text = text.strip(" ,\"\u201c\u201d\u00ab\u00bb")
    if text and text[-1] not in ".!?\u2026":
        text += "."
    return text[:1].upper() + text[1:]


def _content_words(text: str) -> set[str]:
    return {w for w, _, _ in words(text) if len(w) > 2}


def _existing_claim(quote: str, registry: Registry):
    """An archived claim whose quote holds nearly the same words (the same proposition copied)."""
    mine = _content_words(quote)
    best, best_share = None, 0.0
    for article in registry.articles:
        for claim in article.claims:
            if fold_for_search(claim.quote) == fold_for_search(quote):
                return claim, article.slug
    if len(mine) < 6:
        return None
    for article in registry.articles:
        for claim in article.claims:
            theirs = _content_words(claim.quote)
            if len(theirs) < 6:
                continue
            share = len(mine & theirs) / min(len(mine), len(theirs))
            if share > best_share:
                best, best_share = (claim, article.slug), share
    return best if best_share >= 0.8 else None


def extract_claims(page: Page, registry: Registry, done: dict) -> Found:
    body: Body = done["body"].value
    people: Found = done["people"]
    new_actors = tuple(p for p in people.proposed if isinstance(p, NewActor))
    matcher = Matcher({**_registry_names(registry), **{a.id: (a.name, *a.aliases) for a in new_actors}})
    context = _ClaimContext(registry, matcher, new_actors, registry.sources)
    drafts: list[ClaimDraft] = []
    used_ids = {c.id for a in registry.articles for c in a.claims}
    previous: list[str] = []  # sentences of the paragraph before
    for line in body.paragraphs:
        text = line.text
        # Sentences held together by one quotation share the speaker named anywhere in it.
        open_before, inside = [], False
        for char in text:
            open_before.append(inside)
            if char in _QUOTES:
                inside = not inside
        masked = _masked(text)
        spans: list[tuple[int, int]] = []
        for start, end in sentences(text):
            # '... in no time.” Buisier added.' is one sentence: a bare attribution joins the quote.
            if spans and len(_word_list(text[start:end])) <= 6 and not open_before[start] and \
                    _VERB.search(masked[start:end]):
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        groups: list[list[tuple[int, int]]] = []
        for start, end in spans:
            if groups and open_before[start]:
                groups[-1].append((start, end))
            else:
                groups.append([(start, end)])
        done_sentences: list[tuple[int, int]] = []
        for group in groups:
            found = []
            for start, end in group:
                found.extend(_attributions(text[start:end], masked[start:end], context))
                context.note_mentions(text[start:end])
            if not found:
                done_sentences.extend(group)
                continue
            ranked = sorted(found, key=lambda f: (f[0].actor is None, f[1] in _DENIAL))
            speaker, verb, kind = ranked[0]
            targets = group
            if kind == "this":  # "This was reported by X": the sentences before it
                targets = done_sentences[-3:] or [(None, s) for s in previous[-2:]] or group
            for start, end in targets:
                quote = (text[start:end] if start is not None else end).strip()
                if len(_word_list(quote)) < 3 or any(d.quote == quote for d in drafts):
                    continue
                drafts.append(_draft(quote, speaker, verb, registry, used_ids))
            context.last_speaker = speaker
            done_sentences.extend(group)
        previous = [text[a:b] for a, b in spans]
    evidence = f"{len(drafts)} reported statements" + (
        "; ids and statements of new propositions need a reviewer" if any(not d.confident for d in drafts) else "")
    return Found(tuple(drafts), evidence, confident=all(d.confident for d in drafts))


_NEGATIONS = {"no", "not", "never", "none", "nor", "without"}


def _draft(quote: str, speaker: _Speaker, verb: str, registry: Registry, used_ids: set[str]) -> ClaimDraft:
    stance = "denies" if verb in _DENIAL else "asserts"
    existing = _existing_claim(quote, registry)
    who = speaker.actor or f"unnamed ({speaker.label})"
    if existing:
        claim, slug = existing
        return ClaimDraft(claim.id, speaker.actor or UNNAMED, "" if speaker.actor else speaker.label,
                          stance, claim.statement, quote,
                          f"{who} {verb}; same words as claim '{claim.id}' in {slug}", True)
    statement = _statement(quote)
    # Negations are short function words, but dropping them turns "no troops" into "troops".
    content = [w for w in _word_list(statement)
               if w.lower() in _NEGATIONS or (w.lower() not in _FUNCTION and len(w) > 2)][:6]
    base = slugify(" ".join(content)) or "claim"
    claim_id = base if base not in used_ids else _unique_id(base, used_ids)
    return ClaimDraft(claim_id, speaker.actor or UNNAMED, "" if speaker.actor else speaker.label, stance,
                      statement, quote, f"{who} {verb}; new proposition", False)


# --- the table ----------------------------------------------------------------------------

Extractor = Callable[[Page, Registry, dict], Found]

# Each front matter field has one extractor; later ones may read what earlier ones found.
EXTRACTORS: dict[str, Extractor] = {
    "body": extract_body,
    "title": extract_title,
    "publisher": extract_publisher,
    "original": extract_original,
    "credit": extract_credit,
    "date": extract_date,
    "people": extract_people,
    "claims": extract_claims,
}


def extract(page: Page, registry: Registry) -> Extraction:
    done: dict[str, Found] = {}
    for name, extractor in EXTRACTORS.items():
        done[name] = extractor(page, registry, done)
    return Extraction(done)
