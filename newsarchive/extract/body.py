"""Body: the article's paragraphs among the capture's lines.

A capture is the whole page as a reader copies it: navigation, the headline, the article broken
by captions, "Read more" teasers and "Don't miss" boxes, then related stories, comments and the
footer. The article is found in two steps:

1. The run of lines that holds it. Each line weighs for or against the article running through
   it: a paragraph of prose for it, by its length; a menu item, caption or teaser against it, a
   little; a box marker ("Related articles") against it, more. The article is the run with the
   greatest weight, so it crosses a caption or a teaser box between two paragraphs but not the
   list of fifty headlines after the last one. A comment section's heading ends it outright.
2. The lines of that run that belong to the article: paragraphs, and headings that stand
   between paragraphs; not the captions, bylines, date stamps, teasers, box markers and the
   headlines listed after them, nor reader comments.
"""

from __future__ import annotations

import re
from typing import Mapping

from ..text import fold_for_search
from .layout import capture_lines
from .lines import CAPTION, comment_start, line_kind
from .prose import word_count, word_list
from .records import Body, Found, Line, Page, Registry

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
_POST_SIGNATURE = re.compile(r"^[\u2014\u2013-]\s*.{1,80}\(@\w{1,30}\)\s+\w+\.? \d{1,2},? \d{4}$")
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

# How much each kind of line weighs for the article running through it, per line (prose weighs
# its word count). A box marker costs as much as a short paragraph, so one box between two
# paragraphs is crossed; a list of headlines costs more than the article's tail is worth.
_WEIGHT = {"short": 1.0, "item": 1.0, "post": 1.0, "credit": 0.0, "byline": 0.0, "stamp": 0.0, "heading": -2.0, "furniture": -4.0,
           "caption": -3.0, "teaser": -4.0, "site": -4.0, "commenter": -6.0, "notice": -8.0, "tags": -4.0, "truncated": -4.0, "repeated": -4.0, "end": -12.0}
_LONG_SHARE = 0.5  # an unpunctuated long line (a tweet, a list item) is worth half its words


def _role(line: Line, kind: str, seen: dict[str, int]) -> str:
    """What a line is to the body: its kind, refined by the signals only the body uses."""
    text = line.text
    folded = fold_for_search(text)
    if _COMMENTS.match(text):
        return "comments"
    if _POST_SIGNATURE.match(text):
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
    if kind != "prose" and word_count(text) <= 16 and _STAMP.match(text):
        return "stamp"
    if kind in ("heading", "short") and _is_box_marker(text):
        return "end"
    if kind == "prose" and word_count(text) <= 25 and _title_cased(text):
        return "heading"  # a headline ending in a question mark is still a headline
    return kind


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


def _weight(line: Line, role: str) -> float:
    if role == "comments":
        return float("-inf")
    if role == "prose":
        return float(word_count(line.text))
    if role == "long":
        return _LONG_SHARE * word_count(line.text)
    return _WEIGHT.get(role, -2.0)


def _opening(lines: list[Line], roles: list[str], run: tuple[int, int]) -> tuple[int, int]:
    """The run, starting where the article does.

    The article opens with a paragraph, not with a caption or a menu above it. An unpunctuated
    long sentence just above the first paragraph is its lead ("GENEVA (AP) — The head of ...
    shape") or standfirst, and opens it.
    """
    start, end = run
    while start < end and roles[start] != "prose":
        start += 1
    if start + 1 <= end and _caption_under_byline(lines, roles, start):
        start += 1
        while start < end and roles[start] != "prose":
            start += 1
    while start > 0 and roles[start - 1] == "long":
        start -= 1
    return start, end


def _name_shaped(text: str) -> bool:
    """Two to four capitalised words and nothing else: a person's name, as bylines print it."""
    words = text.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() and w.strip(".").isalpha() for w in words)


