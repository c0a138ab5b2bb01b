"""Roles: what each capture line is to the article, for the body to weigh and keep.

A line's kind (lines.py) says how it reads: prose, a heading, furniture. Its role refines that
with what only the body needs to know: a caption and its credit, a teaser or the heading of a
box of other stories, a byline or date stamp, a comment section's heading, a commenter's name,
the site speaking of itself, a list the article announces, a line the site prints on its other
pages. Each role has one rule here, and DROPPED says why a line of that role is left out.
"""

from __future__ import annotations

import re
from typing import Mapping

from ..text import fold_for_search
from .layout import capture_lines
from .datetext import find_dates
from .lines import CAPTION, interface_only
from .prose import word_count, word_list
from .records import Line


def line_roles(lines: list[Line], kinds: list[str], printed_elsewhere: Mapping[str, int]) -> list[str]:
    """The role of each line, given its kind and how often the site's other captures print it."""
    seen: dict[str, int] = {}
    for line in lines:
        key = fold_for_search(line.text)
        seen[key] = seen.get(key, 0) + 1
    roles = [_role(line, kind, seen) for line, kind in zip(lines, kinds)]
    return _captioned(lines, _listed(lines, _site_furniture(lines, roles, printed_elsewhere)))


# A line opening with one of these sends the reader elsewhere ("READ MORE: Hong Kong ...").
_TEASER = re.compile(
    r"^(?:read (?:more|also|next)|see (?:more|also)|more|related|also read|also|watch|listen|"
    r"recommended|don'?t miss|click here|more on this|top stories|latest|popular|trending|"
    r"leia (?:mais|tamb[eé]m)|lesen sie auch|mehr zum thema|lee tambi[eé]n|l[ie]ggi anche|"
    r"(?:читайте|смотрите) также|baca juga)\b\s*(?:[:|\-\u2013\u2014>\u203a\u00bb]|$)", re.IGNORECASE)


# A photo credit closing a caption: "(Image: GETTY)", "Photo: Jane Doe/AP", "Omar Havana/Getty Images".
_PHOTO_CREDIT = re.compile(
    r"(?:\((?:image|photo|picture|pic|video|credit|source|foto|bild)s?\s*(?:[:/]|by)[^)]*\)\s*$|"
    r"\b(?:getty images|shutterstock|istock(?:photo)?|afp|reuters|ap photo|epa|alamy|pa wire|"
    r"bloomberg|(?:photo|image|picture)s? (?:by|courtesy|credit))\b[^.!?]{0,60}$|"
    r"^[A-Z][\w.'\- ]{1,40}/(?:AP|AFP|Reuters|Getty Images|EPA|Bloomberg|Shutterstock)\b.{0,30}$|"
    r"\s/\s?(?:AP|AFP|Reuters|Getty Images|EPA|Bloomberg|Shutterstock)(?: file| photo| images)?\s*$)",
    re.IGNORECASE)


_AGENCY = r"(?:AP|AFP|Reuters|Getty Images|EPA|Bloomberg|Shutterstock|Xinhua|Anadolu|PTI|ANI|IANS|PA)"


# A caption that says it is one, whatever its length: "FILE - In this May 20, 2011 file photo, ...",
# "... (AP Photo/Anja Niedringhaus)", and a credit line of its own under a caption: "Reuters/Carla Carniel".
_SURE_CAPTION = re.compile(
    r"^(?:FILE\s*[-\u2013\u2014:]|FILE PHOTO\b|(?:photo|image|picture|foto)s?\b\s*:?\s)|"
    r"\((?:[^()]{0,40}\b(?:photo|image|picture|foto|bild)s?\b[^()]{0,60}|" + _AGENCY + r"(?:\s*/[^()]{1,40})?)\)\s*$",
    re.IGNORECASE)


_CREDIT_LINE = re.compile(r"^" + _AGENCY + r"(?:\s+(?:photo|images))?\s*/\s*[A-Z][\w.' \-]{1,40}$|"
                          r"^[A-Z][\w.' \-]{1,40}\s*/\s*" + _AGENCY + r"(?:\s+(?:photo|file|images))?$",
                          re.IGNORECASE)


_BYLINE = re.compile(r"^(?:by|from|written by|words by|posted by|von|por|par|di|oleh|автор)\s+\S", re.IGNORECASE)


