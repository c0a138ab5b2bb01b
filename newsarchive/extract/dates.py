"""Date: the publication date, its precision and its evidence.

Where a page states when it was published, most trustworthy first:

1. the address (`/2019/11/19/`, `/2019-11-19-`, `/2019/nov/19/`): the outlet's own filing day;
2. a labelled stamp in the lines around the headline ("Published April 25, 2015 12:08PM (EDT)",
   "Posted: Tue 19 Nov 2019", "Publish date: / Nov 18, 2019", "기사입력 : 2018-08-25");
3. a dateline with a year ("KATHMANDU, Nepal (AP) - April 26, 2015", "Christchurch (AFP) March 4,
   2011" on the line above the article);
4. an unlabelled stamp in the lines around the headline ("By Jane Doe - Nov 19, 2019, 10:31 pm
   CST", "| 26 April 2015 12:00 AM GMT"), taken only when it reads as a publishing system's
   stamp (a time of day beside it) or when the address's month or year confirms it: a bare date
   beside a byline is as often the day the piece was last edited;
5. the address's month or year alone;
6. an "Updated" stamp, when nothing else exists (marked for review: the piece may be older).

Never taken: a date bar at the very top of the page (the day the page was captured), dates in
captions, copyright lines, teasers of other stories and comments (none of them sit in the lines
around the headline), a date after the capture day, a date before the one the address shows.
When nothing is taken the evidence says what bounds the date.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from .datetext import (FOREIGN_MONTHS, MONTHS, WEEKDAY, DateMention, dates_in_address, find_dates, valid,
                       wire_dateline)
from .lines import CAPTION, line_kind
from .prose import masked, terminal, word_list
from .records import Body, DateValue, Found, Line, Page, Registry

# Words that label a stamp, in the languages the month names are read in.
_PUBLISHED = (r"first published|published(?: on| at)?|publish(?:ed)? date|posted(?: on| at)?|date|created|released|"
              r"publi\u00e9(?: le)?|publicado(?: em| el)?|publicada|pubblicato(?: il)?|ver\u00f6ffentlicht(?: am)?|"
              r"publiziert(?: am)?|erschienen(?: am)?|gepubliceerd(?: op)?|opublikowano|\u043e\u043f\u0443\u0431\u043b"
              r"\u0438\u043a\u043e\u0432\u0430\u043d\u043e|diterbitkan|dipublikasikan|yay\u0131nlanma|"
              r"\uae30\uc0ac\uc785\ub825|\uc785\ub825|\u6295\u7a3f\u65e5|\u516c\u958b\u65e5|\u767c\u5e03|\u53d1\u5e03")
_UPDATED = (r"last updated|updated(?: on| at)?|last modified(?: on)?|modified|edited|aktualisiert(?: am)?|"
            r"mis \u00e0 jour(?: le)?|actualizado|atualizado(?: em)?|aggiornato(?: il)?|\u043e\u0431\u043d\u043e\u0432"
            r"\u043b\u0435\u043d\u043e|diperbarui|\uc218\uc815|\u66f4\u65b0\u65e5")
_LABEL = re.compile(r"(?P<label>" + _PUBLISHED + "|" + _UPDATED + r")\b\s*[:\-\u2013|]?", re.IGNORECASE)
_IS_UPDATED = re.compile(r"^(?:" + _UPDATED + r")$", re.IGNORECASE)
_TIME = re.compile(r"(?<![\d.])\d{1,2}(?::|h)\d\d(?![\d.])|\b\d{1,2}\.\d\d\s*(?:am|pm|gmt|bst|utc|cet)\b|"
                   r"\b\d{1,2}\s*(?:am|pm)\b", re.IGNORECASE)
_COPYRIGHT = re.compile(r"\u00a9|\(c\)|\bcopyright\b|all rights reserved", re.IGNORECASE)
_RELATIVE_STAMP = re.compile(r"\b(?:ago|today|yesterday)\b", re.IGNORECASE)
# "Nov 19, 6:51 AM", "Posted Nov 18": a stamp without its year (the address may give it).
_NO_YEAR = re.compile(r"\b(?P<month>" + "|".join(sorted(map(re.escape, {**FOREIGN_MONTHS, **MONTHS}), key=len,
                                                          reverse=True)) + r")\.?\s+(?P<day>\d{1,2})\b(?!\s*,?\s*\d{4})",
                      re.IGNORECASE)
# A dateline opens the article: a place in capitals, maybe a region and an agency, then the date.
_DATELINE_HEAD = re.compile(r"^[A-Z][A-Z.'\- ]{2,40}(?:,\s*[A-Z][\w.' ]{1,30})?\s*(?:\([^)]{1,40}\))?\s*"
                            r"[-\u2013\u2014,:]?\s*$")
# ... or the date alone, set off by a dash, a slash or a bar: "May 8, 2010 \u2014 The volcanic ash
# cloud ...", "via / Sep 13, 2013 / A senior official ..." (a word of the page's furniture before it).
_DATE_DASH = re.compile(r"\s*(?:[-\u2013\u2014]+|[/|])\s")
_DATE_LEAD = re.compile(r"\s*(?:[A-Za-z]{1,12}\s*[/|\u2022\u00b7]\s*)?")
_DATELINE = re.compile(r"^(?P<place>[A-Z][A-Z.'\- ]{2,40}?)(?:\s*\([^)]{1,40}\))?\s*,\s*"
                       r"(?:(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})|(?P<day2>\d{1,2})\s+(?P<month2>[A-Za-z]{3,9}))"
                       r"(?:,?\s+(?P<year>(?:19|20)\d\d))?\b")
# A stamp closing a post: "Posted on May 20, 2019", "This entry was posted on ..." (not a
# sentence of the article that mentions when something was published).
_SIGNED_OFF = re.compile(r"^\W*(?:(?:first )?(?:published|posted)\b|this (?:entry|post|article|story|item) was "
                         r"(?:first )?(?:published|posted)\b)", re.IGNORECASE)
_BOX = re.compile(r"^\W*(?:related|more|read|see|also|leave a|comments?|\d+ comments?|share|tags?)\b", re.IGNORECASE)
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
    day0 = _dt.date.fromisoformat(anchor)
    notes = []
    for line in body.paragraphs:
        for match in _RELATIVE.finditer(masked(line.text)):  # outside quotations only
            if match.group("word"):
                notes.append(f"'{match.group()}' is most likely {day0 - _dt.timedelta(days=1)}.")
            else:
                weekday = list(calendar.day_name).index(match.group("day").capitalize())
                back = (day0.weekday() - weekday) % 7
                notes.append(f"'{match.group()}' is most likely {day0 - _dt.timedelta(days=back)}, the last "
                             f"{match.group('day').capitalize()} up to {anchor} (a page in another time zone, "
                             "or one updated later, may mean another).")
    return notes


# --- where stamps are read ---------------------------------------------------------------------

def _page_lines(page: Page) -> list[Line]:
    return [Line(n, raw.strip()) for n, raw in enumerate(page.text.splitlines(), 1) if raw.strip()]


def _meta_block(lines: list[Line], body: Body, title: Line | None) -> list[Line]:
    """The lines around the headline where a page prints its byline and stamps.

    From three lines above the headline down to the article's second sentence-shaped paragraph
    (at most twelve lines below the headline); without a headline, the eight lines above the
    first paragraph.
    """
    paragraphs = [p.number for p in body.paragraphs]
    # The article's sentences after its first paragraph end the block (a short stamp line the
    # body kept as a paragraph does not).
    prose = [p.number for p in body.paragraphs[1:] if len(word_list(p.text)) >= 10 and terminal(p.text)]
    if title is not None:
        top, bottom = title.number - 3, title.number + 12
        later = [n for n in prose if n > title.number]
        if later:
            bottom = min(bottom, later[0] - 1)
    elif paragraphs:
        top, bottom = paragraphs[0] - 8, paragraphs[0]
    else:
        return []
    return [line for line in lines if top <= line.number <= bottom and (title is None or line.number != title.number)]


def _not_a_stamp(line: Line) -> str | None:
    """Why the dates of a line are not the article's (a caption, a copyright line...)."""
    text = line.text
    if _COPYRIGHT.search(text):
        return "a copyright line"
    if CAPTION.search(text) or re.search(r"\b(?:photo|image|file|pictured|caption)\b", text, re.IGNORECASE):
        return "a caption"
    if re.match(r"^\s*[\u2014\u2013-]", text) or re.search(r"\(@\w+\)|\bpic\.twitter\.com", text):
        return "an embedded post's attribution"
    words = len(word_list(text))
    labelled = re.match(r"^\W*(?:" + _PUBLISHED + "|" + _UPDATED + r")\b", text, re.IGNORECASE) or \
        _SIGNED_OFF.match(text)
    if words > 30 or words >= 10 and terminal(text) and not labelled:
        return "a sentence of text"
    return None


