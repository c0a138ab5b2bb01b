"""Capture text -> lines, whatever the layout it was saved in.

A reader's copy of a page has one line per paragraph, but captures also come hard-wrapped at a
fixed width (mail, terminal tools, some archives), with Windows line ends, or with no blank
lines at all. Every field module reads the lines this gives, so a paragraph broken over
several lines by a wrapper is one line here; its number is the capture line it starts on and
its text is the capture's words joined by single spaces (still findable in the capture once
white space is folded).
"""

from __future__ import annotations

import re

from .prose import clean_line
from .records import Line

_MIN_WRAPPED_LINES = 6  # a wrapper is recognised only on a run of lines this long


def capture_lines(text: str) -> list[Line]:
    """The capture's non-empty lines, cleaned, with hard-wrapped paragraphs joined."""
    lines = [Line(number, clean_line(raw)) for number, raw in enumerate(text.splitlines(), 1)]
    lines = _stamp_apart([line for line in lines if line.text])
    width = wrap_width(lines)
    return _unwrap(lines, width) if width else lines


# Some capture tools write the day they saved the page before its first line: " date 2023-08-27 ...".
_SAVED_STAMP = re.compile(r"^(date \d{4}-\d\d(?:-\d\d)?)\s+(\S.*)$")


def _stamp_apart(lines: list[Line]) -> list[Line]:
    """The lines, with a saving tool's date stamp on the first line set apart as a line of its own."""
    if lines and (match := _SAVED_STAMP.match(lines[0].text)):
        return [Line(lines[0].number, match.group(1)), Line(lines[0].number, match.group(2)), *lines[1:]]
    return lines


def wrap_width(lines: list[Line]) -> int | None:
    """The width a wrapper broke the text at, or None when lines were not wrapped.

    A wrapper fills each line up to a width and breaks before the word that would pass it, so
    most long lines end within a word's length of one width, and none passes it. Lines of a
    page copied by a reader vary freely in length: one paragraph may be 40 characters, the
    next 900.
    """
    lengths = [len(line.text) for line in lines]
    if len(lengths) < _MIN_WRAPPED_LINES:
        return None
    width = max(lengths)
    if width < 40 or width > 120:
        return None
    near = sum(1 for n in lengths if n >= width - 16)
    return width if near >= 0.5 * len(lengths) and near >= _MIN_WRAPPED_LINES else None


def _unwrap(lines: list[Line], width: int) -> list[Line]:
    """Joins each line with the next while the break was the wrapper's, not the writer's.

    The wrapper broke a line only when the next word did not fit: a line that would still
    have had room for the next line's first word ended its paragraph.
    """
    joined: list[Line] = []
    current: Line | None = None
    current_tail, last_number = "", 0  # the last capture line joined into `current`
    for line in lines:
        if current is not None:
            first_word = line.text.split(" ", 1)[0]
            adjacent = line.number == last_number + 1
            if adjacent and len(current_tail) + 1 + len(first_word) > width:
                current = Line(current.number, current.text + " " + line.text)
                current_tail, last_number = line.text, line.number
                continue
            joined.append(current)
        current, current_tail, last_number = line, line.text, line.number
    if current is not None:
        joined.append(current)
    return joined

