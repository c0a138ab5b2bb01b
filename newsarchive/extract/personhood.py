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
               "cofounder", "co-founder", "principal", "survivor", "keeper", "goalie", "winger", "defender", "skipper",
               "fullback", "full-back", "centre-back", "center-back", "playmaker", "linebacker", "cornerback",
               "batsman", "bowler", "golfer", "boxer", "sprinter", "swimmer", "cyclist", "jockey", "referee", "umpire",
               "sheriff", "commissioner", "councillor", "councilor", "councilman", "councilwoman", "trooper",
               "coroner", "constable", "firefighter"}
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


# Words a sentence opens with before its subject: "However, Mbappe converted his second penalty".
_OPENERS = r"(?:however|but|and|then|meanwhile|later|earlier|instead|yet|still|so|now|also|again|finally|eventually)"
# Nouns of what befalls or belongs to a person, before "of": "the death of George Floyd", "the family of ...".
_OF_PERSON = (r"death|killing|murder|funeral|widow|wife|husband|son|daughter|mother|father|brother|sister|"
              r"lawyer|lawyers|attorney|attorneys|spokesman|spokeswoman|spokesperson|arrest|assassination")
_PRONOUNS = r"\b(?:he|his|him|himself|she|her|herself)\b"
_AGE = r"\d{1,3}-year-old"


def person_context(text: str, start: int, end: int) -> bool:
    """Whether a mention reads as a person's: after a title or role word, or the subject or
    object of a human verb ("Lindqvist said", "said Lindqvist", "Lindqvist, 45, was arrested"),
    with an age ("Floyd, a 46-year-old Black man"), the attribution of a quotation
    ('," Taylor, the board chair, said'), "who ... his", or "he"/"she" going on about it."""
    before, after = text[max(0, start - 60):start], text[end:end + 60]
    if re.search(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame)\.?\s+$", before):
        return True
    previous = word_list(before)[-1:]
    if previous and role_word(previous[0]) and previous[0].lower() != "by" and re.search(r"[\w.]\s+$", before):
        return True  # "Vice President Biden", "rival Biden"
    if re.match(r"['\u2019]s?\s+(?:\w+\s+)?(?:" + _KIN + r")\b", after):
        return True
    if re.search(r"\b(?:" + _OF_PERSON + r")\s+of\s+$", before, re.IGNORECASE):
        return True  # "the death of George Floyd"
    if re.match(r"\s*,?\s*(?:\d{1,3},\s*)?(?:who\s+)?(?:also\s+|later\s+|then\s+|had\s+|has\s+)?(?:" + SPEECH + "|"
                + HUMAN + r")\b", after) or re.match(r",\s+\d{1,3},", after):
        return True
    if re.match(r",\s+(?:a|an|the)\s+(?:[\w-]+\s+)?" + _AGE + r"\b", after) or \
            re.search(r"\b(?:a|an|the)\s+" + _AGE + r"\s+(?:[a-z]+\s+)?$", before):
        return True  # "Floyd, a 46-year-old Black man", "the 45-year-old Chauvin": an age
    if re.match(r"\s+(?:was|is|were|are)\s+(?:among|one of)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:of\s+)?(?:the\s+)?"
                r"(?:people|persons|residents|survivors|victims|passengers|workers|men|women|children|patients|"
                r"students|fans|dead|injured|missing|those)\b", after):
        return True  # "Todd Lynch was among scores of people who escaped"
    if re.match(r",\s+(?:in|on|at|during|after|before|speaking|of|from)\b[^,.;]{1,40},\s+(?:" + SPEECH + r")\b", after):
        return True  # "Lula, in a speech on Sunday night, said ...", "Matt Darvas, of the aid group ..., said"
    if re.search(r"\b(?:" + SPEECH + r")\s+$", before) or \
            re.search(r"\bidentified\s+(?:(?:him|her)\s+)?(?:only\s+)?as\s+$", before):
        return True  # "said Lindqvist", "the accused was identified as Pritpal Singh"
    # The attribution of a quotation: '... path forward," Bret Taylor, the board's chair, said'.
    if re.search(r"[,?!\u2026]\s*[\"\u201d]\s*$", before) and \
            re.match(r"[^.!?\"\u201c\u201d]{0,80}?\b(?:" + SPEECH + r")\b", after):
        return True
    sentence_before = re.split(r"[.!?]\s", text[max(0, start - 200):start])[-1]
    sentence = re.search(r"^(.*?)(?:[.!?][\"\u201d]?(?:\s+|$)|$)(.*)", text[end:end + 300], re.DOTALL)
    rest, following = sentence.group(1), sentence.group(2)
    # "Lionel Messi, who had the most goal contributions for his team": "who" speaks of a person.
    if re.match(r",?\s+who\b", rest) and re.search(_PRONOUNS, rest, re.IGNORECASE):
        return True
    # The subject of a sentence that goes on about "his" or "her" ("Bolsonaro indicated his
    # support"), or that the next sentence calls "he" or "she" ("Mbappe beat Martinez. He then ...").
    if re.fullmatch(r"\s*(?:" + _OPENERS + r"\s*,?\s*)?", sentence_before, re.IGNORECASE):
        return bool(re.search(_PRONOUNS, rest, re.IGNORECASE) or re.match(r"(?:He|She)\b", following))
    return False


# Titles that stand before a surname alone ("President Biden", "PM Modi", "Mr Lavrov").
_TITLES = (r"Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame|PM|President|Prime Minister|Chancellor|Premier|Senator|Sen|Rep|"
           r"Gov|Governor|Mayor|Pope|King|Queen|Prince|Princess|Sheikh|Emir|Ayatollah|Imam|Rabbi|Archbishop|"
           r"Bishop|Cardinal|Judge|Gen|Col|Capt|Lt|Sgt|Minister|Secretary|Ambassador")
_LONE_NAME = re.compile(r"(?:(?<![\w.])(?<!\d\s)(?:" + _TITLES + r")\.?|"
                        r"\b(?:gave|gives|giving|give)\s+(?:only\s+)?(?:his|her|their)\s+(?:first\s+)?name\s+"
                        r"(?:only\s+)?as|"
                        r"\bidentified\s+only\s+as|\bknown\s+only\s+as)\s+$")


def lone_name_evidence(before: str) -> str:
    """Why one capitalised word is a person's name, from the words just before it: a title
    ("PM Modi", "President Biden") or the way a reporter names someone who gave one name ("a man
    who gave his name only as Ahmet"); "" when they show nothing."""
    found = _LONE_NAME.search(before[-60:])
    return f"after '{found.group().strip()}'" if found else ""