def _labelled(text: str, mention: DateMention) -> str | None:
    """The label printed before a date on its line ("published", "updated"), or None."""
    label = None
    for match in _LABEL.finditer(text[:mention.start]):
        gap = text[match.end():mention.start]
        if len(word_list(gap)) <= 6:  # "Published 11:11 PM EST Nov 19, 2019", "Posted: Fri 6:45 PM, Feb 16, 2018"
            label = match.group("label")
    if label is None:
        return None
    return "updated" if _IS_UPDATED.match(label.lower()) or label.lower().startswith(("updated", "last")) \
        else "published"


def _with_year(text: str, year: int) -> list[DateMention]:
    """Dates printed without a year ("Posted Nov 18, 8:19 PM"), in a year given elsewhere."""
    found = []
    for match in _NO_YEAR.finditer(text):
        month = {**FOREIGN_MONTHS, **MONTHS}.get(match.group("month").lower())
        day = int(match.group("day"))
        if month and valid(year, month, day):
            found.append(DateMention(f"{year:04d}-{month:02d}-{day:02d}", "day", match.group(), match.start(),
                                     match.end()))
    return found


class _Stamp:
    def __init__(self, kind: str, mention: DateMention, line: Line, timed: bool, borrowed_year: bool = False):
        self.kind, self.mention, self.line, self.timed, self.borrowed_year = kind, mention, line, timed, borrowed_year


