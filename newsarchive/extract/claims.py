"""Claims: sentences of reported speech, each with its speaker."""

from __future__ import annotations

import re
from ..model import UNNAMED
from ..text import fold_for_search, words
from .outlet import OUTLET_WORDS, looks_like_outlet, resolve_outlet, unique_id
from .people import Matcher, registry_names
from .personhood import ROLE_WORDS, SPEECH
from .datetext import MONTHS
from .prose import QUOTES, masked, sentences, slugify, word_list
from .records import Body, ClaimDraft, Found, NewActor, Page, Registry
from dataclasses import dataclass


# --- claims -------------------------------------------------------------------------------

_VERB = re.compile(r"\b(?P<verb>" + SPEECH + r"|[Aa]ccording to|reported|notes|note)\b")
_INVERTIBLE = {"said", "says", "stated", "added", "adds", "noted", "explained", "wrote", "reported", "continued",
               "insisted", "warned", "stressed", "believes", "argued", "declared", "according to"}
_DENIAL = {"denied", "denies", "rejected", "dismissed"}
_PASSIVE = re.compile(r"\b(?P<subj>this|that|it)?\s*(?:was|were|has been|have been|is|are)\s+(?:made clear|said|"
                      r"stated|announced|voiced|reported|expressed|confirmed|denied|stressed)\b[^.;\u00a7]*?\bby\s+"
                      r"(?P<agent>[^;\u00a7]+?)\s*(?:[.;]|$)", re.IGNORECASE)
_NOMINAL_DENIAL = re.compile(r"\bdenials?\s+(?:on the (?:part|side) of|from|by)\s+(?P<agent>[^,.;\u00a7]+?)"
                             r"(?=\s+(?:within|in|on|at|after|before|during|last|this|yesterday|today)\b|[,.;\u00a7]|$)",
                             re.IGNORECASE)
LEADING = re.compile(r"^(?:(?:however|meanwhile|but|and|so|also|in addition|moreover|furthermore|separately|"
                      r"earlier|later|still|yet|now|then|instead|indeed|in fact|at the same time|previously)\b,?\s*)+",
                      re.IGNORECASE)
_TRAILING = re.compile(r"(?:\s+(?:also|himself|herself|themselves|itself|later|then|further|previously|earlier|again|"
                       r"reportedly|repeatedly|publicly|recently|has|have|had|once|had also|since|still|instead|"
                       r"now|too|though|however|meanwhile|"
                       r"(?-i:(?!(?:family|assembly|supply|ally|rally|daily|italy|july|bully|anomaly)\b)[a-z]{3,}ly)))+$",
                       re.IGNORECASE)
# A time after the speaker: "the Delhi Police on Sunday", "officials late on Tuesday".
_TIME_AFTER = re.compile(r",?\s+(?:(?:on|early|late|last|this|earlier|later)\s+)+(?:on\s+)?(?:monday|tuesday|wednesday|"
                         r"thursday|friday|saturday|sunday|week|weekend|month|year|night|morning|afternoon|evening|"
                         r"today|yesterday)\b.*$|\s+(?:yesterday|today|tonight)$", re.IGNORECASE)
_TIME_BEFORE = re.compile(r"^(?:on\s+)?the\s+(?:same|next|following|previous)\s+(?:day|week|morning|afternoon|"
                          r"evening|night)\s+", re.IGNORECASE)
_CONJUNCTION = re.compile(r"^(?:while|although|though|as|because|since|if|when|once|whereas|until|unless|after|before|"
                          r"and|but|so)\s+", re.IGNORECASE)
# A conjunction inside the words before a speech verb: the speaker's words are only a clause of
# the sentence, not the sentence a claim would quote.
_INNER_CLAUSE = re.compile(r"\s(?:as|while|whereas|because|although|though|but)\s(?!well\b|many\b|much\b)",
                           re.IGNORECASE)
_PREPOSITIONS = {"in", "on", "at", "from", "with", "by", "for", "of", "to", "after", "before", "during", "under", "over",
                 "into", "through", "across", "per", "about", "than", "like", "near", "since", "upon", "within"}
_AUXILIARIES = {"is", "are", "was", "were", "has", "have", "had", "be", "been", "being", "will", "would", "could", "can",
                "did", "does", "do", "should", "may", "might", "must", "shall", "isn't", "wasn't", "weren't", "don't",
                "doesn't", "didn't", "hasn't", "haven't", "won't", "can't"}
