"""Dates as pages print them, and as addresses carry them.

Pages print dates in many shapes: "Nov. 19, 2019", "19 November 2019", "25. September 2018",
"22 de outubro de 2010", "19 listopada 2019", "2019-11-19T10:53", "19.11.2019", "2016.12.01",
"2018年10月15日", "11/19/19" and, glued by a capture, "NOV 15, 20195:45 AM". `find_dates`
reads them all. Month names of other languages come from dateparser's locale data (a
well-kept table of month names and their inflected forms for many languages). A numeric date
whose order cannot be told ("05/11/2019": 5 November or May 11?) is not read at all: an
unknown date is better than a wrong one.
"""

from __future__ import annotations

import calendar
import re
from .records import DateValue
from dataclasses import dataclass
from urllib.parse import urlsplit


# --- month names ------------------------------------------------------------------------------

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

# Languages whose month names are read; a name two languages give to different months is left
# out, and so are names of fewer than four letters (too often another word).
_LANGUAGES = ("de", "fr", "es", "pt", "it", "nl", "pl", "ru", "uk", "id", "tr", "sv", "da", "nb", "fi", "ro", "cs")


def _foreign_months() -> dict[str, int]:
    try:
        from dateparser.languages import default_loader
    except ImportError:  # pragma: no cover - dateparser is a dependency; English still works without it
        return {}
    table: dict[str, int] = {}
    clash: set[str] = set()
    for code in _LANGUAGES:
        info = default_loader.get_locale(code).info
        for number, english in enumerate(calendar.month_name):
            for name in info.get(english.lower(), []) if english else []:
                name = name.lower().rstrip(".")
                if len(name) < 4 or not name.isalpha() or name in MONTHS:
                    continue
                if table.get(name, number) != number:
                    clash.add(name)
                table.setdefault(name, number)
    # "Mars 2020" is a mission to the planet more often than March in French.
    return {name: number for name, number in table.items() if name not in clash and name not in {"mars"}}


FOREIGN_MONTHS = _foreign_months()
_ALL_MONTHS = {**FOREIGN_MONTHS, **MONTHS}
_MONTH = r"(?P<month>" + "|".join(sorted(map(re.escape, _ALL_MONTHS), key=len, reverse=True)) + r")\.?"
WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?:(?!\d)|(?=\d{1,2}:\d\d))"  # "20195:45 AM": a year glued to a time
_DATE_PATTERNS = [
    # 2019-11-19, 2019-11-19T10:53, 2016.12.01, 2019/11/19, 2018年10月15日
    re.compile(r"(?<![\d.])(?P<year>(?:19|20)\d\d)(?P<sep>[-./])(?P<mnum>\d\d?)(?P=sep)(?P<day>\d\d?)(?![\d])"),
    re.compile(r"(?P<year>(?:19|20)\d\d)\s*\u5e74\s*(?P<mnum>\d{1,2})\s*\u6708\s*(?P<day>\d{1,2})\s*\u65e5"),
    # 19.11.2019 (day first; "11.14.2019" is read month first, as no month has 14)
    re.compile(r"(?<![\d.])(?P<day>\d{1,2})\.(?P<mnum>\d{1,2})\.(?P<year>(?:19|20)\d\d)(?![\d])"),
    # 11/19/19, 21/06/2014: read only when one of the two numbers cannot be a month
    re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>(?:19|20)?\d\d)(?![\d/])"),
    # 19 November 2019, 25. September 2018, 22 de outubro de 2010, 5th of March, 2019
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th|\.)?\s+(?:of\s+|de\s+)?" + _MONTH + r",?\s+(?:de\s+)?" + _YEAR,
               re.IGNORECASE),
    # November 19, 2019; Nov. 19 2019; NOV 15, 20195:45 AM
    re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+" + _YEAR, re.IGNORECASE),
    # November 2019
    re.compile(r"\b" + _MONTH + r",?\s+(?:de\s+)?" + _YEAR, re.IGNORECASE),
]
DATE_ONLY = re.compile(r"^[\W_]*(?:" + WEEKDAY + r"[\W_]*)?(?:\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\.?,?\s+\d{4}|"
                        r"[A-Za-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{4}-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d)?)?|"
                        r"\d{1,2}\.\d{1,2}\.\d{4})[\W_]*$", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    iso: str
    precision: str
    text: str  # the words as printed
    start: int
    end: int


def _numbers(parts: dict) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of a match, or None when its order cannot be told."""
    year = int(parts["year"])
    if year < 100:
        year += 2000 if year < 70 else 1900
    if parts.get("a"):
        a, b = int(parts["a"]), int(parts["b"])
        if a > 12 >= b:
            return year, b, a
        if b > 12 >= a:
            return year, a, b
        if a == b:
            return year, a, b
        return None
    if parts.get("mnum"):
        month, day = int(parts["mnum"]), int(parts["day"])
        if month > 12 >= day and "sep" not in parts:
            month, day = day, month  # 11.14.2019
        return year, month, day
    month = _ALL_MONTHS.get((parts.get("month") or "").lower().rstrip("."))
    return year, month, int(parts["day"]) if parts.get("day") else None


def find_dates(text: str) -> list[DateMention]:
    """Full dates (day or month precision) printed in `text`, left to right, not overlapping."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            taken.append((match.start(), match.end()))  # an impossible date is no date, nor a month
            numbers = _numbers(match.groupdict())
            if numbers is None:
                continue
            year, month, day = numbers
            if not month or not 1 <= month <= 12:
                continue
            if day is not None:
                if not 1 <= day <= calendar.monthrange(year, month)[1]:
                    continue
                iso, precision = f"{year:04d}-{month:02d}-{day:02d}", "day"
            else:
                iso, precision = f"{year:04d}-{month:02d}", "month"
            found.append(DateMention(iso, precision, match.group(), match.start(), match.end()))
    return sorted(found, key=lambda d: d.start)


def valid(year: int, month: int, day: int | None = None) -> bool:
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
        r"[-_]((?:19|20)\d\d)(\d\d)(\d\d)(?=\.\w+$|/?$)",  # /Quake-rescuers-begged-20120208
    ]
    for pattern in day_patterns:
        for match in re.finditer(pattern, path):
            year, month, day = (int(g) for g in match.groups())
            if valid(year, month, day):
                found.append((DateValue(f"{year:04d}-{month:02d}-{day:02d}", "day"), match.group().strip("/-_")))
    if found:
        return found
    match = re.search(r"/((?:19|20)\d\d)/([a-z]{3,9})/(\d\d?)(?=/)", path, re.IGNORECASE)  # /2019/nov/18/
    if match and MONTHS.get(match.group(2).lower()) and valid(int(match.group(1)), MONTHS[match.group(2).lower()],
                                                                int(match.group(3))):
        iso = f"{int(match.group(1)):04d}-{MONTHS[match.group(2).lower()]:02d}-{int(match.group(3)):02d}"
        return [(DateValue(iso, "day"), match.group().strip("/"))]
    match = re.search(r"/((?:19|20)\d\d)[/-](\d\d?)(?=/)", path)
    if match and valid(int(match.group(1)), int(match.group(2))):
        return [(DateValue(f"{int(match.group(1)):04d}-{int(match.group(2)):02d}", "month"), match.group().strip("/"))]
    match = re.search(r"/((?:19|20)\d\d)/(?!\d)", path)
    if match and valid(int(match.group(1)), 1):
        return [(DateValue(match.group(1), "year"), match.group().strip("/"))]
    return []