_STAMP = re.compile(r"^(?:published|posted|updated|last updated|modified|date)\b\s*(?:on\b)?\s*[:\-|]?\s*\w",
                    re.IGNORECASE)


# Headings of a comment section: nothing after them is the article's.
_COMMENTS = re.compile(
    r"^[\W\d]*(?:(?:\d+\s+)?(?:(?:top|most|best|all|latest|newest|reader|readers'?|user)\s+)*(?:rated\s+)?"
    r"(?:comments?|responses?|replies|reader comments|leave a (?:reply|comment)|"
    r"add (?:a|your) comment|post a comment|join the (?:discussion|conversation)|show comments|"
    r"view comments|comment on this (?:article|story))\b[\W\d]*$|"
    r"\d+\s+(?:comments?|responses?|replies|thoughts) (?:to|on)\b)", re.IGNORECASE)


# The signature under a post quoted from a social network: "— Jane Doe (@janedoe) November 18, 2019".
POST_SIGNATURE = re.compile(r"^[\u2014\u2013-]\s*.{1,80}\(@\w{1,30}\)\s+\w+\.? \d{1,2},? \d{4}$")


# The site asking its reader for something: tips, letters, donations.
_APPEAL = re.compile(r"\b(?:write|send|tell|contact|e-?mail|tip) (?:to )?(?:us|the newsroom|our newsroom)\b|"
                     r"\bstory for us\b|\bjoin our\b|\bsupport (?:us|our (?:journalism|work|reporting))\b|\bdonate\b",
                     re.IGNORECASE)


# A commenter's name line: "joetoronto says:", "Jane Doe wrote:".
_COMMENTER = re.compile(r"^\S.{0,40}\s(?:says|said|wrote|writes|replied)\s*:?$", re.IGNORECASE)


# A site's notice about itself: cookies, consent, subscriptions ("This website uses cookies ...").
_NOTICE = re.compile(r"\b(?:cookies?|consent|privacy (?:policy|settings)|personal data|opt[- ]out|"
                     r"ad ?blocker|subscri(?:be|ption)|newsletters?|sign up|log ?in|(?:news|email) alerts)\b", re.IGNORECASE)


_SITE_SPEAKS = re.compile(r"\b(?:this|our) (?:web)?site\b|\bwe use\b|\bby (?:continuing|using|clicking)\b|"
                          r"\byou (?:agree|accept|consent|can (?:change|opt|manage|unsubscribe))\b|"
                          r"\byour (?:browser|inbox|email address|experience)\b|\bdelivered (?:to you|daily|weekly|weekday|every)\b|"
                          r"^(?:get|sign up|subscribe|join|download)\b", re.IGNORECASE)


def _role(line: Line, kind: str, seen: dict[str, int]) -> str:
    """What a line is to the body: its kind, refined by the signals only the body uses."""
    text = line.text
    folded = fold_for_search(text)
    if _COMMENTS.match(text):
        return "comments"
    if POST_SIGNATURE.match(text):
        return "post"
    if kind in ("end", "credit", "tags", "truncated"):
        return kind
    if seen.get(folded, 0) > 1 and word_count(text) >= 2 and kind != "prose":
        return "repeated"  # menus, captions and teasers shown twice; paragraphs are printed once
    teaser = _TEASER.match(text)
    if teaser:  # "READ MORE: ..." leads to another story; "Don't miss" alone heads a box of them
        return "teaser" if text[teaser.end():].strip() else "end"
    if word_count(text) <= 8 and _COMMENTER.match(text):
        return "commenter"
    if _NOTICE.search(text) and _SITE_SPEAKS.search(text) or word_count(text) <= 30 and _APPEAL.search(text):
        return "notice"
    if _SURE_CAPTION.search(text) or _CREDIT_LINE.match(text) or \
            word_count(text) <= 40 and (CAPTION.search(text) or _PHOTO_CREDIT.search(text)):
        return "caption"
    if kind != "prose" and word_count(text) <= 12 and _BYLINE.match(text):
        return "byline"
    if kind != "prose" and word_count(text) <= 16 and _STAMP.match(text) or _date_line(text):
        return "stamp"
    if kind in ("heading", "short") and _is_box_marker(text):
        return "end"
    if kind in ("heading", "short") and interface_only(text):
        return "furniture"  # "View all (23)", "Share this": a button, not a heading of the article
    if kind == "prose" and word_count(text) <= 25 and _title_cased(text):
        return "heading"  # a headline ending in a question mark is still a headline
    return kind


