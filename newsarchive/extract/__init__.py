"""Capture text + address -> proposed metadata for a new article. Pure: no I/O, no clock.

`extract(page, registry)` runs the table EXTRACTORS in order; each field has one function
that reads the page (and the fields found before it) and returns a `Found`: the value, the
evidence for it in words a reviewer can check against the capture, and whether the rule
that found it is sure (`confident=False` flags the field for review). Fields may also
propose new registry entries (`NewActor`, `NewSource`) for an outlet or a person the
archive does not know yet.

Every rule here is general: it reads the shape of a page (position, line length, sentence
shape, repetition, tone), the shape of an address, common newsroom phrasing ("X said",
"according to X", "Originally appeared at X", "CITY (Agency) -") and the registries.
No rule knows the wording of any particular capture.
"""

from __future__ import annotations

from typing import Callable, Mapping

from .body import extract_body
from .claims import extract_claims
from .credit import extract_credit, extract_original
from .dates import extract_date
from .language import extract_language
from .outlet import extract_publisher
from .people import extract_people
from .records import (Body, ClaimDraft, DateValue, Extraction, Found, Line, NewActor, NewSource, OriginalValue, Page,
                      Registry)
from .title import extract_title

__all__ = ["extract", "EXTRACTORS", "Body", "ClaimDraft", "DateValue", "Extraction", "Found", "Line", "NewActor",
           "NewSource", "OriginalValue", "Page", "Registry"]

Extractor = Callable[[Page, Registry, dict], Found]

# Each front matter field has one extractor; later ones may read what earlier ones found.
EXTRACTORS: dict[str, Extractor] = {
    "body": extract_body,
    "language": extract_language,
    "title": extract_title,
    "publisher": extract_publisher,
    "original": extract_original,
    "credit": extract_credit,
    "date": extract_date,
    "people": extract_people,
    "claims": extract_claims,
}


Refiner = Callable[[Found], Found]


def extract(page: Page, registry: Registry, refine: Mapping[str, Refiner] | None = None) -> Extraction:
    """Every field of the page. `refine` maps a field to what replaces its Found once found (a
    saved page's own statements: its headline, its date, its body in the markup)."""
    done: dict[str, Found] = {}
    for name, extractor in EXTRACTORS.items():
        done[name] = extractor(page, registry, done)
        if refine and name in refine:
            done[name] = refine[name](done[name])
        if name in _ENGLISH_RULES and done["language"].value not in ("en", None):
            done[name] = _english_rules_only(name, done[name], done["language"].value)
    return Extraction(done)


# New people and claims are found by English phrasing ("X said", "spokesman X"); in another
# language they are left to the reviewer, and only people the registry knows are named.
_ENGLISH_RULES = ("people", "claims")


def _english_rules_only(name: str, found: Found, language: str) -> Found:
    why = f"the article is not in English ({language}): "
    if name == "claims":
        return Found((), why + "claims are left to the reviewer", confident=False)
    proposed = {p.id for p in found.proposed if isinstance(p, NewActor)}
    known = [actor_id for actor_id in found.value if actor_id not in proposed]
    return Found(tuple(known), why + f"{len(known)} people the registry knows; new people are left to the reviewer",
                 confident=False)