def _caption_under_byline(lines: list[Line], roles: list[str], index: int) -> bool:
    """Whether the first sentence sits packed under a byline, apart from the paragraphs after it:
    the caption of the picture that heads the article ("William Cummings" / "Residents carry ...")."""
    above, line = lines[index - 1] if index else None, lines[index]
    after = next((lines[i] for i in range(index + 1, len(lines)) if roles[i] == "prose"), None)
    return above is not None and above.number == line.number - 1 and roles[index - 1] in ("byline", "heading") \
        and _name_shaped(above.text) and after is not None and after.number > line.number + 1


_PACKED_SHARE = 0.1
_COMMENTS_READ = 40  # lines below the run read to tell whether comments began inside it
_OPENING = 6  # paragraphs that show how the article is laid out
_PROSE_BEFORE_COMMENTS = 80  # words of prose above a "Comments" heading that make it the comment section's


def _comment_section(lines: list[Line], roles: list[str]) -> int | None:
    """Index of the heading that opens the comment section below the article, if any.

    A "Comments" line among the menus above the article is a link, not the section: the
    section's heading comes after the article's prose.
    """
    words = 0
    for index, (line, role) in enumerate(zip(lines, roles)):
        if role == "comments" and words >= _PROSE_BEFORE_COMMENTS:
            return index
        if role == "prose":
            words += word_count(line.text)
    return None


def _packed(lines: list[Line]) -> list[bool]:
    """For each line, whether it touches another line above and below with no blank line between."""
    numbers = [line.number for line in lines]
    result = []
    for index, number in enumerate(numbers):
        above = index > 0 and numbers[index - 1] == number - 1
        below = index + 1 < len(numbers) and numbers[index + 1] == number + 1
        result.append(above or below)
    return result


def _spaced_paragraphs(lines: list[Line], roles: list[str], run: tuple[int, int]) -> bool:
    """Whether the article sets its paragraphs apart with blank lines (as a reader's copy of
    paragraph markup does), judged on the opening paragraphs of the heaviest run."""
    packed = _packed(lines)
    opening = [i for i in range(run[0], run[1] + 1) if roles[i] == "prose"][:_OPENING]
    return len(opening) >= 3 and sum(1 for i in opening if not packed[i]) >= 0.66 * len(opening)


_STRETCH_CAP = 4.0
_STRETCH = 0.5  # each further line of a stretch without prose costs this much more than the one before


def _stretch_costs(weights: list[float]) -> list[float]:
    """Weights with a growing cost along each stretch of lines that argue against the article.

    A caption or a teaser box of two or three lines between paragraphs is part of reading an
    article; twenty lines of names and links in a row are the page around it, and crossing
    them costs far more than twenty times one line.
    """
    result, stretch = [], 0
    for weight in weights:
        if weight < 0:
            stretch += 1
            result.append(weight * min(1 + _STRETCH * (stretch - 1), _STRETCH_CAP))
        else:
            stretch = 0 if weight > 1 else stretch
            result.append(weight)
    return result


def _heaviest_run(weights: list[float]) -> tuple[int, int] | None:
    """(first, last) index of the contiguous run of lines with the greatest total weight."""
    best, best_total = None, 0.0
    start, total = 0, 0.0
    for index, weight in enumerate(weights):
        if total <= 0:
            start, total = index, 0.0
        total += weight
        if total > best_total:
            best, best_total = (start, index), total
    return best