_DETERMINERS = {"a", "an", "the", "one", "two", "three", "four", "five", "six", "some", "several", "many", "most",
                "other", "another", "both", "all", "each", "his", "her", "their", "its", "our", "multiple", "senior",
                "top", "local", "unnamed", "anonymous", "these", "those", "this", "that"}
_SUBJECT_PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "there"}
# Words that stand for a speaker named elsewhere, or for nobody: never a speaker on their own.
_PRONOUN_LIKE = {"another", "some", "many", "others", "other", "this", "that", "these", "those", "several", "most",
                 "few", "both", "each", "all", "one", "none", "such", "everyone", "everybody", "someone", "somebody",
                 "anyone", "anybody", "nobody", "more", "much", "any", "either", "neither", "he", "she", "it", "they",
                 "we", "i", "you", "him", "her", "them", "us", "me", "the", "a", "an", "who", "which", "what", "here",
                 "there", "first", "second", "latter", "former", "same"}
_TIME_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday",
               "tomorrow", "tonight", "morning", "afternoon", "evening", "night", "week", "weekend", "month", "year",
               "last", "next", "this", "on", "early", "late", "ago", "earlier", "later", "the", "of", "in", "at"} | \
    set(MONTHS)
_DATE_WORDS = _TIME_WORDS - {"last", "next", "this", "on", "early", "late", "ago", "earlier", "later", "the", "of", "in",
                             "at"}
# Words that end the names of places ("Mathura Road", "Kathmandu Valley"), and prepositions of place.
_PLACE_HEADS = {"road", "street", "avenue", "lane", "marg", "bypass", "highway", "square", "bridge", "district",
                "province", "county", "valley", "village", "town", "city", "region", "state", "island", "islands",
                "mountains", "hills", "heights", "park", "nagar", "vihar", "bagh", "colony", "sector", "camp"}
# Where a place's name starts: after "in", "near"... ("in Peeragarhi"), also after a town and a
# comma ("in Greenbelt, Maryland").
_PLACE_PREPOSITION = r"\b(?i:in|near|across|outside|inside|throughout|around)\s+(?i:the\s+)?"
_PLACE_STARTS = (re.compile(_PLACE_PREPOSITION + r"(?=[A-Z])"),
                 re.compile(_PLACE_PREPOSITION + r"[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?,\s+(?=[A-Z])"))
_ROLE_NOUNS = ROLE_WORDS - {"by", "mr", "mrs", "ms", "dr"} | {
    "source", "sources", "officials", "diplomats", "experts", "analysts", "ministry", "government", "people",
    "person", "witnesses", "witness", "residents", "insiders", "commanders", "leaders", "spokesmen", "delegates",
    "police", "authorities", "officers", "agency", "army", "military", "office", "department", "council", "court",
    "committee", "commission", "company", "board", "activists", "protesters", "scientists", "researchers", "doctors",
    "lawyers", "prosecutors", "investigators", "rescuers", "spokesperson"}
_FUNCTION = {"the", "a", "an", "of", "for", "to", "in", "on", "at", "and", "with", "from", "by"}


@dataclass
class _Speaker:
    actor: str | None  # actor id
    label: str  # words of the text for an unnamed speaker


