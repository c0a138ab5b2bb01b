"""Date: the publication date, its precision and its evidence."""

from __future__ import annotations

import calendar
import re
from .datetext import MONTHS, WEEKDAY, dates_in_address, find_dates, valid
from .lines import line_kind
from .prose import masked, word_list
from .records import Body, DateValue, Found, Page, Registry


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
        for match in _RELATIVE.finditer(masked(line.text)):  # outside quotations only
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
                  if d.precision == "day" and len(word_list(line.text)) - len(word_list(d.text)) <= 6]
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
            if month_word in MONTHS:
                dateline = (match.group(), MONTHS[month_word], day, match.group("year"))
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
        if valid(year, dateline[1], dateline[2]):
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
        bar = re.search(WEEKDAY, line.text, re.IGNORECASE) or line_kind(line) == "furniture" and \
            len(word_list(line.text)) > len(word_list(mention.text))
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
        relative = [m.group() for line in body.paragraphs for m in _RELATIVE.finditer(masked(line.text))]
        if relative:
            notes.append(f"\"{relative[0]}\" cannot be placed without a dated anchor.")
    elif value.precision == "day":
        notes.extend(_resolve_relative(body, value.iso)[:3])
    return Found(value, " ".join([evidence, *notes]).strip(), confident=sure)