def _stamps(block: list[Line], address: DateValue | None) -> list[_Stamp]:
    result = []
    previous_label = None
    for line in block:
        if _not_a_stamp(line) or _RELATIVE_STAMP.search(line.text) and not find_dates(line.text):
            previous_label = None
            continue
        mentions = [m for m in find_dates(line.text) if m.precision == "day"]
        borrowed = False
        if not mentions and address is not None and len(address.iso) >= 7:
            mentions = [m for m in _with_year(line.text, int(address.iso[:4])) if m.iso.startswith(address.iso[:7])]
            borrowed = bool(mentions)
        for mention in mentions:
            kind = _labelled(line.text, mention) or previous_label or "plain"
            result.append(_Stamp(kind, mention, line, bool(_TIME.search(line.text)), borrowed))
        # "Publish date:" alone on a line labels the date on the next one.
        match = _LABEL.fullmatch(line.text.strip().rstrip(":").strip() + ":") if not mentions else None
        previous_label = None
        if match:
            previous_label = "updated" if _IS_UPDATED.match(match.group("label").lower()) else "published"
    return result


def _capture_day(lines: list[Line], title: Line | None) -> tuple[str, Line] | None:
    """A date bar at the very top of the page: the day the page was shown, so the latest possible date.

    A line among the page's first six that is a date and little else, either naming the weekday
    ("Tuesday, 4 August 2020 | Login") or standing well above the headline.
    """
    for line in lines[:6]:
        if title is not None and line.number >= title.number:
            break
        if _STORE_STAMP.match(line.text):
            continue  # the capture store's own record, not the page's
        mentions = [m for m in find_dates(line.text) if m.precision == "day"]
        if not mentions:
            continue
        rest = line.text
        for mention in mentions:
            rest = rest.replace(mention.text, " ")
        rest = re.sub(r"\b" + WEEKDAY + r"\b|\d{1,2}[:.]\d\d(?:\s*[ap]m)?", " ", rest, flags=re.IGNORECASE)
        letters = sum(1 for c in rest if c.isalpha())
        unspaced = re.search(r"[\u3040-\u30ff\u3400-\u9fff\u0e00-\u0e7f]", rest)
        if len(word_list(rest)) > 4 or letters > (8 if unspaced else 30):
            continue  # a line that says more than a date (a headline, a sentence) is no date bar
        if re.search(r"\b" + WEEKDAY + r"\b", line.text, re.IGNORECASE) or \
                title is None or line.number < title.number - 3:
            return mentions[0].iso, line
    return None