def extract_body(page: Page, registry: Registry, done: dict) -> Found:
    lines = capture_lines(page.text)
    kinds = [line_kind(line) for line in lines]
    seen: dict[str, int] = {}
    for line in lines:
        key = fold_for_search(line.text)
        seen[key] = seen.get(key, 0) + 1
    roles = [_role(line, kind, seen) for line, kind in zip(lines, kinds)]
    roles = _captioned(lines, _listed(lines, _site_furniture(lines, roles, registry.site_lines)))
    weights = [_weight(line, role) for line, role in zip(lines, roles)]
    comments = _comment_section(lines, roles)
    if comments is not None:  # nothing below a comment section's heading is the article
        weights[comments:] = [float("-inf")] * (len(weights) - comments)
    weights = _stretch_costs(weights)
    run = _heaviest_run(weights)
    if run is not None and _spaced_paragraphs(lines, roles, run):
        # The article sets its paragraphs apart with blank lines; prose packed line against line
        # is a list of teasers with their summaries, which weighs much less.
        packed = _packed(lines)
        weights = [w * _PACKED_SHARE if packed[i] and w > 0 else w for i, w in enumerate(weights)]
        run = _heaviest_run(_stretch_costs(weights))
    if run is None or not any(roles[i] == "prose" for i in range(run[0], run[1] + 1)):
        return Found(Body(None, (), (), tuple(lines), (), tuple((l, "no article text") for l in lines)),
                     "no paragraph of prose found in the capture", confident=False)
    start, end = _opening(lines, roles, run)
    kept, removed = _article_lines(lines[start:end + 1], roles[start:end + 1])
    # Comments run on below the article to the end of the page: judge them with what follows.
    after = [line for line, role in zip(lines[end + 1:], roles[end + 1:]) if role in ("prose", "short")]
    cut = min(comment_start(kept + after[:_COMMENTS_READ]), len(kept))
    posts = [i for i, line in enumerate(kept) if _POST_SIGNATURE.match(line.text)]
    if posts:  # a post the article quotes reads like a comment, but its signature says what it is
        cut = max(cut, posts[-1] + 1)
    removed.extend((line, "reads like a reader comment") for line in kept[cut:])
    kept = kept[:cut]
    while kept and roles[lines.index(kept[-1])] not in ("prose", "short", "item", "post"):
        removed.append((kept.pop(), "heading after the last paragraph"))
    head, tail = lines[:start], lines[end + 1:]
    credits = tuple(line for line, role in zip(lines, roles) if role == "credit")
    removed.extend((line, "above the article") for line in head if line not in credits)
    removed.extend((line, "below the article") for line in tail if line not in credits)
    removed.extend((line, "credit line") for line in credits if line in head or line in tail)
    body = Body(None, tuple(kept), credits, tuple(head), tuple(tail),
                tuple(sorted(removed, key=lambda r: r[0].number)))
    first, last = (kept[0].number, kept[-1].number) if kept else (0, 0)
    return Found(body, f"{len(kept)} paragraphs from lines {first}-{last}; "
                       f"{len(removed)} lines left out (chrome above, captions and teasers inside, "
                       f"related stories and comments below)",
                 confident=len(kept) >= 2)


_DROPPED = {"furniture": "page furniture inside the article", "credit": "credit line", "caption": "caption",
            "teaser": "teaser link", "byline": "byline", "stamp": "date stamp", "tags": "tag list",
            "truncated": "teaser (cut short)", "repeated": "printed more than once on the page",
            "end": "box heading (related, don't miss)", "commenter": "a commenter's name",
            "notice": "the site's notice about itself (cookies, subscriptions)",
            "site": "printed on the site's other archived pages too"}


def _article_lines(block: list[Line], roles: list[str]) -> tuple[list[Line], list[tuple[Line, str]]]:
    """The lines of the heaviest run that are the article's, and the others with the reason."""
    kept: list[Line] = []
    removed: list[tuple[Line, str]] = []
    in_box = False  # after a box heading, until the next paragraph: the box's headlines
    printed: set[str] = set()
    for line, role in zip(block, roles):
        if role in _DROPPED:
            removed.append((line, _DROPPED[role]))
            in_box = in_box or role == "end"
            continue
        if role == "prose":
            in_box = False
            key = fold_for_search(line.text)
            if key in printed:
                removed.append((line, "printed more than once on the page"))
                continue
            printed.add(key)
        elif in_box:
            removed.append((line, "headline in a box of other stories"))
            continue
        kept.append(line)
    return kept, removed