# News agencies: the services whose stories other outlets carry whole (not the photo agencies).
NEWS_AGENCIES = ("AP", "Associated Press", "AFP", "Agence France-Presse", "Reuters", "DPA", "Kyodo", "Kyodo News",
                 "Xinhua", "ANSA", "EFE", "IANS", "PTI", "ANI", "TASS", "ITAR-TASS", "RIA Novosti", "Interfax",
                 "Anadolu", "Anadolu Agency", "UPI", "Yonhap", "Bernama", "Antara", "AAP", "Canadian Press",
                 "Press Association", "PA", "NZPA", "Jiji", "Jiji Press", "Bloomberg", "KUNA", "WAFA", "MENA",
                 "SANA", "IRNA", "Sputnik", "APA", "CTK", "PAP", "Notimex", "Prensa Latina")
_AGENCY_NAMES = {name.lower() for name in NEWS_AGENCIES}


def news_agency(name: str) -> bool:
    """Whether a name is a news agency's ("Reuters", "Kyodo", "the Associated Press")."""
    return re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE).lower() in _AGENCY_NAMES


# A wire dateline says where a story was filed and through which agency, then a dash or the date:
# "KATHMANDU, Nepal (AP) -", "MOSCOW (Sputnik) -", "Christchurch (AFP) March 4, 2011", or a news
# agency's name alone: "Tokyo (Reuters) Prime Minister ...".
_WIRE_DATELINE = re.compile(
    r"^(?P<place>[A-Z][\w.'\u2019\-]*(?:\s+[A-Z][\w.'\u2019\-]*){0,3})(?:,\s*[A-Z][\w.'\u2019 ]{1,30}?)?\s*"
    r"\((?P<agency>[^()]{2,40})\)\s*(?P<dash>[-\u2013\u2014:])?")


@dataclass(frozen=True)
class WireDateline:
    agency: str
    text: str  # the dateline's words, up to the dash or through the date
    date: DateMention | None  # the date printed right after the agency, if any


def wire_dateline(text: str) -> WireDateline | None:
    """The wire dateline opening `text`, if it opens with one. A place in capitals needs the dash
    after it; a place in ordinary capitals needs the date right after the agency, or a news
    agency's name (otherwise "Boris Johnson (Conservative) - ..." would read as one)."""
    match = _WIRE_DATELINE.match(text)
    if not match:
        return None
    rest = text[match.end():]
    date = next((d for d in find_dates(rest[:40]) if d.start == 0), None)
    if date is not None:
        shifted = DateMention(date.iso, date.precision, date.text, match.end() + date.start, match.end() + date.end)
        return WireDateline(match.group("agency").strip(), text[:shifted.end], shifted)
    if match.group("dash") and match.group("place").isupper():
        return WireDateline(match.group("agency").strip(), text[:match.start("dash")].rstrip(), None)
    if news_agency(match.group("agency")) and re.match(r"\s*[A-Z\u201c\"]", rest):
        end = match.start("dash") if match.group("dash") else match.end()
        return WireDateline(match.group("agency").strip(), text[:end].rstrip(), None)
    return None