class _ClaimContext:
    def __init__(self, registry: Registry, matcher: Matcher, new_actors: tuple[NewActor, ...], sources, text: str = ""):
        self.registry, self.matcher, self.sources = registry, matcher, sources
        self.text = text  # the whole article, to tell places by how it names them
        self._place_marks: tuple[list[int], list[int]] | None = None
        self.roles = {a.id: a.role for a in registry.actors.values()}
        self.roles.update({a.id: a.role for a in new_actors})
        self.contexts: list[tuple[str, str]] = []  # (actor id, words before its mention), in text order
        self.unnamed: list[str] = []  # labels of indefinite speakers seen so far ("a Russian official")
        self.last_speaker: _Speaker | None = None
        self.last_person: str | None = None

    def note_mentions(self, text: str) -> None:
        for start, end, actor_id in self.matcher.find(text):
            self.contexts.append((actor_id, text[max(0, start - 80):start]))
            if not re.match(r"['\u2019]s\b", text[end:end + 2]):
                self.last_person = actor_id

    def resolve(self, phrase: str) -> _Speaker | None:
        speaker = self._resolve(phrase)
        if speaker is not None and speaker.actor is None and not self._can_speak(speaker.label):
            return None
        return speaker

    def _can_speak(self, label: str) -> bool:
        """Whether words of the text can name an unnamed speaker: a person, an organisation or a
        described source ("a senior police officer"), not a place ("Peeragarhi"), a date
        ("Wednesday"), a word that stands for someone named elsewhere ("Another", "Some") or a
        clause ("Price and gas mileage were not")."""
        words_ = [w.lower().replace("\u2019", "'") for w in word_list(label)]
        if not words_ or words_[-1] in ("and", "or", "but") or all(w in _PRONOUN_LIKE for w in words_) or \
                all(w in _TIME_WORDS or w.isdigit() for w in words_) and set(words_) & _DATE_WORDS:
            return False
        if words_[0] in _PREPOSITIONS or words_[0] in _SUBJECT_PRONOUNS:
            return False
        relative = next((i for i, w in enumerate(words_) if w in ("who", "that", "which", "whose")), len(words_))
        if any(w in _AUXILIARIES for w in words_[:relative]) or set(words_) & _SUBJECT_PRONOUNS - {"there", "it"} or \
                any(re.fullmatch(SPEECH + "|say", w) for w in words_):
            return False  # a clause ("Price and gas mileage were not", "officials say as many as")
        if label[:1].islower() and words_[0] not in _DETERMINERS and \
                not any(w in _ROLE_NOUNS or w.rstrip("s") in _ROLE_NOUNS for w in words_[:3]):
            return False  # "always stop by his office to exchange": no noun phrase
        bare = re.sub(r"^the\s+", "", label.strip(), flags=re.IGNORECASE)
        tokens = bare.split()
        if any(w in _ROLE_NOUNS or w in OUTLET_WORDS for w in words_) or re.fullmatch(r"[A-Z0-9.&-]{2,}", bare):
            return True
        if tokens and all(t[:1].isupper() or t.lower() in ("and", "of") for t in tokens):
            if words_[-1] in _PLACE_HEADS:
                return False  # "Mathura Road and Saleem Garh Bypass"
            if self._named_as_place(bare):
                return False  # "in Peeragarhi", "Peeragarhi, where ...": a place
        return True

    def _named_as_place(self, name: str) -> bool:
        """Whether the text names `name` as a place: after "in", "near", "across"... (not as a
        possessive: "in Apple's"), or before ", where"."""
        if self._place_marks is None:
            self._place_marks = (
                [m.end() for pattern in _PLACE_STARTS for m in pattern.finditer(self.text)],
                [m.start() for m in re.finditer(r",\s+where\b", self.text)])
        after_preposition, before_where = self._place_marks
        size = len(name)
        for at in after_preposition:
            if self.text.startswith(name, at) and not re.match(r"\w|['\u2019]s\b", self.text[at + size:at + size + 2]):
                return True
        return any(at >= size and self.text.endswith(name, 0, at) and (at == size or not self.text[at - size - 1].isalnum())
                   for at in before_where)

    def _resolve(self, phrase: str) -> _Speaker | None:
        phrase = LEADING.sub("", phrase.strip(" ,;:-\u2013\u2014\u00a7")).strip(" ,")
        phrase = _CONJUNCTION.sub("", phrase).strip(" ,")
        phrase = _TIME_AFTER.sub("", phrase).strip(" ,")
        phrase = _TIME_BEFORE.sub("", phrase).strip(" ,")
        phrase = _TRAILING.sub("", phrase).strip(" ,")
        phrase = re.sub(r",?\s*who$", "", phrase).strip(" ,")
        if not phrase or len(word_list(phrase)) > 25:
            return None
        if re.search(r"\b(?:is|was|were|are|be|been|being)$", phrase, re.IGNORECASE):
            return None  # "... was said": a passive with no speaker
        mentions = self.matcher.find(phrase)
        good = [m for m in mentions
                if not re.match(r"\s*['\u2019]s\b", phrase[m[1]:m[1] + 3])
                and not re.search(r"\b(?:of|for|to|with|from|against|about|on|by|and)\s*$", phrase[:m[0]].lower())]
        if good:
            return _Speaker(good[-1][2], "")
        words_ = [w.lower() for w in word_list(phrase)]
        if len(words_) == 1 and words_[0] in ("he", "she"):
            if self.last_speaker:
                return self.last_speaker
            return _Speaker(self.last_person, "") if self.last_person else None
        if not words_ or words_[0] in ("it", "this", "that", "there", "which", "they", "we", "i", "you", "what",
                                       "who", "said", "says", "told") or \
                words_[-1] in ("is", "was", "were", "are", "be", "been", "has", "have", "had"):
            return None
        source = resolve_outlet(phrase, self.sources)
        if source or looks_like_outlet(phrase) and phrase[:1].isupper():
            return _Speaker(None, source.name if source else phrase)
        content = [w for w in words_ if w not in _FUNCTION]
        # The head noun: "head" in "head of the group", "official" in "a Russian official".
        before_of = words_[:next((i for i, w in enumerate(words_) if w in ("of", "for", "to", "at", "in")), len(words_))]
        heads = [w for w in before_of if w not in _FUNCTION]
        head = heads[-1] if heads else (content[-1] if content else "")
        bare = len(words_) <= 4 and words_[0] == "the" and not set(words_[1:]) & {"of", "for", "to"}
        if bare and head:
            for label in reversed(self.unnamed):
                if head in [w.lower() for w in word_list(label)]:
                    return _Speaker(None, label)
        if (bare or words_[0] not in ("a", "an")) and head in _ROLE_NOUNS | {"source"}:
            wanted = set(content)
            for actor_id, before in reversed(self.contexts):
                near = {w.lower() for w in word_list(before)} | {w.lower() for w in word_list(self.roles.get(actor_id, ""))}
                if head in near and len(wanted & near) >= max(1, round(0.75 * len(wanted))):
                    return _Speaker(actor_id, "")
            # "the minister of ports": the one registry actor whose role has every word of it
            fitting = [a.id for a in self.registry.actors.values()
                       if wanted <= {w.lower() for w in word_list(a.role)}]
            if len(fitting) == 1 and len(wanted) >= 2:
                return _Speaker(fitting[0], "")
        if words_[0] in ("a", "an") or not mentions and content:
            label = phrase if len(words_) <= 12 else " ".join(phrase.split()[:12])
            if words_[0] in ("a", "an", "the") or mentions or any(w in _ROLE_NOUNS for w in words_) or \
                    phrase[:1].isupper() and len(words_) <= 6:
                if words_[0] in ("a", "an"):
                    self.unnamed.append(label)
                return _Speaker(None, label)
        if mentions:  # only possessive or prepositional mentions: "Haftar's forces"
            return _Speaker(None, phrase)
        return None


