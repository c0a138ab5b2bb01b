"""How each field of an extraction is judged against the truth: the benchmark's body
score, titles, dates, outlets and people, and the gold a saved page's HTML states."""

from __future__ import annotations

import datetime as _dt
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

# --- body: the benchmark's shingle scoring ---------------------------------------------------

def shingles(text: str) -> Counter:
    """Every 4 consecutive word tokens; a text of 1-3 tokens is one shingle, an empty one none."""
    tokens = re.findall(r"\w+", text)
    if len(tokens) < 4:
        return Counter([" ".join(tokens)]) if tokens else Counter()
    return Counter(" ".join(tokens[i:i + 4]) for i in range(len(tokens) - 3))


def body_scores(predicted: str, truth: str) -> tuple[float, float]:
    """(precision, recall) of one page's extracted body against the marked one."""
    got, want = shingles(predicted), shingles(truth)
    tp = sum((got & want).values())
    fp = sum(got.values()) - tp
    fn = sum(want.values()) - tp
    precision = 1.0 if tp == fp == 0 else tp / (tp + fp)
    recall = 1.0 if tp == fn == 0 else tp / (tp + fn)
    return precision, recall


def harmonic(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


# --- titles -------------------------------------------------------------------------------------

SITE_SEPARATORS = (" | ", " - ", " :: ")  # after normalisation " – " and " — " are " - "
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = {**dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032"), "'"),
           **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033"), '"')}


def normalise_title(text: str) -> str:
    """NFKC, curly quotes straight, dashes "-", whitespace collapsed, casefold, no trailing punctuation."""
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES).translate(_DASHES)
    text = " ".join(text.split()).casefold()
    return re.sub(r"[\s.,;:!?\u2026\u3002]+$", "", text)


def _without_site_part(title: str) -> set[str]:
    """The title with one site part cut off at a separator, at either end."""
    cut = set()
    for separator in SITE_SEPARATORS:
        if separator in title:
            cut.add(title.rsplit(separator, 1)[0])
            cut.add(title.split(separator, 1)[1])
    return {normalise_title(c) for c in cut} - {""}


@dataclass(frozen=True)
class Gold:
    """What a page's HTML states about itself (the benchmark has no truth for these)."""

    h1: tuple[str, ...] = ()
    og_title: str | None = None
    title: str | None = None
    date: str | None = None  # as written in the page
    date_from: str = ""
    # The page's printed stamp (its first <time datetime>) where it names another day than a
    # JSON-LD datePublished that only repeats dateModified: the page disagrees with itself.
    date_printed: str | None = None
    outlet: str | None = None

    def titles(self, url: str = "") -> set[str]:
        """Every normalised form an extracted title may take to be right; empty when none is usable.

        What is left of a title once a part is cut off is never the site's own name (its
        og:site_name or its domain): "Big story | The Daily Planet" accepts "Big story" only."""
        site = outlet_keys(self.outlet or "") | outlet_keys(urlsplit(url).hostname or "")
        right = set()
        if self.h1:
            right.add(normalise_title(self.h1[0]))
        for whole in (self.og_title, self.title):
            if whole:
                right |= {t for t in _without_site_part(normalise_title(whole)) if not outlet_keys(t) & site}
        if self.og_title:
            right.add(normalise_title(self.og_title))
        return right - {""}


def title_right(extracted: str | None, gold: Gold, url: str = "") -> bool | None:
    """None when the page has no usable gold title (left out of the score)."""
    wanted = gold.titles(url)
    if not wanted:
        return None
    return normalise_title(extracted or "") in wanted


# --- gold from the HTML -----------------------------------------------------------------------

def _text_of(element) -> str:
    return " ".join(element.text_content().split())


def _json_date(data, key: str = "datePublished") -> str | None:
    """The first `key` (datePublished) anywhere in a JSON-LD value (lists, @graph, nested objects)."""
    if isinstance(data, dict):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, list) and value and isinstance(value[0], str):
            return value[0].strip()
        for item in data.values():
            found = _json_date(item, key)
            if found:
                return found
    elif isinstance(data, list):
        for item in data:
            found = _json_date(item, key)
            if found:
                return found
    return None


