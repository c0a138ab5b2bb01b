"""People: actors the registry knows, and likely new people the text names."""

from __future__ import annotations

import re
from .datetext import MONTHS
from .given_names import given_name
from .outlet import unique_id
from .personhood import ROLE_WORDS, SPEECH, lone_name_evidence, person_context, role_word
from .prose import clean_line, compact, name_tokens, slugify, terminal, word_list
from .records import Body, Found, NewActor, Page, Registry
from typing import Mapping


# --- people -------------------------------------------------------------------------------

# Words that begin or end a run of capitals without being part of a name: sentence openers,
# function words, numbers, days and months, and the imperatives of page furniture.
_STRIP = {"the", "of", "and", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "if",
          "when", "while", "as", "after", "before", "both", "however", "meanwhile", "although", "though", "since",
          "because", "despite", "during", "for", "from", "in", "on", "at", "with", "without", "under", "over",
          "this", "that", "these", "those", "there", "here", "it", "its", "his", "her", "their", "our", "we", "they",
          "he", "she", "you", "i", "a", "an", "all", "some", "many", "most", "such", "what", "which", "who", "why",
          "how", "where", "yet", "so", "then", "also", "only", "even", "just", "but", "or", "nor", "not", "no",
          "yes", "according", "today", "within", "among", "amid", "including", "via", "per", "upon", "toward",
          "towards", "like", "unlike", "whether", "until", "unless", "once", "every", "each", "other", "another",
          "more", "much", "last", "next", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
          "ten", "follow", "read", "watch", "subscribe", "sign", "click", "share", "join", "get", "see", "listen",
          "download", "view", "related", "photo", "video", "image", "credit", "jr", "sr", "dear", "hi", "hello",
          "thanks", "thank", "please", "let", "now", "about", "by", "to", "into", "onto", "through", "against",
          "between", "beyond", "above", "below", "after", "says", "said", "tells", "told", "across", "earlier",
          "later", "still", "instead", "indeed", "again", "already", "soon", "often", "perhaps", "maybe", "finally",
          "first", "second", "third", "overall", "initially", "eventually", "previously", "currently", "recently",
          "separately", "additionally", "moreover", "furthermore", "thus", "therefore", "hence", "otherwise",
          "elsewhere", "nearby", "afterwards", "former", "late", "dear", "why", "where", "whose"} | set(MONTHS)
# Words that name institutions, outlets, places, events, works and products: a run holding one
# ("World Health Organization", "Home Ministry", "Kotak Securities", "Davis Cup") is no person.
_INSTITUTION = {
    "north", "south", "east", "west", "middle", "eastern", "western", "northern", "southern", "central", "new",
    "united", "saint", "st", "god", "allah", "government", "national", "accord", "army", "ministry", "council",
    "club", "group", "committee", "party", "union", "forces", "force", "agency", "news", "conference",
    "parliament", "house", "court", "bank", "state", "states", "republic", "kingdom", "university", "institute",
    "foundation", "company", "front", "movement", "brigade", "militia", "coalition", "alliance", "assembly",
    "office", "department", "embassy", "commission", "organisation", "organization", "association", "federation",
    "league", "corps", "navy", "police", "guard", "service", "services", "authority", "administration",
    "cabinet", "senate", "congress", "duma", "church", "mosque", "temple", "airport", "port", "street", "square",
    "hotel", "centre", "center", "discussion", "dialogue", "dialogues", "summit", "forum", "operation", "war",
    "wars", "crisis", "agreement", "treaty", "plan", "programme", "program", "contact", "security", "affairs",
    "foreign", "defense", "defence", "international", "islamic", "republican", "democratic", "people", "peoples",
    "liberation", "revolutionary", "presidency", "sea", "gulf", "river", "city", "province", "region",
    "district", "island", "islands", "mount", "valley", "desert", "europe", "africa", "asia", "america",
    "arabia", "media", "press", "radio", "television", "channel", "times", "post", "herald", "daily",
    "journal", "gazette", "tribune", "express", "monitor", "review", "wire",
    # organisations and businesses
    "inc", "co", "cos", "corp", "corporation", "ltd", "llc", "plc", "gmbh", "holdings", "industries", "productions",
    "studio", "studios", "pictures", "records", "entertainment", "securities", "equities", "capital", "partners",
    "fund", "trust", "group", "systems", "technologies", "technology", "robotics", "labs", "laboratory",
    "motors", "airlines", "airways", "energy", "pharmaceuticals", "bureau", "directorate", "division",
    "command", "unit", "team", "society", "academy", "college", "school", "high", "hospital", "clinic",
    "museum", "library", "institution", "network", "insider", "chronicle", "magazine", "today", "weekly",
    "telegraph", "observer", "newsroom", "tv", "depot", "store", "stores", "market", "exchange", "cup",
    "finals", "championship", "championships", "olympics", "games", "tournament", "festival", "awards",
    "award", "prize", "series", "season", "episode", "edition", "show", "dance", "music", "order", "rights",
    "amendment", "act", "bill", "law", "constitution", "mission", "project", "initiative", "health",
    # places
    "heights", "hills", "park", "beach", "bay", "coast", "lake", "mountains", "canal", "county", "village",
    "town", "road", "avenue", "boulevard", "highway", "bridge", "station", "stadium", "arena", "emirates",
    "territory", "territories", "peninsula", "ocean", "plaza", "metro", "amphitheatre", "amphitheater", "theatre",
    "theater", "palace", "gallery", "cathedral", "pavilion", "zoo", "mall",
    # products
    "pro", "max", "plus", "mini", "ultra", "edition", "app", "console"}