def _attributions(sentence: str, masked: str, context: _ClaimContext) -> list[tuple[_Speaker, str, str]]:
    """(speaker, verb, kind) for each report of speech in one sentence; kind 'this' = backwards.

    `masked` is the sentence with its quoted words hidden (masked in the whole paragraph, since
    a quotation may open in an earlier sentence)."""
    found = []
    for match in _PASSIVE.finditer(masked):
        speaker = context.resolve(match.group("agent"))
        if speaker:
            kind = "this" if match.group("subj") and match.start("subj") <= 2 else "passive"
            found.append((speaker, "passive", kind, match.start()))
    for match in _NOMINAL_DENIAL.finditer(masked):
        speaker = context.resolve(match.group("agent"))
        if speaker:
            found.append((speaker, "denied", "nominal", match.start()))
    for match in _VERB.finditer(masked):
        verb = match.group("verb").lower()
        if any(f[3] <= match.start() <= f[3] + 60 and f[1] == "passive" for f in found):
            continue
        if re.match(r"\s+to\s+(?:have|be)\b", masked[match.end():]):
            continue  # "said to have been": hearsay with no speaker
        before = masked[:match.start()]
        left = re.split(r"[;:\u00a7]|\s[\u2013\u2014-]\s", before)[-1]
        right = re.split(r"[;\u00a7]|,\s+[a-z]+ing\b|\s+that\b|(?<!\b[A-Z])\.(?:\s|$)", masked[match.end():])[0]
        # '..., said Lev Dengov.' names the speaker after the verb; 'X, a spokesman, said the
        # army had asked ...' names him before it: after the verb then comes a whole clause.
        inverted = verb == "according to" or not left.strip(" ,") or before.rstrip().endswith("\u00a7") or (
            before.rstrip().endswith(",") and len(word_list(right.split(",")[0])) <= 8
            and not re.search(r"\b(?:had|has|have|was|were|is|are|would|will|could|can|did|does|" + SPEECH + r")\b",
                              right.split(",")[0]))
        if inverted and verb in _INVERTIBLE:
            segments = [s for s in right.split(",")]
            phrase = segments[0]
            if len(segments) > 1 and context.matcher.find(segments[1]) and \
                    len(word_list(segments[1])) <= 5:
                phrase = segments[0] + "," + segments[1]
            speaker = context.resolve(phrase)
        else:
            if verb in ("according to",):
                continue
            segments = [s for s in left.split(",")]
            speaker, subordinate = None, False
            for back in range(1, min(4, len(segments)) + 1):
                candidate = segments[-back]
                if back == 1 and _INNER_CLAUSE.search(candidate):
                    subordinate = True  # "... relief as officials said ...": they said only the clause after it
                    break
                cleaned = _TRAILING.sub("", LEADING.sub("", candidate.strip())).strip()
                if not cleaned or re.match(r"(?:who|which|whose|whom)\b", cleaned):
                    continue  # empty, or a relative clause about the speaker named before it
                speaker = context.resolve(candidate)
                if speaker is None and back == 1 and len(segments) > 1:
                    continue
                # "Tarek Mansouri, a spokesman for ..., said": the name before the description.
                if speaker is not None and speaker.actor is None and back < len(segments):
                    named = context.matcher.find(segments[-back - 1])
                    if named and len(word_list(segments[-back - 1])) <= 5:
                        speaker = _Speaker(named[-1][2], "")
                break
            if speaker is None and not subordinate and len(segments) > 1:
                speaker = context.resolve(",".join(segments[-2:]))
        if speaker:
            found.append((speaker, verb, "verb", match.start()))
    return [(s, v, k) for s, v, k, _ in sorted(found, key=lambda f: f[3])]