def _printed_stamp_against(date: str, modified: str | None, doc) -> str | None:
    """The page's first printed time stamp (`<time datetime>`) when the day it is written on is
    none of the days the JSON-LD datePublished can stand for, and that datePublished is
    dateModified to the second: a CMS that writes its last save into both states no first
    publication, while the stamp the page prints does. Such a page disagrees with itself."""
    if modified is None or modified != date:
        return None
    stamp = next(((element.get("datetime") or "").strip() for element in doc.iter("time")
                  if (element.get("datetime") or "").strip() and _text_of(element)), None)
    if not stamp:
        return None
    printed, stated = gold_days(stamp), gold_days(date)
    if not printed or not stated or stamp[:10] in stated:
        return None
    return stamp


def read_gold(html: str | bytes) -> Gold:
    import lxml.html

    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    if not html.strip():
        return Gold()
    try:
        doc = lxml.html.document_fromstring(html)
    except Exception:  # lxml refuses some pages (only a declaration, no elements)
        return Gold()

    def meta(*names: str) -> str | None:
        for element in doc.iter("meta"):
            key = element.get("property") or element.get("name") or ""
            if key.strip().lower() in names and (element.get("content") or "").strip():
                return " ".join(element.get("content").split())
        return None

    h1 = tuple(t for t in (_text_of(e) for e in doc.iter("h1")) if t)
    titles = [_text_of(e) for e in doc.iter("title")]
    date, date_from = meta("article:published_time"), "article:published_time"
    printed = None
    if date is None:
        for script in doc.iter("script"):
            if (script.get("type") or "").strip().lower() != "application/ld+json":
                continue
            try:
                data = json.loads(script.text_content(), strict=False)
            except ValueError:
                continue
            date = _json_date(data)
            if date:
                date_from = "JSON-LD datePublished"
                printed = _printed_stamp_against(date, _json_date(data, "dateModified"), doc)
                break
    if date is None:
        for element in doc.iter("time"):
            if (element.get("itemprop") or "").strip() == "datePublished" and (element.get("datetime") or "").strip():
                date, date_from = element.get("datetime").strip(), "time itemprop=datePublished"
                break
    return Gold(h1=h1, og_title=meta("og:title"), title=next((t for t in titles if t), None),
                date=date, date_from=date_from if date else "", date_printed=printed, outlet=meta("og:site_name"))


# --- dates --------------------------------------------------------------------------------------

FIRST_WEB_YEAR = 1990  # a page stating an earlier publication date states a placeholder
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
                  r"\s*(Z|[+-]\d{2}:?\d{2})?)?")


_EARLIEST_ZONE, _LATEST_ZONE = _dt.timedelta(hours=-12), _dt.timedelta(hours=14)


def gold_days(written: str) -> set[str] | None:
    """The day(s) a gold date stands for: the date as written and, for a moment with a time, every
    day that moment fell on somewhere (UTC-12 to UTC+14). A page prints its date in its own time
    zone, which the page's metadata often does not give: "2019-11-20T01:50Z" is the 19th in New York."""
    match = _ISO.match(written)
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
        if int(year) < FIRST_WEB_YEAR:  # "0001-01-01T00:00:00Z": a placeholder, not a date
            return None
        local = f"{year}-{month}-{day}"
        days = {local}
        if hour:
            offset = _dt.timedelta(0)  # a time with no zone is read as UTC
            if zone and zone != "Z":
                sign = -1 if zone[0] == "-" else 1
                digits = zone[1:].replace(":", "")
                offset = sign * _dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            try:
                moment = _dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
            except ValueError:
                return None
            utc = moment - offset
            days |= {(utc + zone_offset).date().isoformat() for zone_offset in (_EARLIEST_ZONE, _LATEST_ZONE)}
        return days
    try:  # "November 19, 2019, 07:47 PM EST": read as written, and in UTC when it names a zone
        import dateparser

        parsed = dateparser.parse(written, settings={"RETURN_AS_TIMEZONE_AWARE": False})
        aware = dateparser.parse(written, settings={"TO_TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": True})
    except Exception:
        return None
    if parsed is None or parsed.year < FIRST_WEB_YEAR:
        return None
    days = {parsed.date().isoformat()}
    if aware is not None:
        days.add(aware.date().isoformat())
    return days


