"""Synthetic news archives with known reprint relations, for measuring reprint detection.

An archive is a set of stories. Each story has one original article and none or a few copies
made from it by other outlets:

- full copies, partial copies (some paragraphs, possibly reordered, possibly with paragraphs
  of their own) and edited copies (up to 10% of the words replaced, dropped or added);
- copies dated after the original, copies that say where they come from ("reported X",
  "Originally posted at", front matter `original`) when dates do not tell, same-day partial
  copies (their direction shows in containment), and same-day full copies with nothing to
  tell them apart from the original (the truth is then "same text");
- typography is the outlet's: half of them set straight quotes where the text had curly
  ones, and some copies put no-break spaces where the original had plain ones.

Every original is on a topic shared with about 40 other originals, and articles on a topic
use the same names and titles ("the Government of National Accord (GNA)"-like phrases of 2 to
12 words), stock phrases from a corpus-wide list, and their outlet's footer: same-topic
articles that are not copies share many short stretches of text.

The words are synthetic (syllable strings with a Zipf-like frequency, under common English
function words), so the archive costs nothing to ship and is the same on every machine for a
given seed. `make_archive` returns the articles, the outlets and the true relations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from newsarchive.model import Article, Original, PubDate, Source

FUNCTION_WORDS = (
    "the of and to in a that said for on is was with by as it at from his he be has have are "
    "were an which not this but they its who had their would also been after more will two "
    "government new one over when against there could about all out up into than some them "
    "military officials forces minister president talks country people week year told").split()
SYLLABLES = ("ka ro mi ta ve lo sa dri ne bu qo ha zi el an or us ti pe fa go mu li kor "
             "vin tal mar sen dov rik pol nas ber gal tor").split()
SUFFIXES = ("Herald", "Times", "News", "Post", "Express", "Agency", "Daily", "Observer", "Tribune", "Wire")
TOPIC_SIZE = 40  # originals per topic
WORDS = 30_000  # vocabulary size


@dataclass(frozen=True)
class Synthetic:
    articles: list[Article]
    sources: dict[str, Source]
    truth: set[tuple[str, str, str]]  # (copy, original, kind); same-text pairs in slug order


def same_text_key(a: str, b: str) -> tuple[str, str, str]:
    first, second = sorted((a, b))
    return second, first, "same-text"


class _Maker:
    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.vocab = self._vocabulary()
        ranks = np.arange(len(self.vocab), dtype=np.float64)
        weights = 1.0 / (ranks + 2.7) ** 1.05
        self.cumulative = np.cumsum(weights / weights.sum())

    def _vocabulary(self) -> list[str]:
        seen, words = set(FUNCTION_WORDS), list(FUNCTION_WORDS)
        while len(words) < WORDS:
            count = int(self.rng.integers(1, 5))
            word = "".join(SYLLABLES[k] for k in self.rng.integers(0, len(SYLLABLES), count))
            if word not in seen and len(word) > 1:
                seen.add(word)
                words.append(word)
        return words

    def word_ids(self, count: int) -> np.ndarray:
        return np.searchsorted(self.cumulative, self.rng.random(count))

    def name(self) -> str:
        return self.vocab[int(self.rng.integers(500, WORDS))].capitalize()

    def entity(self) -> list[str]:
        """A name or title of 2 to 12 words, as the articles of one topic write it."""
        kind = int(self.rng.integers(0, 6))
        first, last, place, thing = self.name(), self.name(), self.name(), self.name()
        acronym = (thing[:1] + place[:1] + last[:1]).upper()
        phrase = [
            f"{first} {last}",
            f"the {place} National {thing} ({acronym})",
            f"the Government of National {thing} of {place}",
            f"the {place} National Army headed by {first} {last}",
            f"Head of the {place} Contact Group for intra-{thing} settlement {first} {last}",
            f"{place}’s Minister of Foreign Affairs {first} {last}",
        ][kind]
        return phrase.split()

    def sentence(self, length: int, topic: list[list[str]], stock: list[list[str]]) -> list[str]:
        tokens = [self.vocab[k] for k in self.word_ids(length).tolist()]
        roll = self.rng.random()
        if roll < 0.55:  # names and titles of the topic, often more than once per paragraph
            at = int(self.rng.integers(0, len(tokens) + 1))
            tokens[at:at] = topic[int(self.rng.integers(0, len(topic)))]
        elif roll < 0.65:
            at = int(self.rng.integers(0, len(tokens) + 1))
            tokens[at:at] = stock[int(self.rng.integers(0, len(stock)))]
        tokens[0] = tokens[0][:1].upper() + tokens[0][1:]
        tokens[-1] += "."
        if self.rng.random() < 0.15:  # a quotation, typeset with curly quotes
            tokens[0], tokens[-1] = "“" + tokens[0], tokens[-1] + "”"
        return tokens

    def paragraph(self, topic, stock) -> list[str]:
        tokens: list[str] = []
        target = int(self.rng.integers(60, 110))
        while len(tokens) < target:
            tokens += self.sentence(int(self.rng.integers(10, 24)), topic, stock)
        return tokens

    def edit(self, paragraphs: list[list[str]], rate: float) -> list[list[str]]:
        """Replace, drop or add about `rate` of the words, at random places."""
        edited = []
        for tokens in paragraphs:
            out = []
            for token in tokens:
                if self.rng.random() >= rate:
                    out.append(token)
                    continue
                op = self.rng.random()
                if op < 0.5:
                    out.append(self.vocab[int(self.word_ids(1)[0])])
                elif op < 0.75:
                    out += [token, self.vocab[int(self.word_ids(1)[0])]]
            edited.append(out or tokens[:1])
        return edited


def _day(start: dt.date, offset: int) -> str:
    return (start + dt.timedelta(days=offset)).isoformat()


def _article(slug: str, tokens: list[list[str]], date: PubDate, publisher: str, footer: str | None,
             original: Original | None = None, straight: bool = False, nbsp: bool = False) -> Article:
    paragraphs = [" ".join(p) for p in tokens]
    if footer:
        paragraphs.append(footer)
    if straight:
        paragraphs = [p.replace("’", "'").replace("“", '"').replace("”", '"') for p in paragraphs]
    if nbsp:
        paragraphs = [p.replace(" the ", "\u00a0the ") for p in paragraphs]
    # body is left empty: detection reads only the paragraphs, and the corpus stays small.
    return Article(slug=slug, path=Path(f"{slug}.md"), title=slug, url=f"https://example.org/{slug}",
                   capture=f"captures/{slug}.txt", date=date, publisher=publisher, original=original,
                   credit="", people=(), claims=(), reprint_of=(), not_reprint_of=(), body="",
                   paragraphs=tuple(paragraphs))


def make_archive(count: int, seed: int = 1) -> Synthetic:
    m = _Maker(seed)
    rng = m.rng
    outlets = max(20, count // 300)
    sources = {}
    footers = {}
    straight = set()  # outlets that typeset straight quotes
    for k in range(outlets):
        name = f"{m.name()} {SUFFIXES[k % len(SUFFIXES)]}"
        sid = f"outlet-{k}"
        sources[sid] = Source(sid, name, (f"outlet{k}.example",), "website")
        if rng.random() < 0.5:
            footers[sid] = f"Follow {name} for more news on the region and beyond, every day of the week."
        if rng.random() < 0.5:
            straight.add(sid)
    ids = sorted(sources)
    stock = [m.sentence(int(rng.integers(6, 9)), [[]], [[]])[:-1] for _ in range(150)]
    topics = [[m.entity() for _ in range(8)] for _ in range(max(1, count // (TOPIC_SIZE * 2)))]
    start = dt.date(2015, 1, 1)

    articles: list[Article] = []
    truth: set[tuple[str, str, str]] = set()
    story = 0
    while len(articles) < count:
        story += 1
        topic = topics[int(rng.integers(0, len(topics)))]
        body = [m.paragraph(topic, stock) for _ in range(int(rng.integers(4, 10)))]
        publisher = ids[int(rng.integers(0, len(ids)))]
        offset = int(rng.integers(0, 2500))
        roll = rng.random()
        if roll < 0.9:
            date = PubDate(_day(start, offset), "day", "synthetic")
        elif roll < 0.95:
            date = PubDate(_day(start, offset)[:7], "month", "synthetic")
        else:
            date = PubDate(None, "unknown", "synthetic")
        slug = f"s{story}-original"
        articles.append(_article(slug, body, date, publisher, footers.get(publisher),
                                 straight=publisher in straight))
        copies = int(rng.choice([0, 1, 2, 3, 4], p=[0.55, 0.2, 0.13, 0.08, 0.04]))
        copies = min(copies, count - len(articles))
        for c in range(copies):
            copy_slug = f"s{story}-copy{c}"
            copier = ids[int(rng.integers(0, len(ids)))]
            while copier == publisher:
                copier = ids[int(rng.integers(0, len(ids)))]
            scenario = rng.choice(["later", "credited", "same-day-partial", "same-day-full"],
                                  p=[0.6, 0.2, 0.1, 0.1])
            if scenario == "same-day-full" and (copies > 1 or date.precision != "day"):
                scenario = "later"
            if scenario == "later" and date.precision != "day":
                scenario = "credited"
            if scenario == "same-day-partial" and date.precision != "day":
                scenario = "credited"
            kept = list(range(len(body)))
            own: list[list[str]] = []
            rate = 0.0
            shape = rng.random()
            if scenario == "same-day-full":
                rate = float(rng.uniform(0, 0.05))
            elif scenario == "same-day-partial":
                kept = sorted(rng.choice(len(body), size=max(2, len(body) * 2 // 5), replace=False).tolist())
                rate = float(rng.uniform(0, 0.1))
            elif shape < 0.3:  # full copy
                rate = float(rng.uniform(0, 0.03))
            else:  # partial and edited: paragraphs dropped, reordered, own ones added
                share = float(rng.uniform(0.4, 1.0))
                kept = sorted(rng.choice(len(body), size=max(2, round(len(body) * share)), replace=False).tolist())
                if rng.random() < 0.4:
                    rng.shuffle(kept)
                if rng.random() < 0.4:
                    own = [m.paragraph(topic, stock) for _ in range(int(rng.integers(1, 3)))]
                rate = float(rng.uniform(0, 0.1))
            tokens = m.edit([body[k] for k in kept], rate) + own
            original = None
            if scenario == "later":
                when = PubDate(_day(start, offset + int(rng.integers(1, 6))), "day", "synthetic")
            elif scenario == "credited":
                when = [date, PubDate(None, "unknown", "synthetic"),
                        PubDate((date.iso or _day(start, offset))[:7], "month", "synthetic")][int(rng.integers(0, 3))]
                how = rng.random()
                name = sources[publisher].name
                if how < 0.4:
                    original = Original(publisher, None, "reprint", f"reported {name}")
                elif how < 0.7:
                    tokens[0] = tokens[0][:-1] + [tokens[0][-1].rstrip(".") + ",", "reported", *name.split()]
                    tokens[0][-1] += "."
                else:
                    tokens.append(["Originally", "posted", "at", sources[publisher].domains[0] + "."])
            else:
                when = date
            articles.append(_article(copy_slug, tokens, when, copier, footers.get(copier), original,
                                     straight=copier in straight, nbsp=bool(rng.random() < 0.2)))
            truth.add(same_text_key(copy_slug, slug) if scenario == "same-day-full"
                      else (copy_slug, slug, "copy"))
    return Synthetic(articles, sources, truth)