def _dateline(body: Body, address: DateValue | None) -> tuple[DateValue, str, bool] | None:
    """The date a dateline opening the article gives, its words and whether it is sure."""
    if not body.paragraphs:
        return None
    for line in body.opening():
        wire = wire_dateline(line.text)
        if wire is not None and wire.date is not None and wire.date.precision == "day":
            return DateValue(wire.date.iso, "day"), wire.text, True
    text = body.paragraphs[0].text
    for mention in find_dates(text[:120]):
        if mention.precision == "day" and (_DATELINE_HEAD.match(text[:mention.start])
                                           or _DATE_DASH.match(text, mention.end) and _DATE_LEAD.fullmatch(text[:mention.start])):
            return DateValue(mention.iso, "day"), text[:mention.end], True
    match = _DATELINE.match(text)
    if match:
        month_word = (match.group("month") or match.group("month2") or "").lower().rstrip(".")
        day = int(match.group("day") or match.group("day2"))
        month = MONTHS.get(month_word)
        year = match.group("year") or (address.iso[:4] if address is not None else None)
        if month and year and valid(int(year), month, day):
            return DateValue(f"{int(year):04d}-{month:02d}-{day:02d}", "day"), match.group(), bool(match.group("year"))
        if month:
            return DateValue(None, "unknown"), match.group(), False
    return None


# Offsets of the zones pages print beside a time ("10:31 pm CST", "7:04 pm ET", "09:01 AM IST").
_ZONES = {"utc": 0, "gmt": 0, "z": 0, "bst": 1, "cet": 1, "cest": 2, "eet": 2, "eest": 3, "msk": 3, "ist": 5.5,
          "pkt": 5, "wib": 7, "sgt": 8, "hkt": 8, "jst": 9, "kst": 9, "aest": 10, "aedt": 11, "nzst": 12, "nzdt": 13,
          "est": -5, "edt": -4, "et": -5, "cst": -6, "cdt": -5, "ct": -6, "mst": -7, "mdt": -6, "mt": -7,
          "pst": -8, "pdt": -7, "pt": -8}
_CLOCK = re.compile(r"(?<![\d.])(?P<h>\d{1,2})(?:[:.h](?P<m>\d\d))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)?\s*"
                    r"\(?(?P<zone>" + "|".join(sorted(_ZONES, key=len, reverse=True)) + r")\)?\b", re.IGNORECASE)


def _utc_note(stamp: "_Stamp") -> str:
    """When the stamp's time and zone put it on another day in UTC, say so (pages print local days)."""
    match = _CLOCK.search(stamp.line.text[stamp.mention.end:]) or _CLOCK.search(stamp.line.text[:stamp.mention.start])
    if not match or (match.group("m") is None and match.group("half") is None):
        return ""
    hour = int(match.group("h")) % 12 if match.group("half") else int(match.group("h"))
    if match.group("half") and match.group("half").lower().startswith("p"):
        hour += 12
    if hour > 23:
        return ""
    local = _dt.datetime.fromisoformat(stamp.mention.iso) + _dt.timedelta(hours=hour, minutes=int(match.group("m") or 0))
    utc = (local - _dt.timedelta(hours=_ZONES[match.group("zone").lower()])).date().isoformat()
    if utc == stamp.mention.iso:
        return ""
    return f" The page gives its local day; in UTC that is {_human(utc)}."


