"""Dates as pages print them, and as addresses carry them."""

from __future__ import annotations

import calendar
import re
from .records import DateValue
from dataclasses import dataclass
from urllib.parse import urlsplit


# --- dates --------------------------------------------------------------------------------

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>\d\d)-(?P<day>\d\d)\b"),
    re.compile(r"\b(?P<day>\d{1,2})\.(?P<mnum>\d{1,2})\.(?P<year>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b",
               re.IGNORECASE),
    re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE),
    re.compile(r"\b" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE),
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


def find_dates(text: str) -> list[DateMention]:
    """Full dates (day or month precision) printed in `text`, left to right, not overlapping."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            parts = match.groupdict()
            month = int(parts["mnum"]) if parts.get("mnum") else MONTHS.get((parts.get("month") or "").lower())
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
    ]
    for pattern in day_patterns:
        for match in re.finditer(pattern, path):
            year, month, day = (int(g) for g in match.groups())
            if valid(year, month, day):
                found.append((DateValue(f"{year:04d}-{month:02d}-{day:02d}", "day"), match.group().strip("/-_")))
    if found:
        return found
    match = re.search(r"/((?:19|20)\d\d)[/-](\d\d?)(?=/)", path)
    if match and valid(int(match.group(1)), int(match.group(2))):
        return [(DateValue(f"{int(match.group(1)):04d}-{int(match.group(2)):02d}", "month"), match.group().strip("/"))]
    match = re.search(r"/((?:19|20)\d\d)/(?!\d)", path)
    if match and valid(int(match.group(1)), 1):
        return [(DateValue(match.group(1), "year"), match.group().strip("/"))]
    return []
