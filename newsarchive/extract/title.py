"""Title: the headline above the article, or the address's words.

A headline is a line near the top of the article that (a) shares words with the page's address
and with the first paragraphs, (b) is shaped like a headline: a few words to a couple of dozen,
title or sentence case, not ending like a sentence, and (c) sits just above the article, often
followed by the lines newsrooms print under a headline (standfirst, byline, date, caption).
Lines that are page chrome are never headlines, whatever their position: bylines and credits,
captions, section labels, buttons and other interface words, teasers and ads, stock tables,
date stamps, the address itself. Each rule below says which of these it recognises and why.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from .datetext import find_dates
from .lines import CAPTION, interface_only, line_kind
from .prose import clean_line, name_tokens, sentences, terminal, truncated, word_list
from .records import Body, Found, Line, Page, Registry


# --- the address's words -------------------------------------------------------------------

# An id, not a word: a long number (14848164) or a long mix of letters and digits (idusKBN1XT00W);
# "g20", "5000" and "11" are words of headlines.
_ID_TOKEN = re.compile(r"^(?:\d{6,}|(?=[a-z]*\d)(?=\d*[a-z])[a-z\d]{8,})$")
_EXTENSION = re.compile(r"\.(?:s?html?|php\d?|aspx?|jsp|cms|htm|ece|story)$", re.IGNORECASE)


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# Words sites add after the headline's words in an address: the page's kind, not its title.
_PAGE_KIND = {"amp", "noticia", "articleshow", "story", "article", "html", "print", "amphtml", "video", "ampstory"}


def _segment_words(segment: str) -> list[str]:
    """The headline words of one part of an address (a folder, a file name or a query value).

    "rheinland-pfalz_artikel,-mit-verheerender-wucht-_arid,2283577.html" gives the longest run
    joined by hyphens (mit, verheerender, wucht); a date ("2023-08-27") and what follows an id
    ("...-summit-395820-2023-08-27", "...-walls-101693460420511-amp") are not headline words.
    """
    segment = _EXTENSION.sub("", unquote(segment).strip())
    if not re.search(r"[-_+\s]", segment):
        return []  # one word alone ("news", "article") is a folder name, not a slug
    pieces = [p for p in re.split(r"[_,]", segment) if p.strip("-")]
    runs = [p for p in pieces if len([w for w in re.split(r"[-+\s.]+", p) if w.isalpha()]) >= 3]
    if len(pieces) > 1 and runs:
        segment = max(runs, key=lambda p: len(re.split(r"[-+\s.]+", p)))
    words = [_fold(w) for w in re.split(r"[-_+\s.,]+", segment) if w]
    words = [w for w in words if w and re.fullmatch(r"[^\W_]+", w)]
    text = " ".join(words)
    text = re.sub(r"\b(?:19|20)\d\d \d{1,2} \d{1,2}\b", " ", text)  # a date: 2022 12 18
    words = text.split()
    for index, word in enumerate(words):
        if _ID_TOKEN.match(word) and index >= 3:
            words = words[:index]  # what follows an id is the site's, not the headline's
            break
    words = [w for w in words if not _ID_TOKEN.match(w)]
    while words and words[-1] in _PAGE_KIND:
        words.pop()
    return words


def address_words(url: str) -> list[str]:
    """The words of the address's slug: the path part or query value holding the most words.

    `/news/us/article/New-SUVs-highlight-L-A-14848164.php` gives new, suvs, highlight, l, a;
    `/story.php?title=scope-of-death-expands` gives scope, of, death, expands. Numeric ids and
    one-word folders ("news", "world") are not words of the headline.
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if segments and parts.query and _EXTENSION.search(segments[-1]):
        segments.pop()  # "news_view.html?idx=8576": a program's name, the article is in its query
    segments += [value for _, value in parse_qsl(parts.query, keep_blank_values=False)]
    best: list[str] = []
    for segment in segments:
        words = _segment_words(segment)
        if sum(1 for w in words if w.isalpha()) > sum(1 for w in best if w.isalpha()):
            best = words
    return best if sum(1 for w in best if w.isalpha()) >= 2 else []


# --- what a line is when it is not a headline ----------------------------------------------

_STOP = {"a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "but", "is", "are", "was", "were",
         "be", "by", "with", "from", "as", "it", "its", "this", "that", "de", "la", "le", "el", "der", "die",
         "das", "und", "di", "il", "e", "o", "y"}