def benchmark_date(iso: str | None, precision: str, gold: str | None, printed: str | None = None) -> str | None:
    """right / wrong / unknown / disputed; None when the page states no (readable) date to compare with.

    Wrong: a gold date exists and the extracted one disagrees at the extracted precision.
    Disputed: it disagrees with the gold but agrees with the stamp the page prints, where the two
    differ (Gold.date_printed): neither right nor wrong, and counted apart."""
    if not gold:
        return None
    days = gold_days(gold)
    if days is None:
        return None
    if not iso or precision == "unknown":
        return "unknown"
    length = {"day": 10, "month": 7, "year": 4}.get(precision, len(iso))

    def agrees(days: set[str]) -> bool:
        return any(day[:length] == iso[:length] for day in days)

    if agrees(days):
        return "right"
    return "disputed" if printed and agrees(gold_days(printed) or set()) else "wrong"


def one_day_off(iso: str, days: set[str] | None) -> bool:
    """An extracted day next to the gold one: the page's time zone, or its clock, decides."""
    try:
        day = _dt.date.fromisoformat(iso)
        return any(abs((day - _dt.date.fromisoformat(d)).days) == 1 for d in days or ())
    except ValueError:
        return False


def own_date(iso: str | None, precision: str, truth_iso: str | None, truth_precision: str) -> str:
    """right (same date and precision) / wrong / unknown (truth has one, extraction none) / coarse.

    Coarse: the extracted date agrees with the truth but says less (a year where a day is known)."""
    if not iso or precision == "unknown":
        return "right" if not truth_iso else "unknown"
    if not truth_iso:
        return "wrong"  # nothing on the page dates it: the extracted date is made up
    if (iso, precision) == (truth_iso, truth_precision):
        return "right"
    if len(iso) < len(truth_iso) and truth_iso.startswith(iso):
        return "coarse"
    return "wrong"


# --- outlets and people -----------------------------------------------------------------------

def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text or "").translate(_QUOTES))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def outlet_keys(name: str) -> set[str]:
    """An outlet's name or domain as comparable letters, with and without a leading "the".

    "The Hill", "TheHill" and "thehill.com" all give "thehill" and "hill"; a domain gives its
    registrable label ("www.theguardian.co.uk" -> "theguardian"); a name with a tagline after
    " | " or " - " ("LinkNaija | Nigeria's news platform") also gives the part before it."""
    folded = _fold(name).strip()
    parts = {folded}
    for separator in SITE_SEPARATORS:
        if separator in folded:
            parts.add(folded.split(separator, 1)[0])
    keys = set()
    for part in parts:
        part = re.sub(r"^[a-z]+://", "", part.strip()).strip("/")
        if re.fullmatch(r"[\w-]+(?:\.[\w-]+)+", part):  # a domain: its registrable label
            labels = part.removeprefix("www.").split(".")
            short = len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "gov", "ac", "edu")
            part = labels[-3] if short else labels[-2]
        key = re.sub(r"[\W_]+", "", part)
        keys |= {key, key.removeprefix("the")}
    return keys - {""}


def outlet_right(extracted: str | None, *truth: str | None) -> bool | None:
    """The extracted outlet name is one of the truth's (name or domain), letters compared.

    None when there is no truth."""
    keys = set().union(*(outlet_keys(t) for t in truth if t and t.strip()))
    if not keys:
        return None
    return bool(extracted) and bool(outlet_keys(extracted) & keys)


def name_words(name: str) -> list[str]:
    return re.findall(r"\w+", _fold(name))


def person_matches(extracted: str, truth: str) -> bool:
    """Equal after normalisation, or the truth name's surname-bearing subset ("Koirala" ~ "Sushil Koirala")."""
    got, want = name_words(extracted), name_words(truth)
    if got == want:
        return bool(got)
    got, want = _without_suffix(got), _without_suffix(want)
    return bool(got and want) and got[-1] == want[-1] and set(got) <= set(want)


_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def _without_suffix(words: list[str]) -> list[str]:
    """"Patrick W. Carlineo Jr." bears its surname before the "Jr"."""
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words = words[:-1]
    return words


def people_scores(extracted: list[str], truth: list[str]) -> tuple[float, float]:
    """(precision, recall); an empty list against an empty list is 1/1."""
    precision = (sum(any(person_matches(e, t) for t in truth) for e in extracted) / len(extracted)
                 if extracted else 1.0)
    recall = sum(any(person_matches(e, t) for e in extracted) for t in truth) / len(truth) if truth else 1.0
    return precision, recall


def ws(text: str) -> str:
    return " ".join((text or "").split())
