"""Whether a name is a person's: the words around a mention that only people have beside them
(a role or title, a speech or human verb, an age, "his"/"her", "who", a quotation's attribution)."""

from __future__ import annotations

import re
from .prose import word_list


ROLE_WORDS = {"mr", "mrs", "ms", "dr", "president", "minister", "secretary", "spokesman", "spokeswoman",
               "spokesperson", "ambassador", "envoy", "general", "gen", "colonel", "col", "marshal", "commander",
               "chief", "head", "leader", "director", "adviser", "advisor", "analyst", "expert", "diplomat",
               "official", "deputy", "member", "mp", "senator", "correspondent", "journalist", "editor", "by",
               "professor", "prof", "representative", "mayor", "governor", "king", "prince", "sheikh", "emir",
               "judge", "chairman", "chairwoman", "chair", "lawmaker", "researcher", "orientalist", "premier",
               "reporter", "officer", "captain", "major", "lieutenant", "sergeant", "ceo", "founder", "aide",
               "activist", "lawyer", "writer", "author", "photographer", "negotiator", "mediator", "speaker",
               "vice", "employee", "worker", "resident", "student", "teacher", "coach", "player", "manager", "owner",
               "actor", "actress", "singer", "rapper", "musician", "comedian", "host", "presenter", "producer",
               "filmmaker", "designer", "artist", "architect", "doctor", "nurse", "surgeon", "scientist",
               "economist", "strategist", "investor", "businessman", "businesswoman", "entrepreneur", "billionaire",
               "mogul", "candidate", "nominee", "rival", "agent", "detective", "inspector", "superintendent",
               "attorney", "prosecutor", "pastor", "rev", "sen", "rep", "gov", "lt", "sgt", "capt", "sir", "dame",
               "queen", "chancellor", "astronaut", "pilot", "soldier", "victim", "suspect", "witness", "colleague",
               "wife", "husband", "son", "daughter", "father", "mother", "brother", "sister", "cousin", "friend",
               "boss", "quarterback", "striker", "goalkeeper", "midfielder", "pitcher", "teammate", "executive",
               "cofounder", "co-founder", "principal", "survivor"}
# Nouns only people have: "Epstein's associates", "Kirk's father".
_KIN = (r"wife|husband|son|daughter|sons|daughters|children|kids|family|mother|father|brother|sister|parents|"
        r"friend|friends|associates|lawyer|lawyers|attorney|attorneys|spokesman|spokeswoman|spokesperson|aides?|"
        r"girlfriend|boyfriend|fiancée?|widow|death|funeral|birthday|childhood|biography|memoir")
SPEECH = (r"said|says|told|tells|added|adds|noted|stated|stressed|explained|announced|declared|insisted|"
           r"warned|argued|believes|believed|thinks|claimed|wrote|writes|confirmed|denied|denies|rejected|"
           r"dismissed|emphasi[sz]ed|recalled|replied|continued|acknowledged|admitted|urged")
# Human verbs: what people do and institutions, places and products do not (beside SPEECH).
HUMAN = (r"(?:was|were|had been|has been)\s+(?:arrested|charged|killed|born|sentenced|elected|appointed|injured|"
         r"wounded|detained|jailed|convicted|acquitted|hospitali[sz]ed|questioned|interviewed|fired|sacked)|"
         r"testified|tweeted|resigned|died|smiled|laughed|shrugged|pleaded|apologi[sz]ed|married|recalls|"
         r"grew up|starred|sang|asked|answered|replied")


def role_word(word: str) -> bool:
    """A role word, also in the plural ("the founders") or the possessive ("the minister's")."""
    bare = re.sub(r"['\u2019]s?$", "", word).lower().strip(".")
    if "-" in bare and bare not in ROLE_WORDS:  # "President-elect", "Vice-Chairman", "ex-minister"
        return any(role_word(part) for part in bare.split("-") if part not in ("elect", "ex", "co", "vice"))
    return bare in ROLE_WORDS or bare.endswith("s") and bare[:-1] in ROLE_WORDS - {"m", "mr", "ms"}


def person_context(text: str, start: int, end: int) -> bool:
    """Whether a mention reads as a person's: after a title or role word, or the subject or
    object of a human verb ("Lindqvist said", "said Lindqvist", "Lindqvist, 45, was arrested")."""
    before, after = text[max(0, start - 60):start], text[end:end + 60]
    if re.search(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame)\.?\s+$", before):
        return True
    previous = word_list(before)[-1:]
    if previous and role_word(previous[0]) and previous[0].lower() != "by" and re.search(r"[\w.]\s+$", before):
        return True  # "Vice President Biden", "rival Biden"
    if re.match(r"['\u2019]s?\s+(?:\w+\s+)?(?:" + _KIN + r")\b", after):
        return True
    if re.match(r"\s*,?\s*(?:\d{1,3},\s*)?(?:who\s+)?(?:also\s+|later\s+|then\s+|had\s+|has\s+)?(?:" + SPEECH + "|"
                + HUMAN + r")\b", after) or re.match(r",\s+\d{1,3},", after):
        return True
    if re.match(r",\s+(?:in|on|at|during|after|before|speaking)\b[^,.;]{1,40},\s+(?:" + SPEECH + r")\b", after):
        return True  # "Lula, in a speech on Sunday night, said ..."
    if re.search(r"\b(?:" + SPEECH + r")\s+$", before):
        return True
    # The subject of a sentence that goes on about "his" or "her": "Bolsonaro indicated his support".
    sentence_before = re.split(r"[.!?]\s", text[max(0, start - 200):start])[-1]
    rest = re.split(r"[.!?](?:\s|$)", text[end:end + 200])[0]
    return not word_list(sentence_before) and bool(re.search(r"\b(?:he|his|him|himself|she|her|herself)\b",
                                                             rest, re.IGNORECASE))


