"""Publisher: the outlet, from the address's domain and the registry of sources."""

from __future__ import annotations

import re
from ..model import Source
from .prose import compact, name_tokens, slugify
from .records import Found, NewSource, Page, Registry
from typing import Mapping
from urllib.parse import urlsplit


# --- publisher and outlets ----------------------------------------------------------------

OUTLET_WORDS = {"news", "times", "herald", "post", "gazette", "journal", "tribune", "telegraph", "agency",
                 "press", "radio", "tv", "television", "channel", "broadcasting", "daily", "express", "observer",
                 "guardian", "monitor", "review", "magazine", "wire", "today", "chronicle", "standard",
                 "mirror", "courier", "dispatch", "bulletin", "network", "media", "weekly", "online", "newspaper",
                 "service", "report", "independent", "inquirer", "voice", "sentinel", "globe", "star"}


def host_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def source_for_domain(host: str, sources: Mapping[str, Source]) -> Source | None:
    labels = host.split(".")
    for cut in range(len(labels) - 1):
        candidate = ".".join(labels[cut:])
        for source in sources.values():
            if candidate in source.domains:
                return source
    return None


def resolve_outlet(name: str, sources: Mapping[str, Source]) -> Source | None:
    """The registered source a printed outlet name stands for (name or domain, any casing)."""
    key = compact(re.sub(r"^(?:the)\s+", "", name.strip(), flags=re.IGNORECASE))
    if not key:
        return None
    for source in sources.values():
        names = [source.name, *(d.split(".")[0] for d in source.domains),
                 *(d.rsplit(".", 1)[0] for d in source.domains)]
        if any(key == compact(re.sub(r"^the\s+", "", n, flags=re.IGNORECASE)) for n in names):
            return source
    return None


def looks_like_outlet(name: str) -> bool:
    tokens = [t for t, _, _ in name_tokens(name)]
    return bool(tokens) and any(t in OUTLET_WORDS for t in tokens)


def guess_kind(name: str) -> str:
    tokens = {t for t, _, _ in name_tokens(name)}
    if tokens & {"agency", "wire", "service"} or re.fullmatch(r"[A-Z]{2,6}", name.strip()):
        return "agency"
    if tokens & {"radio", "tv", "television", "channel", "broadcasting"}:
        return "broadcaster"
    if tokens & {"times", "herald", "post", "gazette", "journal", "tribune", "telegraph", "daily", "chronicle",
                 "courier", "newspaper", "weekly", "inquirer", "sentinel", "globe"}:
        return "newspaper"
    return "website"


# Hosts of many sites, each on its own subdomain: the outlet is the blog, not the platform.
_PLATFORMS = {"blogspot", "wordpress", "tumblr", "substack", "typepad", "blogs", "livejournal", "wixsite", "weebly",
              "github", "over-blog", "blogger", "hatenablog", "jimdo", "ghost"}


def _registrable(host: str) -> str:
    """The part of a host an outlet owns: "news.bbc.co.uk" -> bbc.co.uk, but
    "world-news-post.blogspot.com" -> the whole host, one blog of many on the platform."""
    labels = host.split(".")
    keep = 2
    if len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "gov", "ac", "edu") and len(labels[-1]) == 2:
        keep = 3
    if len(labels) > keep and labels[-keep] in _PLATFORMS:
        keep += 1
    return ".".join(labels[-keep:])


def unique_id(base: str, taken) -> str:
    base = base or "item"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _name_in_text(label: str, text: str) -> str | None:
    """A run of capitalised words in the text that spells the domain's label (DailyPlanet -> Daily Planet)."""
    target = compact(label)
    bare = re.sub(r"^the", "", target)
    for match in re.finditer(r"(?:[A-Z][\w&'\u2019.-]*\s+){0,4}[A-Z][\w&'\u2019.-]*", text):
        words_ = match.group().split()
        for i in range(len(words_)):
            for j in range(len(words_), i, -1):
                phrase = re.sub(r"['\u2019]s$", "", " ".join(words_[i:j]).strip("."))  # "The Hill's" names The Hill
                key = compact(phrase)
                if key and key in (target, bare) or re.sub(r"^the", "", key) == bare and len(bare) > 3:
                    return phrase.title() if phrase.isupper() and len(phrase) > 4 else phrase
    return None


def extract_publisher(page: Page, registry: Registry, done: dict) -> Found:
    host = host_of(page.url)
    source = source_for_domain(host, registry.sources)
    if source:
        return Found(source.id, f"the address's domain {host} belongs to {source.name} in sources.yaml")
    named = resolve_outlet(_registrable(host).split(".")[0], registry.sources)
    if named:
        return Found(named.id, f"the domain {host} is not in sources.yaml, but its name spells {named.name}'s; "
                               f"add {_registrable(host)} to its domains", confident=False)
    proposal, name_evidence = source_of_domain(host, page.text, registry.sources)
    return Found(proposal.id, f"the domain {host} is not in sources.yaml: proposed new source "
                              f"'{proposal.id}' ({name_evidence})", confident=False, proposed=(proposal,))


def source_of_domain(host: str, text: str, taken) -> tuple[NewSource, str]:
    """A new source for an unknown domain, named as the text prints it, else from the domain;
    and what the name comes from."""
    domain = _registrable(host)
    label = domain.split(".")[0]
    name = _name_in_text(label, text)
    name_evidence = f"the capture prints its name \"{name}\"" if name else "name made from the domain; check it"
    name = name or " ".join(part.capitalize() for part in re.split(r"[-_]", label) if part)
    proposal = NewSource(id=unique_id(slugify(name), taken), name=name, domains=(domain,)
                         if domain == host else (domain, host), kind=guess_kind(name),
                         evidence=f"unknown domain {host}; {name_evidence}")
    return proposal, name_evidence
