"""Lay out the home page's timeline: the articles on a time axis, one row per publisher.

Pure geometry; templates/_timeline.html draws it as inline SVG. Dates are drawn only as
precisely as they are known: a day is a dot, a month or a year is a bar across its span, and
undated articles stand apart in their own column instead of being given a made-up date.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .dependencies import SiteView

WIDTH = 960
LABEL_WIDTH = 150  # publisher names
UNDATED_WIDTH = 120  # the "date unknown" column at the right
ROW_HEIGHT = 30
TOP = 34  # room for the year labels
BOTTOM = 12
# An archive larger than this draws its newest articles only: the home page of 100,000
# articles would otherwise weigh hundreds of megabytes, and a mark per article stops being
# readable long before that. The pages by date list them all.
MOST_MARKS = 500
MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Mark:
    slug: str
    title: str
    label: str  # what a screen reader hears: title, outlet, date
    shape: str  # "dot" (day), "bar" (month or year), "undated"
    x: float
    x2: float  # end of a bar; equals x for dots
    y: float


@dataclass(frozen=True)
class Link:
    copy: str
    original: str
    path: str  # SVG path data from the copy to the original


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    major: bool


@dataclass(frozen=True)
class Row:
    source_id: str
    name: str
    y: float


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    rows: tuple[Row, ...]
    marks: tuple[Mark, ...]
    links: tuple[Link, ...]
    ticks: tuple[Tick, ...]
    axis_start: float
    axis_end: float
    undated_x: float
    summary: str
    drawn: int  # articles drawn: the newest MOST_MARKS when the archive has more
    articles: int  # articles in the archive


def _day(iso: str) -> _dt.date:
    return _dt.date.fromisoformat(iso)


def layout(site: SiteView, human_date, most: int | None = None) -> Timeline:
    everything = site.articles  # newest first, undated last
    shown = everything[:MOST_MARKS if most is None else most]
    publishers = sorted({a.publisher for a in shown}, key=lambda s: site.source[s].name.casefold())
    rows = tuple(Row(s, site.source[s].name, TOP + ROW_HEIGHT * (i + 0.5)) for i, s in enumerate(publishers))
    row_y = {row.source_id: row.y for row in rows}
    dated = [a for a in shown if a.date.known]
    axis_start, axis_end = LABEL_WIDTH + 10, WIDTH - UNDATED_WIDTH - 10
    ticks: list[Tick] = []
    if dated:
        first = min(_day(a.date.bounds()[0]) for a in dated)
        last = max(_clamp_end(a.date.bounds()[1]) for a in dated)
        # Articles of less than a year (the newest of a large archive, often) are drawn on an
        # axis of months; others on one of whole years.
        by_month = (last.year - first.year) * 12 + last.month - first.month < 12
        start = _dt.date(first.year, first.month if by_month else 1, 1)
        end = _next_month(last) if by_month else _dt.date(last.year + 1, 1, 1)
        span = (end - start).days

        def x_of(day: _dt.date) -> float:
            return round(axis_start + (axis_end - axis_start) * (day - start).days / span, 1)

        if by_month:
            month = start
            while month <= end:
                # The last line closes the axis: it carries no label. A month is named with its
                # year where the axis starts and where a year begins.
                name = MONTH_ABBREVIATIONS[month.month - 1]
                label = "" if month == end else f"{name} {month.year}" if month == start or month.month == 1 else name
                ticks.append(Tick(x_of(month), label, True))
                month = _next_month(month)
        else:
            for year in range(start.year, end.year + 1):
                # The last line closes the axis; its year has no articles, so it carries no label.
                ticks.append(Tick(x_of(_dt.date(year, 1, 1)), str(year) if year < end.year else "", True))
                if end.year - start.year <= 3 and year < end.year:
                    for month in (4, 7, 10):
                        ticks.append(Tick(x_of(_dt.date(year, month, 1)), "", False))
    undated_x = WIDTH - UNDATED_WIDTH + 10
    marks = []
    undated_seen: dict[str, int] = {}
    for article in sorted(shown, key=lambda a: a.slug):
        y = row_y[article.publisher]
        label = f"{article.title}, {site.source[article.publisher].name}, {human_date(article.date)}"
        if article.date.known:
            low, high = article.date.bounds()
            if article.date.precision == "day":
                x = x_of(_day(low))
                marks.append(Mark(article.slug, article.title, label, "dot", x, x, y))
            else:
                marks.append(Mark(article.slug, article.title, label, "bar", x_of(_day(low)),
                                  x_of(_clamp_end(high) + _dt.timedelta(days=1)), y))
        else:
            n = undated_seen.get(article.publisher, 0)
            undated_seen[article.publisher] = n + 1
            x = undated_x + 14 + (n % 6) * 16
            marks.append(Mark(article.slug, article.title, label, "undated", x, x, y))
    centre = {m.slug: ((m.x + m.x2) / 2, m.y) for m in marks}
    links = []
    # The relations of the articles drawn, by their pairs alone (Site.originals_of), in the
    # relations' order: not every relation, nor their passages, which a text edit moves.
    pairs = sorted((slug, original) for slug in centre for original in site.originals_of.get(slug, ()))
    for copy, original in pairs:
        if original not in centre:
            continue  # the original is not drawn
        (x1, y1), (x2, y2) = centre[copy], centre[original]
        bend = min(60.0, abs(x2 - x1) / 4 + 12)
        links.append(Link(copy, original,
                          f"M{x1:.1f},{y1:.1f} C{x1:.1f},{y1 - bend:.1f} {x2:.1f},{y2 - bend:.1f} {x2:.1f},{y2:.1f}"))
    height = int(TOP + ROW_HEIGHT * max(1, len(rows)) + BOTTOM)
    years = sorted({a.date.iso[:4] for a in dated})
    undated = len(shown) - len(dated)
    whole = len(shown) == len(everything)
    summary = ((f"Timeline of {len(shown)} articles" if whole else
                f"Timeline of the newest {len(shown)} of {len(everything)} articles")
               + f" from {len(rows)} outlets"
               + (f", {years[0]} to {years[-1]}" if years else "")
               + f"; {undated} with unknown dates shown apart; {len(links)} reprint link"
               + ("" if len(links) == 1 else "s") + ". The pages by date list every article with its date.")
    return Timeline(WIDTH, height, rows, tuple(marks), tuple(links), tuple(ticks),
                    axis_start, axis_end, undated_x, summary, len(shown), len(everything))


def _next_month(day: _dt.date) -> _dt.date:
    """The first day of the month after `day`'s."""
    return _dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _clamp_end(iso: str) -> _dt.date:
    """The last day of a span; month spans are written as day 31, so fold back into the month."""
    year, month, day = (int(part) for part in iso.split("-"))
    while True:
        try:
            return _dt.date(year, month, day)
        except ValueError:
            day -= 1