def _statement(sentence: str) -> str:
    """The reported content in the sentence's own words, without the attribution: the quoted
    words of a sentence that opens a quotation, what follows "said that", or the sentence less
    its ", X said" or "According to X," part."""
    text = sentence.strip()
    speech = r"\b(?:" + SPEECH + r"|notes|according to)\b"
    closing = max((text.rfind(q) for q in QUOTES), default=-1)
    if text[:1] in QUOTES:
        inner = re.match(r"^.([^\"\u201c\u201d\u00ab\u00bb\u201e]{12,})[\"\u201c\u201d\u00ab\u00bb\u201e]", text)
        text = inner.group(1) if inner else text[1:]
    elif closing > 0 and re.search(speech, text[closing:], re.IGNORECASE) and \
            not any(q in text[:closing] for q in QUOTES):
        text = text[:closing]  # the last sentence of a longer quotation
    else:
        text = re.sub(r"^[A-Z][A-Z .'\-]{2,40}(?:,[^()\u2013\u2014-]{0,30})?(?:\s*\([^)]*\))?\s*[-\u2013\u2014]\s+",
                      "", text)  # a dateline
        that = re.search(r"\b(?:" + SPEECH + r"|notes)\s+(?:[^,]{0,60}?\s)?that\s+(.+)$", text)
        plain = re.search(r"\s(?:said|says|added|stated|insisted|warned)\s+((?:\S+\s+){3,}\S+)$", text)
        if that:
            text = that.group(1)
        elif plain and not re.match(r"(?:in|at|on|to|during|after|before|by)\b", plain.group(1)) and re.search(
                r"\b(?:had|has|have|was|were|is|are|would|will|could|can|did|does|should|must|may|might)\b",
                " ".join(plain.group(1).split()[:6])):
            text = plain.group(1)  # "..., said the army had asked only for spare parts"
        else:
            # "The streets, he said, were littered": the attribution set in the middle goes, the words stay.
            text = re.sub(r",\s*(?:he|she|they|[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,3})\s+(?:"
                          + SPEECH + r"),\s+", " ", text)
            text = re.sub(r"^(?i:according to)\s+[^,]+,\s*", "", text)
            text = re.sub(r",\s*(?:[^,]{0,80}\s)?(?:" + SPEECH + r"|reported|(?i:according to))\b[^,]*(?:,.*)?$", "",
                          text)
    text = text.strip(" ,\"\u201c\u201d\u00ab\u00bb")
    if text and text[-1] not in ".!?\u2026":
        text += "."
    return text[:1].upper() + text[1:]


def content_words(text: str) -> set[str]:
    return {w for w, _, _ in words(text) if len(w) > 2}