# Capitalised words joined by "and", "of", "for" up to the run: the run may end an institution's name.
_CHAIN_BEFORE = re.compile(r"(?:[A-Z][\w'\u2019-]*\s+(?:(?:of|for|and|&)\s+(?:the\s+)?)?)+(?:and|of|for|&)\s+(?:the\s+)?$")
# Kinds of things named right after the kind: "the aid group World Vision", "broadcaster Sky News".
_KIND_NOUNS = {"group", "agency", "company", "firm", "organisation", "organization", "charity", "newspaper", "paper",
               "outlet", "channel", "magazine", "website", "site", "party", "union", "network", "broadcaster",
               "station", "brand", "band", "team", "club", "studio", "label", "startup", "platform", "airline",
               "carrier", "bank", "fund", "school", "university", "hospital", "village", "town", "city", "district",
               "province", "state", "country", "region", "festival", "film", "movie", "series", "show", "album",
               "song", "book", "novel", "game", "app", "service", "ship", "operation", "programme", "program",
               "project", "mission", "campaign", "initiative", "tournament", "stadium", "airport", "river", "lake",
               "mountain", "hotel", "restaurant", "portal", "tabloid", "publication", "daily", "weekly", "area",
               "suburb", "neighbourhood", "neighborhood", "locality", "street", "road"}
_PARTICLES = {"al", "el", "bin", "ibn", "abu", "de", "van", "von", "der", "la", "le", "di", "da", "du", "dos", "bint",
              "ben"}
_PARTICLE = r"(?:al|el|bin|ibn|abu|de|van|von|der|di|da|du|dos|ben|bint)"
_CAPWORD = r"[A-Z][a-z\u00c0-\u024f]+(?:[A-Z][a-z\u00c0-\u024f]+)?(?:-[A-Za-z\u00c0-\u024f][a-z\u00c0-\u024f]+)*"
# One word of a name: "Lavrov", "McDowell", "Ing-wen", "O'Brien", "al-Tabbal", "bin", "F."
_NAME_TOKEN = re.compile(r"\b(?:[A-Z][a-z]?['\u2019]" + _CAPWORD + r"|" + _PARTICLE + r"-" + _CAPWORD + r"|"
                         + _CAPWORD + r"|" + _PARTICLE + r"(?=\s[A-Z])|(?:[A-Z]\.){1,3})(?![\w])")
# The few words English prose cannot do without: a page with too few of them is in another
# language, where capitalised nouns ("Beim Verlust") and name shapes mean something else.
_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|outside|inside|across|throughout|around|towards|toward|into|onto)\s+"
                           r"(?:the\s+)?$", re.IGNORECASE)
_OPENING = "\"\u201c\u2018'\u00ab\u201e"
_CLOSING = "\"\u201d\u2019'\u00bb\u201c"


