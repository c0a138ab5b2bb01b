"""Given names, from Faker's person providers (MIT): supporting evidence that a run of name
words is a person's, never evidence alone."""

from __future__ import annotations

import importlib
import pkgutil
import unicodedata
from functools import lru_cache


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# The generic "en" list also holds words given as names somewhere ("Texas", "China", "General",
# "Silver", "Star"); the lists of each country's names do not.
_LEFT_OUT = {"en"}


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    try:
        from faker.providers import person
    except ImportError:  # without the package, no name is known to be a given name
        return frozenset()
    names: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        if module.name in _LEFT_OUT:
            continue
        provider = getattr(importlib.import_module(f"{person.__name__}.{module.name}"), "Provider", None)
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            for cls in getattr(provider, "__mro__", ()):
                value = cls.__dict__.get(attribute)
                if isinstance(value, (tuple, list, dict)):
                    names.update(_fold(n) for n in value if isinstance(n, str) and " " not in n)
                    break
    return frozenset(names)


def given_name(word: str) -> bool:
    """Whether people are given this name somewhere ("Lionel", "Kylian", "Emiliano")."""
    return _fold(word) in _given_names()
