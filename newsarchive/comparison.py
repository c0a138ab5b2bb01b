"""The side-by-side view of one reprint relation that its comparison page shows: both texts, the
shared passages aligned word by word, and the text only one side has."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .model import Passage
from .text import words


@dataclass(frozen=True)
class Piece:
    """A stretch of one side's text: "same" (copied as is), "replaced", "inserted" (only in
    the copy), "deleted" (only in the original), "gap" (spacing and punctuation between words)
    or "only" (text outside every shared passage)."""

    kind: str
    text: str
    other: str = ""  # for "replaced": what stands in its place on the other side


@dataclass(frozen=True)
class Row:
    """One line of the side-by-side view: a shared passage, or the text that follows one."""

    passage: int | None  # number of the passage in the copy's order; None for unshared text
    original_order: int | None  # the passage's number in the original's order
    copy: tuple[tuple[Piece, ...], ...]  # paragraphs of pieces
    original: tuple[tuple[Piece, ...], ...]


@dataclass(frozen=True)
class Comparison:
    rows: tuple[Row, ...]
    replaced: int  # word-level edits inside the shared passages, by kind
    inserted: int
    deleted: int

    @property
    def edits(self) -> int:
        return self.replaced + self.inserted + self.deleted


def compare(copy_text: str, original_text: str, passages: Iterable[Passage]) -> Comparison:
    """The two texts side by side: shared passages aligned word by word, and the text only one
    side has placed after the passage it follows (in that side's own order)."""
    passages = sorted(passages, key=lambda p: (p.copy_start, p.original_start))
    copy_words = [(s, e, w) for w, s, e in words(copy_text)]
    original_words = [(s, e, w) for w, s, e in words(original_text)]
    by_original = sorted(range(len(passages)), key=lambda k: passages[k].original_start)
    rank = {k: n + 1 for n, k in enumerate(by_original)}

    # Text of the original outside every passage, each stretch placed after the passage that
    # precedes it in the original (stretches before the first passage open the comparison).
    after: dict[int | None, list[tuple[int, int]]] = defaultdict(list)
    previous, reached = None, 0
    for k in by_original:
        p = passages[k]
        if p.original_start > reached:
            after[previous].append((reached, p.original_start))
        if p.original_end > reached:
            previous, reached = k, p.original_end
    if reached < len(original_text):
        after[previous].append((reached, len(original_text)))

    def unshared(text: str, stretches) -> tuple[tuple[Piece, ...], ...]:
        blocks = [block.strip() for lo, hi in stretches for block in text[lo:hi].split("\n\n")]
        return tuple((Piece("only", block),) for block in blocks if re.search(r"\w", block))

    rows, counts = [], {"replaced": 0, "inserted": 0, "deleted": 0}
    copy_reached = 0
    for k in [None, *range(len(passages))]:
        if k is not None:
            p = passages[k]
            copy_side, original_side = _aligned_pieces(copy_text, original_text, copy_words,
                                                       original_words, p, counts)
            rows.append(Row(k + 1, rank[k], (copy_side,), (original_side,)))
            copy_reached = max(copy_reached, p.copy_end)
        copy_next = passages[k + 1].copy_start if k is not None and k + 1 < len(passages) else (
            passages[0].copy_start if k is None and passages else len(copy_text))
        copy_only = unshared(copy_text, [(copy_reached, copy_next)] if copy_next > copy_reached else [])
        original_only = unshared(original_text, after.get(k, []))
        if copy_only or original_only:
            rows.append(Row(None, None, copy_only, original_only))
    return Comparison(tuple(rows), counts["replaced"], counts["inserted"], counts["deleted"])


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in the punctuation between a passage and its paragraph's edges (quote marks, a
    full stop), so that the passage reads as written; words stay outside."""
    opening = text.rfind("\n\n", 0, start)
    opening = 0 if opening < 0 else opening + 2
    closing = text.find("\n\n", end)
    closing = len(text) if closing < 0 else closing
    if not re.search(r"\w", text[opening:start]):
        start = opening
    if not re.search(r"\w", text[end:closing]):
        end = closing
    return start, end


def _aligned_pieces(copy_text, original_text, copy_words, original_words, p: Passage, counts):
    """The word-by-word alignment of one passage, as the pieces of each side."""
    copy_start, copy_end = _widen(copy_text, p.copy_start, p.copy_end)
    original_start, original_end = _widen(original_text, p.original_start, p.original_end)
    cw = [w for w in copy_words if w[0] >= copy_start and w[1] <= copy_end]
    ow = [w for w in original_words if w[0] >= original_start and w[1] <= original_end]
    matcher = difflib.SequenceMatcher(None, [w[2] for w in cw], [w[2] for w in ow], autojunk=False)
    copy_side: list[Piece] = []
    original_side: list[Piece] = []

    def add(side: list[Piece], text: str, spans, lo: int, hi: int, kind: str, other: str = "") -> None:
        if lo == hi:
            return
        if spans[lo][0] > side_end[id(side)]:  # what lies before or between words
            side.append(Piece("gap", text[side_end[id(side)]:spans[lo][0]]))
        side.append(Piece(kind, text[spans[lo][0]:spans[hi - 1][1]], other))
        side_end[id(side)] = spans[hi - 1][1]

    side_end = {id(copy_side): copy_start, id(original_side): original_start}
    for tag, c_lo, c_hi, o_lo, o_hi in matcher.get_opcodes():
        copy_part = copy_text[cw[c_lo][0]:cw[c_hi - 1][1]] if c_hi > c_lo else ""
        original_part = original_text[ow[o_lo][0]:ow[o_hi - 1][1]] if o_hi > o_lo else ""
        if tag == "equal":
            add(copy_side, copy_text, cw, c_lo, c_hi, "same")
            add(original_side, original_text, ow, o_lo, o_hi, "same")
        elif tag == "replace":
            counts["replaced"] += 1
            add(copy_side, copy_text, cw, c_lo, c_hi, "replaced", original_part)
            add(original_side, original_text, ow, o_lo, o_hi, "replaced", copy_part)
        elif tag == "delete":  # words of the copy the original does not have
            counts["inserted"] += 1
            add(copy_side, copy_text, cw, c_lo, c_hi, "inserted")
        else:  # words of the original the copy left out
            counts["deleted"] += 1
            add(original_side, original_text, ow, o_lo, o_hi, "deleted")
    for side, text, end in ((copy_side, copy_text, copy_end), (original_side, original_text, original_end)):
        if side_end[id(side)] < end:  # punctuation after the last word
            side.append(Piece("gap", text[side_end[id(side)]:end]))
    return tuple(copy_side), tuple(original_side)