# A byline: "By Anil Giri", "by Jeff Foust", "Von Moritz Bachmann", "Por Juan Pérez"; not a
# headline opening with the same word ("By the numbers", "Von der Leyen says", "Por qué ...").
_BYLINE = re.compile(r"^\s*(?:(?:(?i:by|von|por|par|\u043e\u0442)|di)\s+(?!(?i:the|der|den|qu\u00e9|que|\d))\w|"
                     r"(?i:written by|posted by|words by|reporting by|story by|text by|report by|authors?:))")
# A credit closing a line names a photographer's agency or a newsroom role: "Tom Davies
# Associated Press", "Kevin Johnson and Kevin McCoy USA TODAY", "(Reed Saxon / Associated Press)".
_CREDIT_END = re.compile(r"\b(?:getty images|associated press|reuters|afp|ap photo|ap|epa|shutterstock|istock|"
                         r"staff writer|staff reporter|contributor|correspondent|wire services?|news service|"
                         r"usa today|press association|screenshot|photographer|contributing writer|"
                         r"senior writer|reporter|editor)\b[\s.)\]]*$", re.IGNORECASE)
# A caption ends with its credit: "REUTERS/Brendan McDermid", "EFE/Jane Doe/Pool/File",
# "(Sourced photo)", "(Image: GETTY)", "(AP Photo/Jane Doe)".
_CREDIT_TAIL = re.compile(r"(?:[.!?]\s+[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)?(?:/[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3})+|"
                          r"\([^()]*\b(?:photo|photos|image|images|pic|picture|file|courtesy|credit|getty|reuters|"
                          r"ap|afp|epa|sourced|screenshot|screengrab)\b[^()]*\))\s*$", re.IGNORECASE)
_SITE_CHROME = re.compile(r"\b(?:cookies?|newsletters?|subscribe|subscription|sign (?:up|in)|log ?in|"
                          r"all rights reserved|copyright|privacy (?:policy|settings)|terms of (?:use|service)|"
                          r"skip to|back to top|advertisement|sponsored content|paid content)\b|\u00a9", re.IGNORECASE)
# Teasers, prompts and ads speak to the reader in the imperative: "Click for...", "Sign up...",
# "Take a fresh look at your lifestyle.", "Watch: ...". Verbs that also open headlines as nouns
# ("Support for ... falls", "Call for ...") are not among them; the rest count only when they
# address the reader ("Get the...", "Join us", "Read more") or the line shouts or ends a sentence.
_IMPERATIVE = re.compile(r"^\W*(?:click|tap|subscribe|download|sign up|don'?t miss|do not miss|learn more|find out|"
                         r"check out)\b", re.IGNORECASE)
_IMPERATIVE_IF = re.compile(r"^\W*(?:take|get|join|watch|listen|try|discover|see|shop|buy|register|follow|read|visit|"
                            r"explore|win|enter)\b(?:\s*[:\u2014-]|\s+(?:a|an|the|our|your|us|now|here|more|up|"
                            r"this|all|free|it|them)\b)", re.IGNORECASE)
_NUMERIC_FIELD = re.compile(r"^[-+\u2212]?[$\u20ac\u00a3]?\d[\d.,:/]*%?$")


def _fields_numeric(text: str) -> bool:
    """A row of a table: several numbers, signed changes or percentages (a stock ticker)."""
    tokens = text.split()
    numeric = [t for t in tokens if _NUMERIC_FIELD.match(t)]
    signed = [t for t in numeric if t[0] in "+-\u2212" or t.endswith("%")]
    return "\t" in text or len(numeric) >= 2 and (len(numeric) >= 0.4 * len(tokens) or len(signed) >= 2)


# Some capture stores put their own stamp before the page's first line (" date 2023-08-27 ").
_STORE_STAMP = re.compile(r"^\s*date (?:19|20)\d\d-\d\d(?:-\d\d)?\s+")