def _existing_claim(quote: str, registry: Registry):
    """An archived claim whose quote holds nearly the same words (the same proposition copied)."""
    mine = content_words(quote)
    best, best_share = None, 0.0
    for article in registry.articles:
        for claim in article.claims:
            if fold_for_search(claim.quote) == fold_for_search(quote):
                return claim, article.slug
    if len(mine) < 6:
        return None
    for article in registry.articles:
        for claim in article.claims:
            theirs = content_words(claim.quote)
            if len(theirs) < 6:
                continue
            share = len(mine & theirs) / min(len(mine), len(theirs))
            if share > best_share:
                best, best_share = (claim, article.slug), share
    return best if best_share >= 0.8 else None


def extract_claims(page: Page, registry: Registry, done: dict) -> Found:
    body: Body = done["body"].value
    people: Found = done["people"]
    new_actors = tuple(p for p in people.proposed if isinstance(p, NewActor))
    matcher = Matcher({**registry_names(registry), **{a.id: (a.name, *a.aliases) for a in new_actors}})
    context = _ClaimContext(registry, matcher, new_actors, registry.sources,
                            "\n".join(line.text for line in body.paragraphs))
    drafts: list[ClaimDraft] = []
    used_ids = {c.id for a in registry.articles for c in a.claims}
    previous: list[str] = []  # sentences of the paragraph before
    for line in body.paragraphs:
        text = line.text
        # Sentences held together by one quotation share the speaker named anywhere in it.
        open_before, inside = [], False
        for char in text:
            open_before.append(inside)
            if char in QUOTES:
                inside = not inside
        hidden = masked(text)
        spans: list[tuple[int, int]] = []
        for start, end in sentences(text):
            # '... in no time.” Buisier added.' is one sentence: a bare attribution joins the quote.
            if spans and len(word_list(text[start:end])) <= 6 and not open_before[start] and \
                    _VERB.search(hidden[start:end]):
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        groups: list[list[tuple[int, int]]] = []
        for start, end in spans:
            if groups and open_before[start]:
                groups[-1].append((start, end))
            else:
                groups.append([(start, end)])
        done_sentences: list[tuple[int, int]] = []
        for group in groups:
            found = []
            for start, end in group:
                found.extend(_attributions(text[start:end], hidden[start:end], context))
                context.note_mentions(text[start:end])
            if not found:
                done_sentences.extend(group)
                continue
            ranked = sorted(found, key=lambda f: (f[0].actor is None, f[1] in _DENIAL))
            speaker, verb, kind = ranked[0]
            targets = group
            if kind == "this":  # "This was reported by X": the sentences before it
                targets = done_sentences[-3:] or [(None, s) for s in previous[-2:]] or group
            for start, end in targets:
                quote = (text[start:end] if start is not None else end).strip()
                if len(word_list(quote)) < 3 or any(d.quote == quote for d in drafts):
                    continue
                drafts.append(_draft(quote, speaker, verb, registry, used_ids))
            context.last_speaker = speaker
            done_sentences.extend(group)
        previous = [text[a:b] for a, b in spans]
    evidence = f"{len(drafts)} reported statements" + (
        "; ids and statements of new propositions need a reviewer" if any(not d.confident for d in drafts) else "")
    return Found(tuple(drafts), evidence, confident=all(d.confident for d in drafts))


_NEGATIONS = {"no", "not", "never", "none", "nor", "without"}


def _draft(quote: str, speaker: _Speaker, verb: str, registry: Registry, used_ids: set[str]) -> ClaimDraft:
    stance = "denies" if verb in _DENIAL else "asserts"
    existing = _existing_claim(quote, registry)
    who = speaker.actor or f"unnamed ({speaker.label})"
    if existing:
        claim, slug = existing
        return ClaimDraft(claim.id, speaker.actor or UNNAMED, "" if speaker.actor else speaker.label,
                          stance, claim.statement, quote,
                          f"{who} {verb}; same words as claim '{claim.id}' in {slug}", True)
    statement = _statement(quote)
    # Negations are short function words, but dropping them turns "no troops" into "troops".
    content = [w for w in word_list(statement)
               if w.lower() in _NEGATIONS or (w.lower() not in _FUNCTION and len(w) > 2)][:6]
    base = slugify(" ".join(content)) or "claim"
    claim_id = base if base not in used_ids else unique_id(base, used_ids)
    return ClaimDraft(claim_id, speaker.actor or UNNAMED, "" if speaker.actor else speaker.label, stance,
                      statement, quote, f"{who} {verb}; new proposition", False)
