"""Title: the headline above the article, or the address's words."""

from __future__ import annotations

import re
from .datetext import find_dates
from .lines import CAPTION, line_kind
from .prose import name_tokens, sentences, word_list
from .records import Body, Found, Page, Registry
from urllib.parse import urlsplit


# --- title --------------------------------------------------------------------------------

def _slug_words(url: str) -> list[str]:
    path = urlsplit(url).path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    last = re.sub(r"\.(?:html?|php|aspx?)$", "", last)
    return [w for w in re.split(r"[-_+]", last.lower()) if w.isalpha()]


def _title_case_share(text: str) -> float:
    content = [w for w in word_list(text) if len(w) > 3]
    if not content:
        return 0.0
    return sum(1 for w in content if w[0].isupper()) / len(content)


def extract_title(page: Page, registry: Registry, done: dict) -> Found:
    body: Body = done["body"].value
    slug = set(_slug_words(page.url))
    first_line = body.paragraphs[0].number if body.paragraphs else 10 ** 9
    candidates = [l for l in body.head if line_kind(l) in ("heading", "short", "long") and not CAPTION.search(l.text)
                  and not any(d.precision == "day" for d in find_dates(l.text)) and 2 <= len(word_list(l.text)) <= 30]
    scored = []
    for position, line in enumerate(reversed(candidates)):
        tokens = {t for t, _, _ in name_tokens(line.text)}
        overlap = len(slug & tokens) / len(slug) if slug else 0.0
        repeated = sum(1 for other in body.head if line.text in other.text and other is not line)
        score = 3 * overlap + 1 / (1 + position) + _title_case_share(line.text) + 0.5 * min(repeated, 1)
        if len(word_list(line.text)) > 20:
            score -= 1
        scored.append((score, -line.number, line, overlap))
    if scored:
        score, _, line, overlap = max(scored, key=lambda s: (s[0], s[1]))
        where = "the first line of the capture" if line.number == lines_first(page) else f"line {line.number}"
        sure = overlap >= 0.5 or (len(candidates) == 1 and first_line - line.number <= 3)
        why = f"headline: {where}, above the first paragraph"
        if slug:
            why += f"; shares {overlap:.0%} of the address's words"
        return Found(line.text, why, confident=sure, line=line)
    if slug:
        text = _title_from_slug(_slug_words(page.url), body)
        return Found(text, "the capture has no headline; taken from the page's address", confident=False)
    sentence = body.paragraphs[0].text if body.paragraphs else "Untitled capture"
    span = sentences(sentence)[0] if sentences(sentence) else (0, len(sentence))
    return Found(sentence[span[0]:span[1]], "no headline and no words in the address; first sentence",
                 confident=False)


def lines_first(page: Page) -> int:
    for number, raw in enumerate(page.text.splitlines(), 1):
        if raw.strip():
            return number
    return 0


def _title_from_slug(slug_words: list[str], body: Body) -> str:
    """Words of the address, each cased as the article writes it away from a sentence start."""
    casing: dict[str, dict[str, int]] = {}
    for line in body.paragraphs:
        for start, end in sentences(line.text):
            for position, word in enumerate(word_list(line.text[start:end])):
                if position:
                    casing.setdefault(word.lower(), {}).setdefault(word, 0)
                    casing[word.lower()][word] += 1
    result = []
    for word in slug_words:
        seen = casing.get(word)
        result.append(max(seen.items(), key=lambda kv: (kv[1], kv[0]))[0] if seen else word)
    if result:
        result[0] = result[0][:1].upper() + result[0][1:]
    return " ".join(result)