def chrome_reason(text: str, url: str = "") -> str | None:
    """Why a line cannot be a headline (byline, caption, interface...), or None if it could be."""
    words = word_list(text)
    if not words:
        return "no words"
    if "://" in text or re.search(r"\bwww\.|\.(?:com|org|net|co\.uk)/", text) or (url and url in text):
        return "an address"
    if _BYLINE.match(text):
        return "a byline"
    if re.match(r"^\s*[\u2014\u2013-]+\s*\S", text):
        return "an attribution (a dash before a name)"
    if text.lstrip().startswith("(") and text.rstrip().endswith(")"):
        return "a caption credit in brackets"
    if _CREDIT_TAIL.search(text):
        return "a caption ending in a photo credit"
    if CAPTION.search(text) or re.match(r"^(?:photo|image|picture|video|credit|source)s?\s*(?::|by\b|credit|"
                                        r"copyright|caption|courtesy)", text, re.I):
        return "a caption or credit"
    names = [w for w in words if w.lower() not in ("and", "of", "the", "&")]
    if _CREDIT_END.search(text) and (len(words) <= 10 and all(w[:1].isupper() for w in names) or
                                     re.search(r"\([^()]*\)\s*$", text)):
        return "a credit (a name and an agency or a newsroom role)"
    if _SITE_CHROME.search(text) and len(words) <= 14 or re.search(r"\u00a9|all rights reserved", text, re.I):
        return "the site's own chrome (subscriptions, notices, copyright)"
    if re.match(r"^\W*(?:published|updated|posted|last updated|modified)\b", text, re.I) or \
            re.search(r"\b\d+\s+(?:sec|min|minute|hour|hr|day|week|month|year)s?\s+ago\b", text, re.I):
        return "a date stamp"
    if interface_only(text):
        return "interface words"
    if _fields_numeric(text):
        return "a row of numbers"
    if _IMPERATIVE.match(text) or _IMPERATIVE_IF.match(text) and (text.isupper() or terminal(text) or
                                                                  len(words) <= 10):
        return "a teaser or prompt speaking to the reader"
    if text.isupper() and text.rstrip().endswith("!"):
        return "a shouted teaser"
    if truncated(text):
        return "a truncated teaser"
    dates = find_dates(text)
    if dates:
        rest = text
        for mention in dates:
            rest = rest.replace(mention.text, " ")
        small = sum(1 for c in rest if c.isalpha()) <= 12 if _unspaced(text) else len(word_list(rest)) <= 6
        if small:
            return "a date stamp"
    if re.search(r"\b\d{1,2}:\d\d\s*(?:am|pm|[AP]\.?M\.?)?\b", text) and len(words) <= 10:
        return "a time stamp"
    kind = line_kind(Line(0, text))
    if kind in ("end", "credit"):
        return "a box heading or a credit line"
    if kind == "tags" and (text.count(",") >= 2 and all(len(word_list(i)) <= 3 for i in text.split(","))):
        return "a list of tags"
    return None


def _parts(text: str, address: set[str]) -> list[tuple[str, str]]:
    """The line, and the pieces a headline may hide in: "Opinion | X", "X | Site", "Share ... for: X".

    A bar or a double colon always separates; a dash only cuts off a short side that is not the
    headline's (a site or section name: a few words, none of them the address's).
    """
    result = [(text, "")]
    pieces = [p.strip() for p in re.split(r"\s*\|\s*|\s+::\s+", text) if p.strip()]
    if len(pieces) > 1:
        result += [(p, "one part of the line") for p in pieces]
    match = re.match(r"^(.+?)\s+[-\u2013\u2014]{1,2}\s+(.+)$", text) or re.match(r"^(.+)\s+[-\u2013\u2014]{1,2}\s+(.+?)$", text)
    for left, right in ([match.group(1), match.group(2)],) if match else ():
        for keep, cut in ((left, right), (right, left)):
            if len(word_list(cut)) <= 4 and not (_stems(cut) & address):
                result.append((keep.strip(), "a site or section name cut off"))
    match = re.match(r"^(.{2,60}?):\s+(.+)$", text)
    if match and interface_only(match.group(1)):
        result.append((match.group(2).strip(), "after the interface words"))
    return result


# --- scoring -------------------------------------------------------------------------------

def _stem(token: str) -> str:
    """A crude stem, so that "hiking" meets "hike" and "reviews" meets "review"."""
    for suffix in ("ing", "ed", "es", "s", "e", "er", "ly"):
        if len(token) - len(suffix) >= 3 and token.endswith(suffix) and token.isascii():
            return token[:-len(suffix)]
    return token


def _unspaced(text: str) -> bool:
    """Written in a script without spaces between words (Chinese, Japanese, Thai)."""
    return bool(re.search(r"[\u3040-\u30ff\u3400-\u9fff\u0e00-\u0e7f]", text))


def _tokens(text: str) -> list[str]:
    return [_stem(t) for t, _, _ in name_tokens(text)]


def _stems(text: str) -> set[str]:
    return set(_tokens(text))


def _content(tokens) -> set[str]:
    return {t for t in tokens if t not in _STOP and (len(t) > 2 or t.isdigit() or not t.isascii())}


