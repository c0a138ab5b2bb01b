"""Where every page and file of the site lives: the one place an address is written.

Addresses are relative to the site's top ("articles/SLUG/index.html"). Pages link to each
other relatively (through `root`, the way back to the top from the page) and name index.html
explicitly, so the site works from any subfolder and from file://. Templates ask for an
address with the `url` helper (render.make_environment): `url("article", slug)` is the
address from the page being made; `url("article", slug, absolute=true)` is the archive's own
address when config.yaml has a base_url.
"""

from __future__ import annotations

# Slugs and ids never hold two hyphens in a row, so "--" parts a reprint's two slugs unambiguously.


def article(slug: str) -> str:
    return f"articles/{slug}/index.html"


def article_data(slug: str) -> str:
    return f"articles/{slug}/index.json"


def reprint(copy: str, original: str) -> str:
    return f"reprints/{copy}--{original}/index.html"


def claim(claim_id: str) -> str:
    return f"claims/{claim_id}/index.html"


def actor(actor_id: str) -> str:
    return f"actors/{actor_id}/index.html"


def actor_feed(actor_id: str) -> str:
    return f"actors/{actor_id}/feed.xml"


def source(source_id: str) -> str:
    return f"sources/{source_id}/index.html"


def source_feed(source_id: str) -> str:
    return f"sources/{source_id}/feed.xml"


def year(year: str) -> str:
    return f"archive/{year}/index.html"


def month(year: str, month: str) -> str:
    return f"archive/{year}/{month}/index.html"


def static(name: str) -> str:
    return f"static/{name}"


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

# Every kind of address by name, for templates: url("actor", actor_id).
KINDS = {
    "article": article, "article_data": article_data, "reprint": reprint, "claim": claim,
    "actor": actor, "actor_feed": actor_feed, "source": source, "source_feed": source_feed,
    "year": year, "month": month, "static": static,
    **{name.lower(): (lambda address=address: address) for name, address in (
        ("HOME", HOME), ("FEED", FEED), ("ARCHIVE", ARCHIVE), ("UNDATED", UNDATED), ("ACTORS", ACTORS),
        ("SOURCES", SOURCES), ("CLAIMS", CLAIMS), ("REPRINTS", REPRINTS), ("SEARCH", SEARCH),
        ("ARTICLES_DATA", ARTICLES_DATA), ("REPRINTS_DATA", REPRINTS_DATA))},
    "page": lambda path: path,  # an address already known (the page being made, a feed's page)
}


def address(kind: str, *args: str) -> str:
    """The address of a page of `kind` ("article", "actor", "home"...) from the site's top."""
    return KINDS[kind](*args)