_DATE_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "updated", "published",
               "posted", "last", "modified"}


def _date_line(text: str) -> bool:
    """A line that is a date and little else: "20 Nov 2019 08:00 GMT", "Tuesday, 19 November 2019"."""
    dates = find_dates(text)
    if not dates or len(text) > 60:
        return False
    rest = text
    for mention in dates:
        rest = rest.replace(mention.text, " ")
    others = [w for w in word_list(rest.lower()) if len(w) > 3 and w not in _DATE_WORDS]
    return word_count(rest) <= 5 and not others


def _title_cased(text: str) -> bool:
    longer = [w for w in word_list(text) if len(w) > 3]
    return len(longer) >= 4 and sum(1 for w in longer if w[0].isupper()) >= 0.8 * len(longer)


_LISTABLE = {"heading", "tags", "furniture", "long", "short", "stamp"}


def _listed(lines: list[Line], roles: list[str]) -> list[str]:
    """Roles with the items of a list the article announces ("Tour dates:") marked as its own.

    A line ending in a colon introduces what follows it: the lines set line against line
    under it are the list it announces, however little they read like prose.
    """
    result = list(roles)
    for index, line in enumerate(lines):
        if not line.text.endswith(":") or roles[index] not in ("prose", "short", "heading"):
            continue
        following = index + 1
        gap = 2  # the list may stand one blank line below the line announcing it, then line by line
        while following < len(lines) and lines[following].number <= lines[following - 1].number + gap \
                and roles[following] in _LISTABLE:
            gap = 1
            result[following] = "item"
            following += 1
    return result


def site_lines(captures: list[str]) -> dict[str, int]:
    """How many of the given captures (of one site) print each line, folded for search."""
    counts: dict[str, int] = {}
    for text in captures:
        for key in {fold_for_search(line.text) for line in capture_lines(text)}:
            counts[key] = counts.get(key, 0) + 1
    return counts


def _site_furniture(lines: list[Line], roles: list[str], printed_elsewhere: Mapping[str, int]) -> list[str]:
    """Roles with the site's own furniture marked: lines its other captures print too.

    A slogan, a newsletter box or a footer recurs on every page of a site; an article's
    paragraph does not, except in another version of the same story, so a paragraph is
    furniture only when two other pages print it.
    """
    if not printed_elsewhere:
        return roles
    result = list(roles)
    for index, line in enumerate(lines):
        pages = printed_elsewhere.get(fold_for_search(line.text), 0)
        if pages >= 2 or pages == 1 and roles[index] != "prose":
            if roles[index] not in ("comments", "end"):
                result[index] = "site"
    return result


def _captioned(lines: list[Line], roles: list[str]) -> list[str]:
    """Roles with the line just above a photo credit marked as the caption it credits."""
    result = list(roles)
    for index in range(1, len(lines)):
        if _CREDIT_LINE.match(lines[index].text) and lines[index].number - lines[index - 1].number <= 2 \
                and roles[index - 1] in ("prose", "short", "long", "heading"):
            result[index - 1] = "caption"
    return result


def _is_box_marker(text: str) -> bool:
    """A short line in capitals opening a box: "DON'T MISS", "MORE ON THIS STORY"."""
    letters = [c for c in text if c.isalpha()]
    return 2 <= len(text.split()) <= 4 and len(letters) >= 6 and all(c.isupper() for c in letters)


def name_shaped(text: str) -> bool:
    """Two to four capitalised words and nothing else: a person's name, as bylines print it."""
    words = text.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() and w.strip(".").isalpha() for w in words)


DROPPED = {"furniture": "page furniture inside the article", "credit": "credit line", "caption": "caption",
            "teaser": "teaser link", "byline": "byline", "stamp": "date stamp", "tags": "tag list",
            "truncated": "teaser (cut short)", "repeated": "printed more than once on the page",
            "end": "box heading (related, don't miss)", "commenter": "a commenter's name",
            "notice": "the site's notice about itself (cookies, subscriptions)",
            "site": "printed on the site's other archived pages too"}