def _case_shape(text: str) -> float:
    """1 for title or sentence case, less for all-lowercase or shouting."""
    words = [w for w in word_list(text) if w[:1].isalpha()]
    if not words:
        return 0.0
    if not any(w[:1].isupper() or not w[:1].islower() for w in words[:1]):
        return 0.0  # starts in lowercase: a sentence's continuation, a label, a tag
    if text.isupper() and len(words) > 2:
        return 0.5
    return 1.0


@dataclass
class _Candidate:
    text: str
    line: Line
    how: str
    score: float = 0.0
    cover: float = 0.0  # share of the address's words the candidate holds
    near: int = 0  # lines between it and the article
    in_body: bool | None = False  # one of the article's first paragraphs (None: a line among them)
    mark_line: int = 0  # the byline or stamp under it, if any


def _score(candidate: _Candidate, address: set[str], article: Counter, lead: Counter) -> None:
    tokens = _tokens(candidate.text)
    mine = _content(tokens)
    words = word_list(candidate.text)
    own = Counter(_content(_tokens(candidate.line.text))) if candidate.in_body is not False else Counter()
    cover = len(address & set(tokens)) / len(address) if address else 0.0
    of_mine = len(mine & address) / len(mine) if mine and address else 0.0
    in_article = sum(1 for t in mine if article[t] - own[t] > 0) / len(mine) if mine else 0.0
    in_lead = sum(1 for t in mine if lead[t] - own[t] > 0) / len(mine) if mine else 0.0
    # A label of two or three of the article's words shares all of them; a headline holds more.
    size = min(1.0, len(mine) / 4) if not _unspaced(candidate.text) else 1.0
    score = 4 * cover + 1.0 * of_mine + size * (1.5 * in_article + 1.0 * in_lead)
    if 6 <= len(words) <= 20:
        score += 0.3
    elif not address and len(words) <= 3 and not _unspaced(candidate.text):
        score -= 1.0  # with no address to confirm it, a line of three words is a label or an image's name
    score += _case_shape(candidate.text)
    score += 1.5 / (1 + candidate.near / 3)
    if len(words) < 3 and not _unspaced(candidate.text):
        score -= 2.0 * (1 - cover)  # two words: a section label, unless they are the address's words
    elif len(words) > 25:
        score -= 1 + (len(words) - 25) / 10
    if candidate.text.rstrip("\"'\u201d\u2019)")[-1:] in ".:;,\u3002":
        # reads as a sentence: a caption, a standfirst, a paragraph (a headline may end in ? or !)
        score -= 1.0 + (1.0 if len(words) >= 12 else 0.0)
    if len(sentences(candidate.text)) >= 2 and not candidate.text.rstrip().endswith("?"):
        score -= 1.0  # two sentences: a blurb or a standfirst
    if candidate.how:
        score -= 0.3
    if candidate.in_body:
        score -= 1.0  # the article's own first paragraph is a headline only when it looks like one
    elif candidate.in_body is None:
        score -= 1.0  # a line among the first paragraphs: a subheading or a teaser more often
    candidate.score, candidate.cover = score, cover


def _gather(body: Body, page: Page, address: set[str], lines: list[Line]) -> list[_Candidate]:
    """Lines that could be the headline: those above the article, and those among its first lines.

    The capture's own lines are read, not only the body's head: a headline the body left out
    between two of its first paragraphs (or took as one of them) is still a candidate. A line
    the body kept as a paragraph is one only when it is shaped like a headline (short, not
    ending like a sentence).
    """
    paragraphs = {p.number for p in body.paragraphs}
    numbers = sorted(paragraphs)
    first = numbers[0] if numbers else (lines[-1].number + 1 if lines else 1)
    limit = numbers[2] if len(numbers) > 2 else first + 8
    counts: dict[str, int] = {}
    for line in lines:
        key = line.text.casefold()
        counts[key] = counts.get(key, 0) + 1
    above = [line for line in lines if line.number < first][-200:]
    pool = [(line, len(above) - 1 - index, False) for index, line in enumerate(above)]
    for line in lines:
        if first <= line.number < limit:
            in_body = line.number in paragraphs
            if not in_body and len(numbers) > 1 and line.number > numbers[1]:
                continue  # below the second paragraph: a subheading or a teaser
            if in_body and (len(word_list(line.text)) > 20 or line.text.rstrip("\"'\u201d\u2019)")[-1:] in ".:;,"):
                continue
            pool.append((line, 0, True if in_body else None))
    if body.headline is not None:
        pool.append((body.headline, 0, False))
    result: list[_Candidate] = []
    for line, near, in_body in pool:
        text = _STORE_STAMP.sub("", line.text)
        if text != line.text:
            line = Line(line.number, text)
        for text, how in _parts(line.text, address):
            if chrome_reason(text, page.url):
                continue
            words = len(word_list(text))
            if words > 30:
                continue  # a paragraph, not a headline
            if words < 2 and not _unspaced(text) or _unspaced(text) and sum(c.isalpha() for c in text) < 8:
                continue  # one word: a section or a button
            if words <= 4 and counts.get(text.casefold(), 0) > 1 and not _unspaced(text):
                continue  # a short label printed twice is navigation
            result.append(_Candidate(text, Line(line.number, text) if how else line, how, near=near, in_body=in_body))
    return result


