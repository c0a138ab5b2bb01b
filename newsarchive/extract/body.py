"""Body: the article's paragraphs among the capture's lines.

A capture is the whole page as a reader copies it: navigation, the headline, the article broken
by captions, "Read more" teasers and "Don't miss" boxes, then related stories, comments and the
footer. The article is found in two steps:

1. The run of lines that holds it. Each line weighs for or against the article running through
   it, by its role (roles.py): a paragraph of prose for it, by its length; a menu item, caption
   or teaser against it, a little; a box heading ("Related articles") against it, more, and
   each further line of a stretch without prose more than the one before. The article is the
   run with the greatest weight, so it crosses a caption or a teaser box between two
   paragraphs but not the list of fifty headlines after the last one. A comment section's
   heading ends it outright.
2. The lines of that run that belong to the article: paragraphs, and headings that stand
   between paragraphs; not the captions, bylines, date stamps, teasers, box headings and the
   headlines listed after them, nor reader comments.
"""

from __future__ import annotations

from ..text import fold_for_search
from .layout import capture_lines
from .lines import comment_start, line_kind
from .prose import word_count
from .records import Body, Found, Line, Page, Registry
from .roles import DROPPED, POST_SIGNATURE, line_roles, name_shaped

# How much each kind of line weighs for the article running through it, per line (prose weighs
# its word count). A box marker costs as much as a short paragraph, so one box between two
# paragraphs is crossed; a list of headlines costs more than the article's tail is worth.
_WEIGHT = {"short": 1.0, "item": 1.0, "post": 1.0, "credit": 0.0, "byline": 0.0, "stamp": 0.0,
           "heading": -2.0, "caption": -3.0, "furniture": -4.0, "teaser": -4.0, "site": -4.0, "tags": -4.0,
           "truncated": -4.0, "repeated": -4.0, "commenter": -6.0, "notice": -8.0, "end": -12.0}
_LONG_SHARE = 0.5  # an unpunctuated long line (a tweet, a list item) is worth half its words
_STRETCH = 0.5  # each further line of a stretch without prose costs this much more than the one before
_STRETCH_CAP = 4.0  # ... up to this many times a single line
_PACKED_SHARE = 0.1  # what packed prose weighs where the article spaces its paragraphs
_OPENING = 6  # paragraphs that show how the article is laid out
_PROSE_BEFORE_COMMENTS = 80  # words of prose above a "Comments" heading that make it the comment section's
_COMMENTS_READ = 40  # lines below the run read to tell whether comments began inside it


def extract_body(page: Page, registry: Registry, done: dict) -> Found:
    lines = capture_lines(page.text)
    roles = line_roles(lines, [line_kind(line) for line in lines], registry.site_lines)
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
    posts = [i for i, line in enumerate(kept) if POST_SIGNATURE.match(line.text)]
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


def _weight(line: Line, role: str) -> float:
    if role == "comments":
        return float("-inf")
    if role == "prose":
        return float(word_count(line.text))
    if role == "long":
        return _LONG_SHARE * word_count(line.text)
    return _WEIGHT.get(role, -2.0)


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


def _caption_under_byline(lines: list[Line], roles: list[str], index: int) -> bool:
    """Whether the first sentence sits packed under a byline, apart from the paragraphs after it:
    the caption of the picture that heads the article ("William Cummings" / "Residents carry ...")."""
    above, line = lines[index - 1] if index else None, lines[index]
    after = next((lines[i] for i in range(index + 1, len(lines)) if roles[i] == "prose"), None)
    return above is not None and above.number == line.number - 1 and roles[index - 1] in ("byline", "heading") \
        and name_shaped(above.text) and after is not None and after.number > line.number + 1


def _article_lines(block: list[Line], roles: list[str]) -> tuple[list[Line], list[tuple[Line, str]]]:
    """The lines of the heaviest run that are the article's, and the others with the reason."""
    kept: list[Line] = []
    removed: list[tuple[Line, str]] = []
    in_box = False  # after a box heading, until the next paragraph: the box's headlines
    printed: set[str] = set()
    for line, role in zip(block, roles):
        if role in DROPPED:
            removed.append((line, DROPPED[role]))
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
