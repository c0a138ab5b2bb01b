"""Original and credit: the outlet or article a text says it reprints or translates."""

from __future__ import annotations

import dataclasses
import re

from ..text import words
from .datetext import news_agency, wire_dateline
from .claims import LEADING
from .outlet import guess_kind, host_of, looks_like_outlet, resolve_outlet, source_for_domain, source_of_domain, unique_id
from .prose import compact, slugify
from .records import Body, Found, NewSource, OriginalValue, Page, Registry


# --- original or attribution --------------------------------------------------------------

_NAME = r"(?P<name>(?:[A-Z][\w&'\u2019-]*|[A-Z]{2,})(?:\s+(?:of\s+|de\s+|al-|el-)?[A-Z][\w&'\u2019-]*){0,4})"
_STRONG = [
    re.compile(r"\b(?i:(?:originally|first)\s+(?:appeared|published|posted|ran)\s+(?:at|in|on|by)\s+(?:the\s+)?)"
               + _NAME),
    re.compile(r"\b(?i:(?:republished|reprinted)\s+(?:from|with (?:the )?permission (?:of|from))\s+(?:the\s+)?)"
               + _NAME),
    re.compile(r"\b(?i:translated\s+from\s+(?:the\s+)?)(?:[A-Z][a-z]+\s+)?(?i:(?:original\s+)?(?:article\s+)?"
               r"(?:in|at|by|of|published by|published in)\s+(?:the\s+)?)" + _NAME),
    re.compile(r"^(?i:(?:source|courtesy of)\s*:?\s+(?:the\s+)?)" + _NAME),
]
# Attributions name where a report came from. Someone who "told the X" spoke to X's reporter, so
# the text around it was written by X wherever it stands. "Reported X", "according to X" in the
# lead mean the news item is X's report; further down they source one fact ("..., the Press
# Association reported", "said one legal expert, as reported by the Independent"), not the text,
# unless the archive holds an article of X whose passages this text shares.
_INTERVIEWED = [re.compile(r"\btold\s+the\s+" + _NAME)]
_WEAK = [
    re.compile(r"\breport(?:ed|s)\s+(?:the\s+)?" + _NAME),
    re.compile(r"\b(?:the\s+)?" + _NAME + r"\s+report(?:ed|s)\b"),
    re.compile(r"\b(?i:according to\s+(?:the\s+)?)" + _NAME),
    re.compile(r"\b(?:reported|cited|quoted)\s+by\s+(?:the\s+)?" + _NAME),
]


def _evidence_phrase(text: str, start: int, end: int, whole_segment: bool) -> str:
    """The words that name the original: the clause up to the outlet's name, or (in a credit
    line) the whole ';'-separated part holding it."""
    if whole_segment:
        left = text.rfind(";", 0, start) + 1
        right = text.find(";", end)
        return text[left:right if right >= 0 else len(text)].strip(" .;")
    sentence_start = max(text.rfind(". ", 0, start) + 2 if text.rfind(". ", 0, start) >= 0 else 0, 0)
    comma = text.rfind(", ", sentence_start, start)
    left = comma + 2 if comma >= 0 else sentence_start
    return LEADING.sub("", text[left:end].strip()).strip(" ,.")


def _best_archived(source_id: str, body: Body, registry: Registry) -> tuple[str | None, int]:
    """The archived article of that outlet sharing the most five-word sequences with this body."""
    tokens = [w for line in body.paragraphs for w, _, _ in words(line.text)]
    mine = {tuple(tokens[i:i + 5]) for i in range(len(tokens) - 4)}
    best, best_count = None, 0
    for article in registry.articles:
        if article.publisher != source_id:
            continue
        theirs = [w for p in article.paragraphs for w, _, _ in words(p)]
        shared = len(mine & {tuple(theirs[i:i + 5]) for i in range(len(theirs) - 4)})
        if shared > best_count:
            best, best_count = article.slug, shared
    return (best, best_count) if best_count >= 3 else (None, best_count)


_AGENCY_BYLINE = re.compile(r"^[\s\u2022\u00b7*|-]*(?:(?i:by)\s+)?(?:the\s+)?(?P<name>[A-Z][\w.\- ]{1,30}?)\s*$")
# "Source: News agencies", "Agencies": a credit to the wires in general names no outlet.
_GENERIC_SOURCES = {"news", "agency", "agencies", "wire", "wires", "staff", "reports", "media", "sources", "online",
                    "internet", "web", "newswire", "newswires", "desk", "bureau", "correspondent", "correspondents"}


def _names_no_one(name: str, after: str) -> bool:
    return name.lower() in _GENERIC_SOURCES or \
        bool(re.match(r"\s+(?:agencies|agency|reports|wires|outlets|services|sources)\b", after))


# "Source: http://www.dawn.com/news/1277568/...": a credit line giving the original's address.
_CREDITED_ADDRESS = re.compile(r"^(?i:source|courtesy(?:\s+of)?|via|(?:originally|first)\s+(?:published|posted|appeared)"
                               r"\s+(?:at|on|in|by)|read\s+(?:more|the\s+original(?:\s+article)?)\s+(?:at|on))"
                               r"\s*:?\s*<?(?P<url>https?://[^\s<>]+)")
# Where a credit's address leads to a post on a platform, the platform is no outlet to name.
_PLATFORMS = {"twitter.com", "x.com", "t.co", "facebook.com", "fb.com", "instagram.com", "youtube.com", "youtu.be",
              "tiktok.com", "t.me", "telegram.me", "vk.com", "linkedin.com", "reddit.com", "flickr.com",
              "google.com", "goo.gl", "bit.ly", "archive.org", "archive.ph", "archive.today"}