def _marks_below(lines: list[Line], number: int) -> tuple[float, int]:
    """How surely the lines just below a candidate are what newsrooms print under a headline.

    1 when one of the next two lines is a byline or a short stamp, 0.6 when one of the next four
    is, else 0; with the number of that line.
    """
    after = [line for line in lines if line.number > number and not interface_only(line.text)][:4]
    for position, line in enumerate(after):
        text = line.text
        stamp = len(word_list(text)) <= 16 and (find_dates(text) or re.search(r"\b(?:updated|published|posted)\b",
                                                                                text, re.I))
        if _BYLINE.match(text) or stamp:
            return (1.0 if position <= 1 else 0.6), line.number
    return 0.0, 0


def _teaser_shaped(text: str, url: str) -> bool:
    words = len(word_list(text))
    return 3 <= words <= 20 and not terminal(text) and chrome_reason(text, url) is None


def _in_a_list(lines: list[Line], number: int, url: str) -> bool:
    """Whether a line stands in a list of other headlines (a "most read" or "more stories" box).

    The page's own headline stands alone, with a byline, a date or a standfirst under it; a
    teaser has teasers of the same shape above and below it.
    """
    index = next((i for i, line in enumerate(lines) if line.number == number), None)
    if index is None or index == 0 or index + 1 >= len(lines):
        return False
    return _teaser_shaped(lines[index - 1].text, url) and _teaser_shaped(lines[index + 1].text, url)


_MEDIA_LABEL = re.compile(r"\W*(?:video|videos|watch|gallery|photos?|listen|audio|play|podcast)\W*", re.IGNORECASE)


def _place_score(candidate: _Candidate, page: Page, body: Body, everything: list[Line],
                 positions: dict[int, int], shapes: list[tuple[int, set[str]]]) -> None:
    """What the lines around a candidate say about it: a byline or stamp under it, a teaser list
    around it, a media label above it, the same words printed elsewhere on the page."""
    index = positions.get(candidate.line.number)
    if index and _MEDIA_LABEL.fullmatch(everything[index - 1].text):
        candidate.score -= 1.0  # the title of a video or a gallery, under its label
    marks, candidate.mark_line = _marks_below(everything, candidate.line.number)
    if marks:
        candidate.score += marks
    elif _in_a_list(everything, candidate.line.number, page.url):
        candidate.score -= 1.0
    folded = candidate.text.casefold()
    mine = _content(_tokens(candidate.text))
    contained = sum(1 for line in everything if folded in line.text.casefold()) > 1
    reworded = len(mine) >= 5 and any(number != candidate.line.number and abs(len(other) - len(mine)) <= 2 and
                                      len(mine & other) >= 0.75 * len(mine) for number, other in shapes)
    if len(word_list(candidate.text)) >= 3 and (contained or reworded):
        candidate.score += 0.5  # printed twice (a breadcrumb, a share box or a caption repeats the headline)
    if body.headline is not None and candidate.line.number == body.headline.number:
        candidate.score += 1.0


def _demote_standfirsts(candidates: list[_Candidate], positions: dict[int, int]) -> None:
    """A line below another candidate's byline or stamp is a standfirst or a caption, not the
    headline; so is a line right below a headline-sized one when the byline or stamp follows it."""
    for upper in candidates:
        if not (len(word_list(upper.text)) >= 4 or _unspaced(upper.text)) or \
                upper.text.rstrip("\"'\u201d\u2019)").endswith(".") or upper.in_body is not False:
            continue
        for lower in candidates:
            if lower.text == upper.text:
                continue
            if upper.mark_line and upper.line.number < upper.mark_line < lower.line.number <= upper.line.number + 8:
                lower.score -= 1.0
            elif lower.mark_line and upper.score > lower.score - 1.5 and \
                    1 <= positions.get(lower.line.number, 0) - positions.get(upper.line.number, 0) <= 2:
                lower.score -= 0.7