# Some capture stores write their own record of the page's date before its first line:
# " date 2023-08-27 New Delhi: ...". It agrees with the address wherever both exist, but it may
# be the day the page was updated or saved, so it is used only when the page says nothing
# better, and marked for review.
_STORE_STAMP = re.compile(r"^\s*date (?P<iso>(?:19|20)\d\d-\d\d(?:-\d\d)?)(?=\s|$)")


def _store_stamp(page: Page) -> DateValue | None:
    match = _STORE_STAMP.match(page.text)
    if not match:
        return None
    parts = [int(p) for p in match.group("iso").split("-")]
    if not valid(*parts):
        return None
    return DateValue(match.group("iso"), "day" if len(parts) == 3 else "month")


def _fits(iso: str, address: DateValue | None, capture: tuple[str, Line] | None) -> str | None:
    """Why a date cannot be the publication date (before the address's date, after the capture)."""
    if address is not None and address.iso:
        n = len(address.iso)
        if iso[:n] != address.iso:
            return f"it disagrees with the address ({address.iso})"
    if capture is not None and iso > capture[0]:
        return f"it is after the day the page was captured ({capture[0]})"
    return None


def extract_date(page: Page, registry: Registry, done: dict) -> Found:
    body: Body = done["body"].value
    title_found = done.get("title")
    title = title_found.line if title_found is not None else None
    title_sure = title_found is not None and title_found.confident
    lines = _page_lines(page)
    in_address = dates_in_address(page.url)
    address, address_part = (in_address[0] if in_address else (None, ""))
    capture = _capture_day(lines, title)
    block = [line for line in _meta_block(lines, body, title) if capture is None or line is not capture[1]]
    stamps = _stamps(block, address)
    # Below the article, a blog prints "This entry was posted on May 20, 2019 ..."; only such a
    # labelled stamp counts, on the last paragraph's line or one of the two right after it, before
    # any box of other stories or comments.
    below = list(body.paragraphs[-1:])  # the body may have kept the stamp as its last paragraph
    for line in [line for line in lines if body.paragraphs and line.number > body.paragraphs[-1].number][:2]:
        if line_kind(line) == "end" or _BOX.match(line.text):
            break
        below.append(line)
    below = [line for line in below if _SIGNED_OFF.match(line.text)]
    stamps += [s for s in _stamps(below, address) if s.kind == "published"]
    notes: list[str] = []
    value, evidence, sure = None, "", True

    def usable(stamp: _Stamp) -> bool:
        why = _fits(stamp.mention.iso, address, capture)
        if why:
            notes.append(f"The stamp \"{stamp.line.text}\" (line {stamp.line.number}) is not used: {why}.")
        return why is None

    published = [s for s in stamps if s.kind == "published"]
    plain = [s for s in stamps if s.kind == "plain"]
    updated = [s for s in stamps if s.kind == "updated"]
    dateline = _dateline(body, address)

    if address is not None and address.precision == "day":
        value, evidence = address, f"The address carries the date ({address_part}: {address.iso})."
        agreeing = [s for s in stamps if s.kind != "updated" and s.mention.iso == address.iso]
        if agreeing:
            notes.append(f"The stamp \"{agreeing[0].line.text}\" (line {agreeing[0].line.number}) agrees.")
        elif published:
            notes.append(f"The stamp \"{published[0].line.text}\" (line {published[0].line.number}) says "
                         f"{_human(published[0].mention.iso)}; the address is preferred.")
    if value is None:
        for stamp in published:
            if usable(stamp):
                value = DateValue(stamp.mention.iso, "day")
                evidence = f"The page's stamp \"{stamp.line.text}\" (line {stamp.line.number})"
                evidence += f", in the year the address gives ({address_part})." if stamp.borrowed_year else "."
                evidence += _utc_note(stamp)
                break
    if value is None and dateline is not None and dateline[0].iso and dateline[2]:
        if _fits(dateline[0].iso, address, capture) is None:
            value, evidence = dateline[0], f"The dateline \"{dateline[1]}\"."
    if value is None:
        for stamp in plain:
            confirmed = address is not None and stamp.mention.iso.startswith(address.iso)
            # A date alone on the line under the headline is the page's date line.
            alone = title is not None and 0 < stamp.line.number - title.number <= 2 and \
                len(word_list(stamp.line.text)) - len(word_list(stamp.mention.text)) <= 1
            if not (confirmed or stamp.timed or alone):
                if len(word_list(stamp.line.text)) <= 12:
                        notes.append(f"The date under the headline (\"{stamp.line.text}\", line {stamp.line.number}) "
                                 "has no label and no time of day; it may be the day the piece was last edited, "
                                 "so it is not used.")
                continue
            first = body.paragraphs[0].number if body.paragraphs else 0
            if not (title_sure or 0 <= first - stamp.line.number <= 12):
                continue  # the headline is in doubt, and so is the block of lines around it
            if usable(stamp):
                value = DateValue(stamp.mention.iso, "day")
                evidence = f"The stamp under the headline: \"{stamp.line.text}\" (line {stamp.line.number})"
                evidence += f"; the address agrees ({address_part})." if confirmed else "."
                evidence += _utc_note(stamp)
                sure = confirmed or (stamp.timed and title is not None and 0 < stamp.line.number - title.number <= 3)
                break
    if value is None and dateline is not None and dateline[0].iso and not dateline[2]:
        value = dateline[0]
        evidence = f"The dateline \"{dateline[1]}\", in the year the address gives ({address_part})."
        sure = False
    store = _store_stamp(page)
    if value is None and store is not None:
        why = _fits(store.iso + ("-01" if store.precision == "month" else ""), address, capture) \
            if store.precision == "day" or address is None or address.precision == "year" else \
            (None if store.iso.startswith(address.iso) or address.iso.startswith(store.iso) else "it disagrees")
        if why is None and (address is None or len(store.iso) >= len(address.iso)):
            value = store
            evidence = (f"Only the capture's own stamp \" date {store.iso}\" before the first line; it may be the "
                        "day the page was last updated or saved rather than published.")
            if address is not None:
                evidence += f" The address agrees ({address_part})."
            sure = False
        elif why:
            notes.append(f"The capture's own stamp \" date {store.iso}\" is not used: {why}.")
    if value is None and address is not None:
        value, evidence = address, f"The address carries the {address.precision} ({address_part})."
    if value is None:
        for stamp in updated:
            if usable(stamp):
                value = DateValue(stamp.mention.iso, "day")
                evidence = (f"Only an update stamp: \"{stamp.line.text}\" (line {stamp.line.number}); "
                            "the article may first have appeared earlier.")
                sure = False
                break
    if capture is not None:
        day, line = capture
        if value is not None and value.iso and day.startswith(value.iso):
            notes.append(f"The date bar at the top of the page (\"{line.text}\", line {line.number}) agrees.")
        else:
            notes.append(f"The date printed at the top of the page (\"{line.text}\", line {line.number}) looks "
                         "like a date bar, which shows the day the page was captured; it is not used.")
    if value is None and dateline is not None and dateline[0].iso is None:
        notes.append(f"The dateline \"{dateline[1]}\" gives no year.")
    if value is None:
        value = DateValue(None, "unknown")
        evidence = "Neither the address nor the capture gives a publication date."
        sure = True
        if capture is not None:
            notes.append(f"It is no later than {_human(capture[0])}, the day the page was captured.")
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