def _credited_address(page: Page, body: Body, registry: Registry, publisher: str) -> Found | None:
    """The original a credit line names by its address: the outlet whose domain it is."""
    for line in body.credits:
        match = _CREDITED_ADDRESS.match(line.text.strip())
        host = host_of(match.group("url").rstrip(".,;)")) if match else ""
        if not host or any(host == p or host.endswith("." + p) for p in _PLATFORMS):
            continue
        source = source_for_domain(host, registry.sources)
        proposed = ()
        if source is None:
            taken = set(registry.sources) | {publisher}
            proposal, _ = source_of_domain(host, page.text, taken)
            source_id, proposed = proposal.id, (dataclasses.replace(
                proposal, evidence=f"credited as the original: \"{line.text.strip()}\"; {proposal.evidence}"),)
        else:
            source_id = source.id
        if source_id == publisher or host == host_of(page.url):
            continue  # the page crediting its own outlet
        article, shared = _best_archived(source_id, body, registry) if not proposed else (None, 0)
        why = f"credit line giving the original's address: \"{line.text.strip()}\""
        why += f"; shares {shared} five-word sequences with the archived {article}" if article else ""
        relation = "translation" if re.search(r"translat", line.text, re.IGNORECASE) else "reprint"
        return Found(OriginalValue(source_id, article, relation, line.text.strip()), why,
                     confident=not proposed, proposed=proposed)
    return None


def extract_original(page: Page, registry: Registry, done: dict) -> Found:
    body: Body = done["body"].value
    publisher = done["publisher"].value
    credited = _credited_address(page, body, registry, publisher)
    if credited is not None:
        return credited
    texts = [l.text for l in body.credits] + [l.text for l in body.paragraphs]
    lead = [l.text for l in body.credits] + [l.text for l in body.paragraphs[:1]]
    further = [l.text for l in body.paragraphs[1:]]
    hits = []  # (strength, order, name, evidence, text, what kind of evidence)
    order = 0
    for strength, patterns, where in ((0, _STRONG, texts), (2, _INTERVIEWED, texts), (2, _WEAK, lead),
                                      (3, _WEAK, further)):
        for text in where:
            for pattern in patterns:
                for match in pattern.finditer(text):
                    name = match.group("name").strip(" .,'\u2019")
                    name = re.sub(r"['\u2019]s$", "", name)
                    if _names_no_one(name, text[match.end("name"):]):
                        continue
                    evidence = _evidence_phrase(text, match.start(), match.end("name"), strength == 0)
                    hits.append((strength, order, name, evidence, text, "credit" if strength == 0 else "attribution"))
                    order += 1
    for line in body.opening():
        dateline = wire_dateline(line.text)
        if dateline:
            hits.append((1, -1, dateline.agency, dateline.text, line.text, "wire dateline"))
            break
    # A byline that is a news agency alone ("\u2022 Kyodo", "By Reuters") above the article.
    above = [line for line in body.head if body.paragraphs and line.number < body.paragraphs[0].number][-4:]
    for line in above:
        agency = _AGENCY_BYLINE.match(line.text)
        if agency and news_agency(agency.group("name")):
            hits.append((1, -2, agency.group("name"), line.text.strip(), line.text, "news agency's byline"))
            break
    hits.sort(key=lambda h: (h[0], h[1]))
    for strength, _, name, evidence, text, how in hits:
        source = resolve_outlet(name, registry.sources)
        proposed = ()
        if source is None:
            if strength == 3:
                continue  # a fact sourced further down, from an outlet with nothing archived
            if strength == 2 and not looks_like_outlet(name):
                continue
            if strength == 1 and not (looks_like_outlet(name) or re.fullmatch(r"[A-Z]{2,6}", name) or news_agency(name)):
                continue
            new_sources = done["publisher"].proposed
            if new_sources and compact(new_sources[0].name) == compact(name):
                continue  # the page names its own outlet
            proposal = NewSource(id=unique_id(slugify(name), set(registry.sources) | {publisher}), name=name,
                                 domains=(), kind=guess_kind(name),
                                 evidence=f"credited as the original: \"{evidence}\"")
            source_id, proposed = proposal.id, (proposal,)
        else:
            source_id = source.id
        if source_id == publisher:
            continue  # the outlet naming itself ("MOSCOW (Sputnik) -" on Sputnik's own page)
        article, shared = _best_archived(source_id, body, registry) if not proposed else (None, 0)
        if strength == 3 and article is None:
            continue  # a fact sourced further down, not this text's origin
        translated = re.search(r"translat", evidence if strength else text, re.IGNORECASE)
        relation = "translation" if translated else "reprint"
        why = f"{how}: \"{evidence}\""
        if article:
            why += f"; shares {shared} five-word sequences with the archived {article}"
        elif not proposed:
            why += f"; no archived {source_id} article shares its text"
        value = OriginalValue(source_id, article, relation, evidence)
        return Found(value, why, confident=strength < 2 and not proposed, proposed=proposed)
    return Found(None, "no credit, wire dateline or attribution to another outlet found")


def extract_credit(page: Page, registry: Registry, done: dict) -> Found:
    body: Body = done["body"].value
    if not body.credits:
        return Found("", "no credit line")
    text = "; ".join(line.text for line in body.credits)
    return Found(text, "credit line(s) " + ", ".join(str(l.number) for l in body.credits))
