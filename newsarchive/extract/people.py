"""People: actors the registry knows, and likely new people the text names."""

from __future__ import annotations

import re
from .datetext import MONTHS
from .outlet import unique_id
from .prose import compact, name_tokens, slugify, word_list
from .records import Body, Found, NewActor, Page, Registry
from typing import Mapping


# --- people -------------------------------------------------------------------------------

ROLE_WORDS = {"mr", "mrs", "ms", "dr", "president", "minister", "secretary", "spokesman", "spokeswoman",
               "spokesperson", "ambassador", "envoy", "general", "gen", "colonel", "col", "marshal", "commander",
               "chief", "head", "leader", "director", "adviser", "advisor", "analyst", "expert", "diplomat",
               "official", "deputy", "member", "mp", "senator", "correspondent", "journalist", "editor", "by",
               "professor", "prof", "representative", "mayor", "governor", "king", "prince", "sheikh", "emir",
               "judge", "chairman", "chairwoman", "chair", "lawmaker", "researcher", "orientalist", "premier",
               "reporter", "officer", "captain", "major", "lieutenant", "sergeant", "ceo", "founder", "aide",
               "activist", "lawyer", "writer", "author", "photographer", "negotiator", "mediator", "speaker"}
SPEECH = (r"said|says|told|tells|added|adds|noted|stated|stressed|explained|announced|declared|insisted|"
           r"warned|argued|believes|believed|thinks|claimed|wrote|writes|confirmed|denied|denies|rejected|"
           r"dismissed|emphasi[sz]ed|recalled|replied|continued|acknowledged|admitted|urged")
# Words that are never part of a person's name: directions, sentence openers, function words,
# and the words institutions, places and events are named with.
_NOT_NAME = {"north", "south", "east", "west", "middle", "eastern", "western", "northern", "southern", "central",
             "new", "united", "saint", "st", "the", "of", "and", "monday", "tuesday", "wednesday", "thursday",
             "friday", "saturday", "sunday", "god", "allah", "if", "when", "while", "as", "after", "before", "both",
             "however", "meanwhile", "although", "though", "since", "because", "despite", "during", "for", "from",
             "in", "on", "at", "with", "without", "under", "over", "this", "that", "these", "those", "there",
             "here", "it", "its", "his", "her", "their", "our", "we", "they", "he", "she", "you", "i", "a", "an",
             "all", "some", "many", "most", "such", "what", "which", "who", "why", "how", "where", "yet", "so",
             "then", "also", "only", "even", "just", "but", "or", "nor", "not", "no", "yes", "according", "today",
             "government", "national", "accord", "army", "ministry", "council", "club", "group", "committee",
             "party", "union", "forces", "force", "agency", "news", "conference", "parliament", "house", "court",
             "bank", "state", "states", "republic", "kingdom", "university", "institute", "foundation", "company",
             "front", "movement", "brigade", "militia", "coalition", "alliance", "assembly", "office",
             "department", "embassy", "commission", "organisation", "organization", "association", "federation",
             "league", "corps", "navy", "police", "guard", "service", "authority", "administration", "cabinet",
             "senate", "congress", "duma", "church", "mosque", "airport", "port", "street", "square", "hotel",
             "centre", "center", "discussion", "dialogue", "dialogues", "summit", "forum", "operation", "war",
             "crisis", "agreement", "treaty", "plan", "programme", "program", "contact", "security", "affairs",
             "foreign", "defense", "defence", "international", "islamic", "republican", "democratic", "people",
             "peoples", "liberation", "revolutionary", "presidency", "sea", "gulf", "river", "city", "province",
             "region", "district", "island", "islands", "mount", "valley", "desert", "europe", "africa", "asia",
             "america", "arabia", "media", "press", "radio", "television", "channel", "times", "post", "herald",
             "daily", "journal", "gazette", "tribune", "express", "monitor", "review", "wire"} | set(MONTHS)
_PARTICLES = {"al", "el", "bin", "ibn", "abu", "de", "van", "von", "der", "la", "le", "di", "da", "du", "dos", "bint",
              "ben"}
_NAME_RUN = re.compile(r"(?:(?:\b[A-Z][a-z\u00c0-\u024f]+|\b[A-Z][a-z]?['\u2019-][A-Z][a-z\u00c0-\u024f]+|"
                       r"\b(?:al|el|bin|ibn|abu|de|van|von|der|di|da|du|ben)[-\s](?=[A-Z]))"
                       r"(?:[-\s](?=[A-Z]|(?:al|el|bin|ibn|abu|de|van|von|der|di|da|du|ben)[-\s][A-Z]))?)+")


