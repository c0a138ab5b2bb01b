"""Where every page and file of the site lives: the one place an address is written.

Addresses are relative to the site's top ("articles/SLUG/index.html"). Pages link to each
other relatively (through `root`, the way back to the top from the page) and name index.html
explicitly, so the site works from any subfolder and from file://. Templates ask for an
address with the `url` helper (render.make_environment): `url("article", slug)` is the
address from the page being made; `url("article", slug, absolute=true)` is the archive's own
address when config.yaml has a base_url.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Address:
    """The address of every page of one kind, given the ids that tell its pages apart."""

    pattern: str  # "articles/{}/index.html"

    def __call__(self, *ids: str) -> str:
        return self.pattern.format(*ids)


article = Address("articles/{}/index.html")  # slug
article_data = Address("articles/{}/index.json")  # slug
# Slugs never hold two hyphens in a row, so "--" parts a reprint's two slugs unambiguously.
reprint = Address("reprints/{}--{}/index.html")  # copy's slug, original's slug
reprints_part = Address("reprints/parts/{}/index.html")  # number of the part of the list of relations (from 1)
claim = Address("claims/{}/index.html")  # claim id
actor = Address("actors/{}/index.html")  # actor id
actor_feed = Address("actors/{}/feed.xml")
actor_part = Address("actors/{}/parts/{}/index.html")  # actor id, number of the part of their list (from 1)
source = Address("sources/{}/index.html")  # source id
source_feed = Address("sources/{}/feed.xml")
source_part = Address("sources/{}/parts/{}/index.html")  # source id, number of the part of its list
year = Address("archive/{}/index.html")  # "2017"
month = Address("archive/{}/{}/index.html")  # "2017", "05"
month_part = Address("archive/{}/{}/parts/{}/index.html")  # "2017", "05", number of the part of a long month
undated_part = Address("archive/undated/parts/{}/index.html")  # number of the part of a long list of undated articles
static = Address("static/{}")  # file name
sitemap_part = Address("sitemaps/{}.xml")  # number of the part, of a large site's sitemap

HOME = "index.html"
FEED = "feed.xml"
ARCHIVE = "archive/index.html"
UNDATED = "archive/undated/index.html"
ACTORS = "actors/index.html"
SOURCES = "sources/index.html"
CLAIMS = "claims/index.html"
REPRINTS = "reprints/index.html"
SEARCH = "search/index.html"
NOT_FOUND = "404.html"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
ARTICLES_DATA = "data/articles.json"
REPRINTS_DATA = "data/reprints.json"

# Every kind of address by name, for templates: url("actor", actor_id), url("home").
KINDS: dict[str, Address] = {
    "article": article, "article_data": article_data, "reprint": reprint, "reprints_part": reprints_part,
    "claim": claim,
    "actor": actor, "actor_feed": actor_feed, "actor_part": actor_part,
    "source": source, "source_feed": source_feed, "source_part": source_part,
    "year": year, "month": month, "month_part": month_part, "undated_part": undated_part,
    "static": static,
    "home": Address(HOME), "feed": Address(FEED), "archive": Address(ARCHIVE), "undated": Address(UNDATED),
    "actors": Address(ACTORS), "sources": Address(SOURCES), "claims": Address(CLAIMS),
    "reprints": Address(REPRINTS), "search": Address(SEARCH),
    "articles_data": Address(ARTICLES_DATA), "reprints_data": Address(REPRINTS_DATA),
    "page": Address("{}"),  # an address already known (the page being made, a feed's page)
}


def address(kind: str, *ids: str) -> str:
    """The address of a page of `kind` ("article", "actor", "home"...) from the site's top."""
    return KINDS[kind](*ids)


# The addresses with ids, each as a pattern matching them alone (an id holds no "/"), for kind_of.
_MATCHERS = tuple((kind, re.compile(re.escape(address.pattern).replace(re.escape("{}"), "([^/]+)")))
                  for kind, address in KINDS.items() if "{}" in address.pattern and kind != "page")


def kind_of(path: str) -> tuple[str, tuple[str, ...]] | None:
    """The kind and ids of an address with ids (address's inverse: address(*kind_of(path)) ==
    path), or None when no kind has such addresses."""
    for kind, matcher in _MATCHERS:
        found = matcher.fullmatch(path)
        if found and address(kind, *found.groups()) == path:
            return kind, found.groups()
    return None
