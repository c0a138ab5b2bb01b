"""Body: the article's paragraphs among the capture's lines."""

from __future__ import annotations

from .lines import comment_score, comment_start, line_kind
from .prose import clean_line, word_list
from .records import Body, Found, Line, Page, Registry


def extract_body(page: Page, registry: Registry, done: dict) -> Found:
    lines = [Line(n, clean_line(raw)) for n, raw in enumerate(page.text.splitlines(), 1)]
    lines = [line for line in lines if line.text]
    kinds = [line_kind(line) for line in lines]
    # The article is the run of lines, from prose to prose, holding the most words of prose.
    # Inside it a single short line, heading or bit of furniture may stand between paragraphs;
    # two non-prose lines in a row, or an end marker ("Related", "Comments"), close it.
    best, best_words = None, 0
    index = 0
    while index < len(lines):
        if kinds[index] != "prose":
            index += 1
            continue
        start, end, gap, total = index, index, 0, 0
        cursor = index
        while cursor < len(lines):
            kind = kinds[cursor]
            if kind == "prose":
                end, gap = cursor, 0
                total += len(word_list(lines[cursor].text))
            elif kind in ("end", "truncated", "tags"):
                break
            else:
                gap += 1
                if gap >= 2 and kind != "furniture":
                    break
            cursor += 1
        # A short closing paragraph ("Buisier added.") right after the last prose line belongs to it.
        while end + 1 < len(lines) and kinds[end + 1] == "short" and comment_score(lines[end + 1], []) < 1:
            end += 1
        if total > best_words:
            best, best_words = (start, end), total
        index = max(end + 1, index + 1)
    removed: list[tuple[Line, str]] = []
    if best is None:
        return Found(Body(None, (), (), tuple(lines), (), tuple((l, "no article text") for l in lines)),
                     "no paragraph of prose found in the capture", confident=False)
    start, end = best
    block = [(line, kind) for line, kind in zip(lines[start:end + 1], kinds[start:end + 1])]
    kept = []
    for line, kind in block:
        if kind in ("furniture", "credit"):
            removed.append((line, "page furniture inside the article" if kind == "furniture" else "credit line"))
        else:
            kept.append(line)
    cut = comment_start(kept)
    for line in kept[cut:]:
        removed.append((line, "reads like a reader comment"))
    kept = kept[:cut]
    while kept and kinds[lines.index(kept[-1])] not in ("prose", "short"):
        removed.append((kept.pop(), "heading after the last paragraph"))
    head, tail = lines[:start], lines[end + 1:]
    credits = tuple(l for l, k in zip(lines, kinds) if k == "credit")
    removed.extend((line, "above the article") for line in head if line not in credits)
    removed.extend((line, "below the article") for line in tail if line not in credits)
    removed.extend((line, "credit line") for line in credits if line in head or line in tail)
    body = Body(None, tuple(kept), credits, tuple(head), tuple(tail),
                tuple(sorted(removed, key=lambda r: r[0].number)))
    first, last = (kept[0].number, kept[-1].number) if kept else (0, 0)
    return Found(body, f"{len(kept)} paragraphs from lines {first}-{last}; "
                       f"{len(removed)} lines left out (chrome above, teasers, tags and comments below)",
                 confident=len(kept) >= 2)