class Matcher:
    """Finds actors in text by any of their names, whatever the case, accents, hyphens or possessive."""

    def __init__(self, names: Mapping[str, tuple[str, ...]]):
        self.index: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        for actor_id, spellings in names.items():
            for spelling in spellings:
                tokens = tuple(t for t, _, _ in name_tokens(spelling))
                if tokens:
                    self.index.setdefault(tokens[0], []).append((tokens, actor_id, spelling))
        for entries in self.index.values():
            entries.sort(key=lambda e: (-len(e[0]), e[1]))

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, actor id) of each mention, longest name first, not overlapping."""
        tokens = name_tokens(text)
        found, index = [], 0
        while index < len(tokens):
            match = None
            for spelled, actor_id, _ in self.index.get(tokens[index][0], ()):
                window = tuple(t for t, _, _ in tokens[index:index + len(spelled)])
                if window == spelled:
                    match = (tokens[index][1], tokens[index + len(spelled) - 1][2], actor_id, len(spelled))
                    break
            if match:
                found.append(match[:3])
                index += match[3]
            else:
                index += 1
        return found


def registry_names(registry: Registry) -> dict[str, tuple[str, ...]]:
    return {a.id: (a.name, *a.aliases) for a in registry.actors.values()}


def _person_candidates(paragraphs: list[str], known: Matcher, registry: Registry,
                       outlet_names: set[str]) -> list[NewActor]:
    """Likely people not in the registry: name-shaped runs beside a role word or a speech verb,
    or whose surname the text then uses alone."""
    joined = "\n".join(paragraphs)
    lowercase_words = {w for w in word_list(joined) if w.islower()}
    candidates: dict[str, dict] = {}
    for text in paragraphs:
        for match in _NAME_RUN.finditer(text):
            raw = match.group().strip(" -")
            parts = raw.replace("\u2019", "'").split()
            # Leading words that are not name words (directions, titles, words also written in lowercase).
            while parts and (parts[0].lower() in _NOT_NAME or parts[0].lower() in ROLE_WORDS
                             or parts[0].lower() in lowercase_words):
                parts.pop(0)
            while parts and (parts[-1].lower() in _NOT_NAME or parts[-1].lower() in lowercase_words
                             or parts[-1].lower() in ROLE_WORDS):
                parts.pop()
            if not 2 <= len(parts) <= 4:
                continue
            name = " ".join(parts)
            start = text.index(name, match.start())
            end = start + len(name)
            if known.find(name) or compact(name) in outlet_names:
                continue
            if any(p.lower() in _NOT_NAME for p in parts):
                continue
            # A given name does not stand alone: "Libyan" in "Libyan sides" is an adjective.
            first = parts[0]
            if any(not re.match(r"\s+(?:[A-Z]|(?:al|el|bin|ibn|abu|de|van|von|der|di|da|du|ben)[-\s])|[-\u2019']",
                                joined[m.end():m.end() + 6])
                   for m in re.finditer(r"\b" + re.escape(first) + r"\b", joined)):
                continue
            before = text[max(0, start - 120):start]
            after = text[end:end + 40]
            prev_words = [w.lower() for w in word_list(before)][-8:]
            role = ""
            why = ""
            # "Minister Sergey Lavrov", "spokesman, Ahmed ...", "translated by Mario ..."
            if prev_words and prev_words[-1] in ROLE_WORDS and re.search(r"[\w]\s*,?\s*$", before) and \
                    not re.search(r"\b(?:to|in|from|at|of|for|with|on|into)\s*$", before.lower()):
                why = f"after the role word '{prev_words[-1]}'"
                role = _role_phrase(before)
            # "Ambassador to Saudi Arabia, Abdel ...": a role phrase, a comma, then the name
            elif re.search(r",\s*$", before) and any(w in ROLE_WORDS for w in prev_words[-7:]) and \
                    re.match(r"\s*(?:,|\.|;|\bwho\b|\b(?:" + SPEECH + r")\b|$)", after):
                why = "after a role phrase and a comma"
                role = _role_phrase(before)
            elif re.match(r"\s*,?\s*(?:also\s+|later\s+|then\s+)?(?:" + SPEECH + r")\b", after) or \
                    re.search(r"\b(?:" + SPEECH + r")\s+(?:the\s+|an?\s+)?(?:[a-z]+\s+){0,3}$", before):
                why = "beside a speech verb"
            # "Nikolai Zorin, a member of the committee, said": the role follows the name.
            appositive = re.match(r",\s+(?:a|an|the)\s+([^,.;\u201c\u201d\"]{2,90}?)\s*(?:,|\.|;|$)", text[end:end + 120])
            if appositive and any(w.lower() in ROLE_WORDS for w in word_list(appositive.group(1))):
                role = role or appositive.group(1)[:1].upper() + appositive.group(1)[1:]
                why = why or "followed by a role phrase"
            surname = parts[-1]
            alone = re.findall(r"\b" + re.escape(surname) + r"\b", joined, re.IGNORECASE)
            if len(alone) > len(re.findall(re.escape(name), joined, re.IGNORECASE)) and not why:
                why = f"a full name whose surname '{surname}' the text then uses alone"
            if not why:
                continue
            entry = candidates.setdefault(name, {"why": why, "role": role, "surname": surname})
            if role and not entry["role"]:
                entry["role"] = role
    result = []
    taken = set(registry.actors)
    for name, entry in candidates.items():
        # A shorter run inside a longer candidate ("Kirill Semenov" in "Middle East Kirill Semenov") is one person.
        if any(name != other and name in other for other in candidates):
            continue
        surname = entry["surname"]
        alone = len(re.findall(r"\b" + re.escape(surname) + r"\b", joined, re.IGNORECASE))
        aliases = (surname,) if alone > len(re.findall(re.escape(name), joined, re.IGNORECASE)) else ()
        actor_id = unique_id(slugify(name), taken)
        taken.add(actor_id)
        result.append(NewActor(actor_id, name, aliases, entry["role"] or "not stated in the capture",
                               f"{name}: {entry['why']}"))
    return result


_ROLE_MODIFIERS = {"former", "deputy", "special", "senior", "acting", "retired", "interim", "foreign", "defence",
                   "defense", "political", "military", "self-styled", "independent", "top", "vice", "state",
                   "presidential", "then", "chief", "the", "of", "for", "and", "to", "s"}


_NOT_ROLE = {"the", "a", "an", "by", "with", "to", "of", "for", "and", "was", "is", "were", "are", "said", "told",
             "met", "from", "in", "on", "at", "that", "who", "which", "as", "when", "while", "after", "before"}


def _role_phrase(before: str) -> str:
    """The role words just before a name: in the last comma-separated part of the text before
    it, from the first role word ("Deputy Foreign Minister", "deputy director of the port
    authority"), with the capitalised or descriptive words just before that role word."""
    segment = re.split(r"[.;:\u201c\u201d\"()]", before)[-1].rstrip(" ,").split(",")[-1].strip()
    tokens = segment.split()
    first = next((i for i, t in enumerate(tokens) if re.sub(r"['\u2019]s$", "", t).lower().strip(".")
                  in ROLE_WORDS - {"by"}), None)
    if first is None:
        if tokens and tokens[-1].lower() == "by" and len(tokens) >= 2:
            return f"named in a credit: {tokens[-2]} by"
        return ""
    start, lowercase = first, 0
    while start > 0:
        word = tokens[start - 1]
        bare = re.sub(r"['\u2019]s$", "", word)
        if bare.lower() in _NOT_ROLE:
            break
        if not bare[:1].isupper():
            lowercase += 1
            if lowercase > 2:
                break
        start -= 1
    phrase = " ".join(tokens[start:])
    if re.match(r"(?i:according)\b", phrase):
        phrase = phrase.split(" ", 1)[1] if " " in phrase else ""
    return phrase[:1].upper() + phrase[1:]


def _outlet_keys(registry: Registry, done: dict) -> set[str]:
    keys = {compact(s.name) for s in registry.sources.values()}
    for field_name in ("publisher", "original"):
        found = done.get(field_name)
        for proposal in found.proposed if found else ():
            keys.add(compact(proposal.name))
    return keys


def extract_people(page: Page, registry: Registry, done: dict) -> Found:
    body: Body = done["body"].value
    texts = [l.text for l in body.paragraphs] + [l.text for l in body.credits]
    known = Matcher(registry_names(registry))
    order: list[str] = []
    shown: dict[str, list[str]] = {}
    for text in texts:
        for start, end, actor_id in known.find(text):
            if actor_id not in order:
                order.append(actor_id)
            shown.setdefault(actor_id, [])
            if text[start:end] not in shown[actor_id]:
                shown[actor_id].append(text[start:end])
    new = _person_candidates(texts, known, registry, _outlet_keys(registry, done))
    matcher = Matcher({**registry_names(registry), **{a.id: (a.name, *a.aliases) for a in new}})
    ids = []
    for text in texts:
        for _, _, actor_id in matcher.find(text):
            if actor_id not in ids:
                ids.append(actor_id)
    parts = [f"{actor_id} as " + " / ".join(f"\"{s}\"" for s in shown[actor_id]) for actor_id in order]
    parts += [f"NEW {a.id} ({a.evidence})" for a in new]
    return Found(tuple(ids), "; ".join(parts) or "no person from the registry or of name shape found",
                 confident=not new, proposed=tuple(new))