def _name_runs(text: str) -> list[list[re.Match]]:
    """Runs of name-shaped words, each word with its place in `text` (one space between words)."""
    runs: list[list[re.Match]] = []
    for token in _NAME_TOKEN.finditer(text):
        if runs and re.fullmatch(r"\s", text[runs[-1][-1].end():token.start()]):
            runs[-1].append(token)
        else:
            runs.append([token])
    return runs


def _in_short_quote(text: str, start: int, end: int) -> bool:
    """Whether the words are a quoted title or slogan: inside quotation marks holding at most
    eight words ("'Delhi Banega Khalistan' was written on the wall")."""
    left = text[max(0, start - 60):start]
    opening = max(left.rfind(q) for q in _OPENING)
    if opening < 0 or re.search(r"[.!?]\s", left[opening:]):
        return False
    at = max(0, start - 60) + opening
    if at > 0 and not (text[at - 1].isspace() or text[at - 1] in "([:"):
        return False  # an apostrophe ("Beijing's"), not a quotation mark
    closing = next((i for i in range(end, min(len(text), end + 60)) if text[i] in _CLOSING
                    and (i + 1 == len(text) or not text[i + 1].isalpha())), None)
    return closing is not None and len(word_list(text[at:closing])) <= 8


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
    or whose surname the text then uses alone as a person's.

    A run is no person when it holds a word institutions, places, events or products are named
    with, follows "the" or a preposition of place, is a short quoted title or slogan, is an
    outlet's name, or when its first word also stands alone in the text (a given name does
    not). Pages in other languages get none (extract/__init__.py: the English phrasing rules)."""
    joined = "\n".join(paragraphs)
    lowercase_words = {w for w in word_list(joined) if w.islower()}
    candidates: dict[str, dict] = {}
    deferred: list[tuple[str, str]] = []  # (given-name run, the surname of the subject before its verb)
    for text in paragraphs:
        for run in _name_runs(text):
            tokens = list(run)
            role_in_run = ""
            # "Foreign Minister Sergey Lavrov", "InfoNation President Dan McDowell": the name follows the role.
            roles = [i for i, t in enumerate(tokens[:-1]) if role_word(t.group())]
            if roles:
                role_in_run = text[tokens[0].start():tokens[roles[-1]].end()]
                tokens = tokens[roles[-1] + 1:]
            # "Secretary of State Mike Pompeo": the run opens with the rest of the role phrase.
            if not roles and re.search(r"(?:^|\s)(\S+)\s+(?:of|for)\s+(?:the\s+)?$", text[:tokens[0].start()]) and \
                    role_word(re.search(r"(?:^|\s)(\S+)\s+(?:of|for)\s+(?:the\s+)?$", text[:tokens[0].start()]).group(1)):
                complement = 0
                while complement < len(tokens) - 2 and tokens[complement].group().lower() in _INSTITUTION | _STRIP:
                    complement += 1
                if complement:
                    role_in_run = text[tokens[0].start():tokens[complement - 1].end()]
                    roles = [complement - 1]
                    tokens = tokens[complement:]
            # "an independent Middle East Kirill Semenov": place words before a whole name describe
            # the person; the name is what follows them (with nothing of an institution in it).
            lead = 0
            while lead < len(tokens) and tokens[lead].group().lower() in _INSTITUTION:
                lead += 1
            if 0 < lead <= len(tokens) - 2 and not any(t.group().lower() in _INSTITUTION for t in tokens[lead:]):
                tokens = tokens[lead:]
            after_role = list(tokens)
            led_by_the = False
            sentence_start = not text[:tokens[0].start()].strip() or \
                re.search(r"[.!?:\u201c\u201d\"]\s*$", text[:tokens[0].start()])
            while tokens:
                word = tokens[0].group().replace("\u2019", "'").lower()
                if word == "the":
                    led_by_the = True
                gerund = sentence_start and word.endswith("ing") and len(word) > 5
                if word in _STRIP or word in lowercase_words or role_word(word) or re.fullmatch(r"[a-z]\.", word) \
                        or gerund:
                    tokens.pop(0)
                    sentence_start = False
                    continue
                break
            while tokens:
                word = tokens[-1].group().replace("\u2019", "'").lower()
                if word in _STRIP or word in lowercase_words or role_word(word) or re.fullmatch(r"[a-z]\.", word) \
                        or word in _PARTICLES:
                    tokens.pop()
                    continue
                break
            words = [t for t in tokens if not t.group().endswith(".")]
            # One word is a name only after a title or "gave his name as": "PM Modi", "... as Ahmet".
            lone = lone_name_evidence(text[:tokens[0].start()]) if len(tokens) == 1 and words and terminal(text) else ""
            # Initials and one word ("L.C. Govak") are a name only after a role word.
            initialled = len(words) == 1 and len(tokens) > 1 and tokens[0].group().endswith(".")
            if len(words) < 2 and not lone and not initialled or \
                    len([t for t in tokens if t.group().lower() not in _PARTICLES]) > 4:
                continue
            start, end = tokens[0].start(), tokens[-1].end()
            name = " ".join(t.group() for t in tokens)
            parts = [t.group() for t in tokens]
            if any(t.group().lower() in _INSTITUTION for t in after_role):
                continue  # "World Health Organization", "United Arab Emirates", "Kathmandu Valley"
            if known.find(name) or compact(name) in outlet_names or \
                    lone and (name.lower() in _INSTITUTION | _STRIP | lowercase_words or role_word(name)):
                continue
            if not roles and (led_by_the or re.search(r"\b(?:the|a|an)\s+$", text[:start], re.IGNORECASE)):
                continue  # "the Kathmandu Valley", "an Apple MacBook"
            chain = _CHAIN_BEFORE.search(text[max(0, start - 80):start])
            if not roles and chain and not given_name(parts[0]) and \
                    any(w.lower() in _INSTITUTION for w in word_list(chain.group())):
                continue  # "Agency for Nuclear and Industrial Safety": the rest of an institution's name
            preceding = re.search(r"\b([a-z]+)\s+$", text[max(0, start - 30):start])
            if preceding and preceding.group(1) in _KIND_NOUNS:
                continue  # "aid group World Vision", "the band Goo Goo Dolls": a name of that kind of thing
            following = re.match(r"\s+([a-z][\w-]*)", text[end:end + 40])
            if following and role_word(following.group(1)):
                continue  # "Nollywood actress", "Browns pass rusher": words that describe a person
            if _in_short_quote(text, start, end):
                continue  # a quoted title or slogan
            if any(_PLACE_BEFORE.search(joined[max(0, m.start() - 30):m.start()])
                   and not re.match(r"['\u2019]s\b", joined[m.end():m.end() + 2])
                   for m in re.finditer(re.escape(name), joined)):
                continue  # "in Hong Kong", "at Richmond High": a place
            # A given name is not used as a word of a phrase: "Google" in "Google's new console" or
            # "Google said", "Libyan" in "Libyan sides" (but "Can I give it to James?" is a person's,
            # and so is "Elon's proposal" when the text says "Musk said").
            first = parts[0]
            if first.lower() in _PARTICLES - {"al", "el", "abu", "ben"}:
                continue  # "Van Der Beek": the end of a name whose given name is elsewhere
            phrase_word = any(re.match(r"(?:['\u2019]s?\b|\s+(?!" + _PARTICLE + r"[-\s][A-Z])[a-z0-9(])",
                                       joined[m.end():m.end() + 9])
                              for m in re.finditer(r"\b" + re.escape(first) + r"\b(?!-)", joined))
            if phrase_word and not lone and (len(parts) > 2 or not any(
                    person_context(joined, m.start(), m.end()) for m in _alone(parts[-1], name, joined))):
                continue
            before = text[max(0, start - 120):start]
            after = text[end:end + 40]
            prev_words = [w.lower() for w in word_list(before)][-8:]
            role = ""
            why = ""
            if lone:
                why = lone
            elif role_in_run:
                why = f"after the role words '{role_in_run}'"
                role = _role_phrase(text[max(0, start - 120):start])
            # "Minister Sergey Lavrov", "spokesman, Ahmed ...", "translated by Mario ..."
            elif prev_words and role_word(prev_words[-1]) and re.search(r"[\w.]\s*,?\s*$", before) and \
                    not re.search(r"\b(?:to|in|from|at|of|for|with|on|into)\s*$", before.lower()):
                why = f"after the role word '{prev_words[-1]}'"
                role = _role_phrase(before)
            # "Ambassador to Saudi Arabia, Abdel ...": a role phrase, a comma, then the name
            elif re.search(r",\s*$", before) and "(" not in before.split(",")[-2] and \
                    any(role_word(w) for w in word_list(before.split(",")[-2])[-7:]) and \
                    re.match(r"\s*(?:,|\.|;|\bwho\b|\b(?:" + SPEECH + r")\b|$)", after):
                why = "after a role phrase and a comma"
                role = _role_phrase(before)
            elif person_context(text, start, end):
                why = "beside a speech or human verb, a title, or his/her after it"
            # "Nikolai Zorin, a member of the committee, said": the role follows the name.
            appositive = re.match(r",\s+(?:(?:a|an|the)\s+)?([^,.;\u201c\u201d\"]{2,90}?)\s*(?:,|\.|;|$)", text[end:end + 120])
            # "Rolf Heuer, director of the centre, says": a role word then lower-case words describes
            # the name; "Sioux Falls, Gov. Kristi Noem": a title opening the next name does not.
            opening = word_list(appositive.group(1))[:2] if appositive else []
            described = appositive and (re.match(r",\s+(?:a|an|the)\s", text[end:end + 6]) or
                                        len(opening) == 2 and role_word(opening[0]) and opening[1].islower())
            if described and any(w.lower() in ROLE_WORDS for w in word_list(appositive.group(1))):
                role = role or appositive.group(1)[:1].upper() + appositive.group(1)[1:]
                why = why or "followed by a role phrase"
            surname = parts[-1]
            for part in [surname] + [p for p in parts[1:-1] if p.lower() not in _PARTICLES]:
                if not why and any(person_context(joined, m.start(), m.end()) for m in _alone(part, name, joined)):
                    why = f"a full name whose surname '{part}' the text then uses alone as a person's"
                    surname = part
            # "Luiz Inácio Lula da Silva ... da Silva had": a surname with its particle, used alone.
            particle = next((p for p in parts[1:-1] if p in _PARTICLES), "")
            if not why and particle and _named_alone(f"{particle} {parts[-1]}", name, joined):
                why = f"a full name whose surname '{particle} {parts[-1]}' the text then uses alone"
            # A given name (one the text never uses alone, as it would a place's: "India"), and a
            # surname the text then uses alone: "Lionel Messi ... Messi's penalty".
            given = len(parts) <= 3 and given_name(first) and not _alone(first, name, joined)
            if not why and given and _named_alone(surname, name, joined):
                why = f"a given name '{first}', and the surname '{surname}' the text then uses alone"
            # A given name, the object of what a person just named did: "Kylian Mbappe beat Emiliano Martinez".
            subject = re.search(r"((?:[A-Z][\w'\u2019-]+\s+){1,3})[a-z]+\s+$", text[max(0, start - 60):start])
            if not why and given and subject:
                deferred.append((name, subject.group(1).split()[-1]))
            if not why or initialled and not role:
                continue
            entry = candidates.setdefault(name, {"why": why, "role": role, "surname": surname})
            if role and not entry["role"]:
                entry["role"] = role
    people = {entry["surname"] for entry in candidates.values()} | {n.split()[-1] for n in candidates}
    for name, subject in deferred:
        if subject in people and name not in candidates:
            candidates[name] = {"why": f"a given name, after what {subject} did", "role": "",
                                "surname": name.split()[-1]}
    result = []
    taken = set(registry.actors)
    for name, entry in candidates.items():
        # A shorter run inside a longer candidate ("Kirill Semenov" in "Middle East Kirill Semenov") is one person.
        if any(name != other and name in other for other in candidates):
            continue
        surname = entry["surname"]
        aliases = (surname,) if _alone(surname, name, joined) else ()
        actor_id = unique_id(slugify(name), taken)
        taken.add(actor_id)
        result.append(NewActor(actor_id, name, aliases, entry["role"] or "not stated in the capture",
                               f"{name}: {entry['why']}"))
    return result


_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our", "your", "my",
                "first", "second", "third", "fourth", "fifth", "next", "last", "new", "old", "original", "every"}


def _named_alone(surname: str, name: str, text: str) -> bool:
    """Whether the text, having named someone in full, goes on to call them by the surname alone
    ("Lionel Messi ... Messi's penalty"), and never as a thing or a team: not after an article
    or a determiner ("the fourth Trek film"), not with a plural verb ("Villa were")."""
    uses = _alone(surname, name, text)
    for m in uses:
        previous = word_list(text[max(0, m.start() - 20):m.start()])[-1:]
        if previous and previous[0].lower() in _DETERMINERS or \
                re.match(r"\s+(?:were|are|have)\b", text[m.end():m.end() + 6]) or \
                re.match(r"\s+[A-Z]", text[m.end():m.end() + 2]) or m.start() and text[m.start() - 1] in "-@#/":
            return False
    return bool(uses)


def _alone(surname: str, name: str, text: str) -> list[re.Match]:
    """The mentions of a surname that are not part of the full name."""
    full = [(m.start(), m.end()) for m in re.finditer(re.escape(name), text, re.IGNORECASE)]
    return [m for m in re.finditer(r"\b" + re.escape(surname) + r"\b", text)
            if not any(a <= m.start() < b for a, b in full)]


_NOT_ROLE = {"the", "a", "an", "by", "with", "to", "of", "for", "and", "was", "is", "were", "are", "said", "told",
             "met", "from", "in", "on", "at", "that", "who", "which", "as", "when", "while", "after", "before"}


_HOW_HELD = {"former", "acting", "interim", "outgoing", "incoming", "then", "ex"}


def _role_phrase(before: str) -> str:
    """The role words just before a name: in the last comma-separated part of the text before
    it, from the first role word ("Deputy Foreign Minister", "deputy director of the port
    authority"), with the capitalised or descriptive words just before that role word."""
    segment = re.split(r"[.;:\u201c\u201d\"()]", before)[-1].rstrip(" ,").split(",")[-1].strip()
    # A speech verb ends the clause of the one who spoke: this name's role words come after it
    # ("CEO Tim Cook said Tuesday in a chat with Salesforce founder and co-CEO Marc Benioff").
    segment = re.split(rf"\b(?:{SPEECH})\b", segment)[-1].strip()
    tokens = segment.split()
    first = next((i for i, t in enumerate(tokens) if re.sub(r"['\u2019]s$", "", t).lower().strip(".")
                  in ROLE_WORDS - {"by"}), None)
    if first is None:
        if tokens and tokens[-1].lower() == "by" and len(tokens) >= 2:
            return f"named in a credit: {tokens[-2]} by"
        return ""
    start, lowercase, named = first, 0, False
    while start > 0:
        word = tokens[start - 1]
        bare = re.sub(r"['\u2019]s$", "", word)
        if bare.lower() in _NOT_ROLE:
            break
        if not bare[:1].isupper():
            # A lower-case word before a name in the phrase ("the same stage Apple founder") is
            # the sentence's, unless it says how the role is held ("former White House adviser").
            lowercase += 1
            if lowercase > 2 or named and bare.lower() not in _HOW_HELD:
                break
        else:
            named = True
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


def _cut_paragraph(capture: str, body: Body) -> list[str]:
    """The capture's last line when the capture ends inside a paragraph of the article, right
    after its last whole one ("Sebastien Gay, the head of mission in Syria ..., said health facil"):
    the body leaves it out, but the people it names are the article's."""
    lines = [clean_line(l) for l in capture.splitlines() if l.strip()]
    if len(lines) < 2 or not body.paragraphs or lines[-2] != body.paragraphs[-1].text:
        return []
    last = lines[-1]
    words = word_list(last)
    prose = len(words) >= 15 and sum(w.islower() for w in words) * 2 > len(words)  # not a credit line of names
    cut = re.search(r"[a-z\u00c0-\u024f,]$", last) and not terminal(last)
    return [last] if cut and prose and last[:1].isupper() else []


def extract_people(page: Page, registry: Registry, done: dict) -> Found:
    body: Body = done["body"].value
    texts = [l.text for l in body.paragraphs] + [l.text for l in body.credits] + _cut_paragraph(page.text, body)
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