def extract_title(page: Page, registry: Registry, done: dict) -> Found:
    body: Body = done["body"].value
    slug = address_words(page.url)
    address = {_stem(w) for w in _content(slug)} | {w for w in slug if w.isdigit()}
    article = Counter(t for p in body.paragraphs for t in _content(_tokens(p.text)))
    lead = Counter(t for p in body.paragraphs[:3] for t in _content(_tokens(p.text)))
    everything = [Line(n, clean_line(raw)) for n, raw in enumerate(page.text.splitlines(), 1) if raw.strip()]
    positions = {line.number: index for index, line in enumerate(everything)}
    # Lines that may repeat a headline in other words (a caption, a share box; not a sentence).
    shapes = [(line.number, _content(_tokens(line.text))) for line in everything
              if len(line.text) < 300 and not line.text.rstrip("\"'\u201d\u2019)").endswith(".")]
    candidates = _gather(body, page, address, everything)
    for candidate in candidates:
        _score(candidate, address, article, lead)
        _place_score(candidate, page, body, everything, positions, shapes)
    _demote_standfirsts(candidates, positions)
    best = max(candidates, key=lambda c: (c.score, -c.near), default=None)
    if best is not None and (best.score >= 3.0 or not slug):
        line = best.line
        # Sure when the address confirms it, or, for an address without words, when the line
        # stands where a headline stands: with a byline or a date printed under it.
        sure = (best.cover >= 0.5 or (bool(slug) and best.score >= 5.0 and best.cover > 0) or
                (not slug and best.score >= 4.0 and best.mark_line > 0)) and len(sentences(best.text)) < 2
        where = {True: "the article's first paragraph", None: "among the article's first lines"}.get(
            best.in_body, f"{best.near + 1} lines above the article")
        why = f"headline: line {line.number}, {where}"
        if best.how:
            why += f" ({best.how})"
        if slug:
            why += f"; holds {best.cover:.0%} of the address's words"
        return Found(best.text, why, confident=sure, line=line)
    if slug:
        text = _title_from_slug(slug, body)
        return Found(text, "the capture has no headline; taken from the page's address", confident=False)
    sentence = body.paragraphs[0].text if body.paragraphs else "Untitled capture"
    span = sentences(sentence)[0] if sentences(sentence) else (0, len(sentence))
    return Found(sentence[span[0]:span[1]], "no headline and no words in the address; first sentence",
                 confident=False)


def _title_from_slug(slug_words: list[str], body: Body) -> str:
    """Words of the address, each cased as the article writes it away from a sentence start.

    Two words the article writes joined by a hyphen ("pro-Khalistan") are joined again. A short
    number or a code of two letters closing the address that the article never prints ("...
    eingestuerzt 100", "... crosses 20000 aj") is the site's, not the headline's.
    """
    printed = {_fold(w) for line in body.paragraphs
               for w in word_list(re.sub(r"(?<=\d)[,.\u2009\u202f](?=\d{3}\b)", "", line.text))}
    slug_words = list(slug_words)
    while len(slug_words) > 2 and len(slug_words[-1]) <= (3 if slug_words[-1].isdigit() else 2) \
            and slug_words[-1] not in printed:
        slug_words.pop()
    casing: dict[str, dict[str, int]] = {}
    joined: dict[tuple[str, str], str] = {}
    for line in body.paragraphs:
        for start, end in sentences(line.text):
            for position, word in enumerate(word_list(line.text[start:end])):
                if position:
                    casing.setdefault(_fold(word), {}).setdefault(word, 0)
                    casing[_fold(word)][word] += 1
        for match in re.finditer(r"\b([^\W_]+)-([^\W_]+)\b", line.text):
            joined.setdefault((_fold(match.group(1)), _fold(match.group(2))), match.group())
    result: list[str] = []
    index = 0
    while index < len(slug_words):
        word = slug_words[index]
        pair = (word, slug_words[index + 1]) if index + 1 < len(slug_words) else None
        if pair in joined:
            result.append(joined[pair])
            index += 2
            continue
        seen = casing.get(word)
        result.append(max(seen.items(), key=lambda kv: (kv[1], kv[0]))[0] if seen else word)
        index += 1
    if result:
        result[0] = result[0][:1].upper() + result[0][1:]
    return " ".join(result)
