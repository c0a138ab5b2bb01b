"""The shared line classifier: what kind of line each capture line is (prose, heading, furniture...)."""

from __future__ import annotations

import re
from collections import deque
from ..text import fold_for_search
from .datetext import DATE_ONLY, MONTHS, WEEKDAY
from .prose import CLOSERS, QUOTES, masked, terminal, truncated, word_count, word_list
from .records import Line


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
CAPTION = re.compile(r"\((?:left|right|center|centre|top|bottom|above|below|file|pictured)\)|"
                      r"\b(?:photo|image|picture|file photo|illustration)\s*(?::|by|credit|\u00a9)", re.IGNORECASE)
_CREDIT = re.compile(
    r"^(?:originally (?:appeared|published|posted|ran)|first (?:appeared|published)|"
    r"this (?:article|story|piece|report) (?:was |is |has been )?(?:first |originally )?"
    r"(?:published|appeared|posted|republished|reprinted|produced|translated|adapted)|translated (?:by|from)|"
    r"edited by|written by|republished|reprinted|source:|courtesy of)|"
    r"\b(?:originally (?:appeared|published|posted) (?:at|in|on|by)|translated by)\b", re.IGNORECASE)
# "First published on November 19, 2019" is a date stamp, not a credit to another outlet.
_CREDITS_A_DAY = re.compile(r"^(?:first |originally )?(?:published|posted|appeared)\s+(?:on\s+)?(?:"
                            + WEEKDAY + r"|" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r"|\d)",
                            re.IGNORECASE)
_BREADCRUMB = re.compile(r"\S\s+(?:/|>|\u203a|\u00bb|\|)\s+\S.*\S\s+(?:/|>|\u203a|\u00bb|\|)\s+\S")


def _is_tag_list(text: str) -> bool:
    """A comma-separated run of short items with no sentence in it (a page's tag list)."""
    if terminal(text):
        return False
    items = [i.strip() for i in text.split(",") if i.strip()]
    return len(items) >= 2 and all(len(word_list(i)) <= 5 for i in items)


def line_kind(line: Line) -> str:
    """The shape of one line: prose, short, heading, long (unpunctuated), furniture or end."""
    text = line.text
    count = word_count(text)
    if count <= 8 and _END_MARKERS.match(text):
        return "end"
    if (count <= 8 or count <= 14 and not terminal(text)) and _FURNITURE.search(text):
        return "furniture"
    if DATE_ONLY.match(text) or count <= 15 and _BREADCRUMB.search(text):
        return "furniture"
    if _CREDIT.search(text) and count <= 40 and not _CREDITS_A_DAY.search(text):
        return "credit"
    if truncated(text):
        return "truncated"
    if terminal(text):
        return "prose" if count >= 10 else "short"
    if count > 20:
        return "long"
    if _is_tag_list(text):
        return "tags"
    return "heading"


# Words of page interface: buttons, counters, navigation. A line made of them is chrome.
INTERFACE_WORDS = {
    "save", "saved", "story", "share", "shares", "sharing", "options", "option", "all", "previous",
    "next", "prev", "min", "mins", "minute", "minutes", "read", "reading", "time", "close", "open",
    "menu", "print", "email", "comments", "comment", "subscribe", "login", "log", "sign", "in", "up",
    "search", "more", "show", "hide", "toggle", "navigation", "skip", "to", "content", "main", "back",
    "top", "home", "follow", "us", "like", "tweet", "pin", "copy", "link", "url", "copied", "view",
    "gallery", "photos", "video", "videos", "listen", "watch", "play", "audio", "article", "full",
    "screen", "page", "of", "facebook", "twitter", "linkedin", "whatsapp", "reddit", "pinterest",
    "flipboard", "mix", "on", "this", "text", "size", "font", "zoom", "a", "the", "for", "new",
    "expand", "collapse", "loading", "continue", "below", "above", "advertisement", "ad", "ads",
    "sponsored", "selected", "cancel", "submit", "send", "tips", "contact", "feedback", "rss", "alerts",
    "live", "now", "latest", "breaking", "news", "your", "my", "account", "profile"}


def interface_only(text: str) -> bool:
    """A line of interface words and counts alone: "View all (23)", "Save Story", "5 Min Read"."""
    words = [w.casefold() for w in word_list(text)]
    return bool(words) and all(w in INTERFACE_WORDS or w.isdigit() for w in words)



_PRONOUN_FIRST = re.compile(r"\b(?:I|I'm|I've|I'd|me|my|we|We|us|our|Our|you|You|your|Your)\b")
_REPORTING = re.compile(r"\b(?:said|says|told|according to|reported|stated|noted|added|announced)\b", re.IGNORECASE)


def comment_score(line: Line, earlier: list[str]) -> float:
    """How much a line reads like a reader's comment rather than reporting (about -2 to 3)."""
    text = line.text
    outside = masked(text)
    score = 0.0
    if _PRONOUN_FIRST.search(outside):
        score += 1
    if text[:1].islower():
        score += 1
    folded = fold_for_search(text)
    if len(folded.split()) >= 4 and any(folded in e or e in folded for e in earlier if len(e.split()) >= 4):
        score += 1
    if not terminal(text) and len(word_list(text)) >= 4:
        score += 0.5
    if text.rstrip(CLOSERS + " ").endswith(("?", "!", "\u2026", "...")):
        score += 0.5
    if len(word_list(text)) < 6:
        score += 0.5
    if any(q in text for q in QUOTES):
        score -= 1
    if _REPORTING.search(outside):
        score -= 1
    return score


_QUOTED_WITHIN = 50  # a comment repeats a line this close above it (and long pages stay fast)


def comment_start(block: list[Line]) -> int:
    """Index in `block` where reader comments begin (len(block) when there are none).

    Comments follow the article: from some line on, most lines read like comments (first and
    second person outside quotes, lowercase starts, repeats of earlier lines, no reporting),
    while the article above does not.
    """
    if len(block) < 3:
        return len(block)
    scores, earlier = [], deque(maxlen=_QUOTED_WITHIN)
    for line in block:
        scores.append(comment_score(line, list(earlier)))
        earlier.append(fold_for_search(line.text))
    best = len(block)
    for start in range(len(block) - 1, 1, -1):
        tail = scores[start:]
        before = scores[:start]
        # One last line is weak evidence ("... key to our understanding of ..."): it must read clearly so.
        least = 1.5 if len(tail) == 1 else 1
        if scores[start] >= least and sum(tail) / len(tail) >= 0.75 and sum(before) / len(before) <= 0.25:
            best = start
    return best
