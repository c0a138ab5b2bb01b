"""What a rebuild's changes can have changed in the Site: the read keys whose values may differ.

An output is made again when a value it read (a dependencies key: `("article", slug)`,
`("articles_naming", actor)`, ...) has a new digest. Digesting every value any output read is
a pass over the whole site; instead, a rebuild starts from what changed (the articles parsed
again whose fields or text differ, the articles added and deleted, the reprint relations that
differ) and names every key the Site joins them into (sitemodel.build_site), in their old and
new versions. Only those are digested and compared (render.py). Anything this does not follow
key by key (a registry or the config changed, no previous build) answers None: then every value
read is digested, as a first build would.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress
from operator import is_

from .buildstate import Parsed, ParsedArticle, ParsedRegistry
from .digests import blake
from .listing import Listing, first_day, period_of
from .memo import SameRecords
from .model import Article, Reprint
from .sitemodel import UNDATED, ArticleInfo, ClaimGroup, Site, part_key, words_of

@dataclass(frozen=True)
class Changes:
    """The articles whose fields changed (slug -> each version: the previous build's, this
    build's; one for an added or deleted article), those whose text alone changed, and the
    relations that differ."""

    articles: dict[str, tuple[Article | ArticleInfo, ...]]
    relations: frozenset[tuple[str, str]]  # (copy, original) of relations added, removed or changed
    texts: frozenset[str] = frozenset()  # slugs of articles whose fields are as they were, their text not
    # The versions in `articles`: the previous build's (of articles changed or deleted), this build's
    gone: tuple[Article, ...] = ()
    came: tuple[Article, ...] = ()


def changes_since(parsed_before: dict[str, Parsed], relations_before: dict[tuple[str, str], bytes],
                  parsed_now: dict[str, Parsed], relations_now: dict[tuple[str, str], bytes]) -> Changes | None:
    """What changed between two builds' parses and relations (relation_digests); None when a
    registry changed (every article may read it)."""
    registries = {key for key, entry in parsed_now.items() if isinstance(entry, ParsedRegistry)}
    if registries != {key for key, entry in parsed_before.items() if isinstance(entry, ParsedRegistry)} \
            or any(parsed_before[key].digest != parsed_now[key].digest for key in registries):
        return None
    versions: dict[str, list] = {}
    texts, gone, came = set(), [], []
    # The entries reused from the previous build's parse are the very objects it read back:
    # told from the others in C (0.13 -> 0.06 s of every rebuild at 100,000 articles).
    locations = list(parsed_now)
    reused = compress(locations, map(is_, map(parsed_before.get, locations), parsed_now.values()))
    for location in (parsed_before.keys() | parsed_now.keys()) - set(reused):
        old, new = parsed_before.get(location), parsed_now.get(location)
        old = old if isinstance(old, ParsedArticle) else None
        new = new if isinstance(new, ParsedArticle) else None
        if old is not None and new is not None and old.article is new.article:
            continue  # reused from the previous build's parse
        if old is not None and new is not None and old.digest == new.digest \
                and old.article.slug == new.article.slug:
            if old.article.body != new.article.body:
                texts.add(new.article.slug)  # the same fields (article_digest): no list changes
            continue  # else parsed again (a capture touched), to the same fields and text
        for entry, versions_of_build in ((old, gone), (new, came)):
            if entry is not None:
                versions.setdefault(entry.article.slug, []).append(entry.article)
                versions_of_build.append(entry.article)
    relations = frozenset(pair for pair in relations_before.keys() | relations_now.keys()
                          if relations_before.get(pair) != relations_now.get(pair))
    return Changes({slug: tuple(found) for slug, found in versions.items()}, relations,
                   frozenset(texts - versions.keys()), tuple(gone), tuple(came))


def affected_keys(changes: Changes | None, site: Site) -> set[tuple] | None:
    """The keys of the Site whose values the changes can have changed (a superset), or None
    for all of them."""
    if changes is None:
        return None
    keys = {("config",)}  # a new config makes every page again: no need to follow it
    versions = changes.articles
    # An article's text is only its own (its page, its lead in feeds): every list of the Site
    # is made from the articles' fields (sitemodel.ArticleInfo), which a text edit leaves alone.
    for slug in changes.texts:
        keys.update((("text", slug), ("lead", slug)))
    # A relation is in the Site's parts made from relations alone (sitemodel._text_reuse): the
    # copy's and the original's lists of relations, and the borrowings and reuse figures of
    # their outlets (in each version of an article whose fields changed too).
    if changes.relations:
        keys.add(("reprints",))
        _add_reprint_list(keys, site)
    for copy, original in changes.relations:
        keys.update((("copies_of", copy), ("originals_of", copy), ("copied_by", original)))
        for slug, outlet_list in ((copy, "borrowings_of"), (original, "borrowed_from")):
            found = (site.article[slug],) if slug in site.article else ()
            for info in (*found, *versions.get(slug, ())):
                keys.update(((outlet_list, info.publisher), ("reuse", info.publisher)))
    if versions:
        _add_field_changes(versions, changes.gone, site, keys)
    # A mapping looked at whole (iterated, counted) changes with any of its entries.
    keys.update([(key[0],) for key in keys if len(key) == 2])
    return keys


def _add_field_changes(versions: dict[str, tuple[Article | ArticleInfo, ...]], gone: tuple[Article, ...],
                       site: Site, keys: set) -> None:
    """The keys of the lists holding the articles whose fields changed, in each version (`gone`:
    those of the previous build)."""
    keys.update((("articles",), ("undated",), ("undated_index",), ("claims",)))
    undated_parts = len(site.undated_index.parts)
    keys.update(("undated_part", part_key(UNDATED, number)) for number in range(1, undated_parts + 2))
    claim_ids, words = set(), set()
    for slug, found in versions.items():
        keys.update((("article", slug), ("text", slug), ("lead", slug), ("copies_of", slug), ("originals_of", slug),
                     ("copied_by", slug)))
        for info in found:
            _keys_of_version(info, keys, claim_ids, words)
        # The list of relations places each by its copy's date, and its parts span their dates.
        if site.copies_of.get(slug):
            _add_reprint_list(keys, site)
        # The borrowings this article is part of carry it: the copier's and the copied outlet's.
        for relation in site.copied_by.get(slug, ()):
            keys.add(("borrowings_of", site.article[relation.copy].publisher))
        for relation in site.copies_of.get(slug, ()):
            keys.add(("borrowed_from", site.article[relation.original].publisher))
    listings = site.listings()
    for listing in listings.values():  # articles crediting a changed one as their original
        if listing.original is not None and listing.original[1] in versions:
            keys.update((("borrowed_from", listing.original[0]), ("borrowings_of", listing.publisher)))
    # A claim's group holds every article carrying it, and which is the earliest. Its title
    # cases each word as the articles most often write it, in titles and claims: a changed
    # article can change the casing of its own words.
    for group in site.claims:
        if group.id in claim_ids or any(word in words for word in group.id.split("-")):
            keys.add(("claim", group.id))
    keys.update(("claim", claim_id) for claim_id in claim_ids)  # groups gone
    # Each speaker's list of claims marks the earliest appearance of each: the other speakers of
    # a changed claim see a change only when its earliest day moved (at 100,000 articles, their
    # lists were 2 s to digest at every added article).
    # (The appearances are read as the Site keeps them, (slug, claim number, earliest) each, with
    # the articles' Listings: making their entries unfolded each article carrying the claim.)
    for claim_id in claim_ids:
        group = site.claim.get(claim_id)
        if group is not None and _earliest_day_moved(group, listings, versions, gone):
            keys.update(("claims_by", listings[slug].claims[number][1]) for slug, number, _ in group.appearances.keys)
    _add_parts(keys, site)


def _earliest_day_moved(group: ClaimGroup, listings: dict[str, Listing], changed: dict[str, tuple],
                        gone: tuple[Article, ...]) -> bool:
    """Whether a claim's earliest day (listing.first_day) differs from the previous build's:
    that one is the earliest among the unchanged articles carrying it and the previous versions
    of the changed ones."""
    now = [(slug, listings[slug].first) for slug, _, _ in group.appearances.keys]
    before = [day for slug, day in now if slug not in changed]
    before += [first_day(article) for article in gone if any(claim.id == group.id for claim in article.claims)]
    return min(filter(None, (day for _, day in now)), default=None) != min(filter(None, before), default=None)


def _add_parts(keys: set, site: Site) -> None:
    """The keys of the pages' views of each list among `keys` (a person's, an outlet's, a
    month's: Site.latest_naming...): its newest entries, its index, and its parts, any of which
    an article added or removed shifts, and the one after its last (a part gone, whose earlier
    neighbour links to it)."""
    for whole, latest, index, part, indexes in (
            ("articles_naming", "latest_naming", "naming_index", "naming_part", site.naming_index),
            ("published_by", "latest_published", "published_index", "published_part", site.published_index),
            ("by_month", None, "month_index", "month_part", site.month_index)):
        for owner in [key[1] for key in keys if key[0] == whole and len(key) == 2]:
            keys.update(((latest, owner), (index, owner)) if latest else ((index, owner),))
            parts = len(indexes[owner].parts) if owner in indexes else 0
            keys.update((part, part_key(owner, number)) for number in range(1, parts + 2))


def _add_reprint_list(keys: set, site: Site) -> None:
    """The keys of the list of relations as pages show it: its newest, its index, each part and
    the one after the last (a part gone, whose earlier neighbour links to it)."""
    keys.update((("latest_reprints",), ("reprint_kinds",), ("reprints_index",)))
    keys.update(("reprints_part", str(number)) for number in range(1, len(site.reprints_index.parts) + 2))


def _keys_of_version(info: Article | ArticleInfo, keys: set, claim_ids: set, words: set) -> None:
    """The keys the Site files one version of an article under (sitemodel.build_site)."""
    keys.update(("articles_naming", actor) for actor in info.people)
    publisher = info.publisher
    keys.update((("published_by", publisher), ("reuse", publisher),
                 ("borrowed_from", publisher), ("borrowings_of", publisher)))
    if info.original is not None:
        keys.add(("borrowed_from", info.original.source))
    period = period_of(info)
    if period is not None:
        year, month = period
        keys.add(("by_year", year))
        if month:
            keys.add(("by_month", f"{year}-{month}"))
    words.update(words_of(info.title))
    for claim in info.claims:
        claim_ids.add(claim.id)
        keys.update((("claims_by", claim.speaker), ("claim_count", claim.speaker)))
        words.update(words_of(claim.statement))
        words.update(words_of(claim.quote))


def relation_digest(relation: Reprint) -> bytes:
    """A relation is a frozen record of text, numbers and passages alone (no article in it):
    its repr says all of it, digested at a third of the Digester's cost (10,458 relations at
    100,000 articles, every rebuild: 0.29 -> 0.09 s)."""
    return blake(repr(relation).encode())


# Kept for the relations of a process's next build that are the same objects (memo.py).
_RELATION_DIGESTS = SameRecords(relation_digest)


def relation_digests(relations: tuple[Reprint, ...], digester) -> dict[tuple[str, str], bytes]:
    """Each relation's digest, by (copy, original): what the next build compares."""
    found = {}
    for relation, digest in zip(relations, _RELATION_DIGESTS.all(relations)):
        digester.known(relation, digest)
        found[relation.copy, relation.original] = digest
    return found


def reuse_digests(site: Site, affected: set[tuple], reads, digester) -> None:
    """Claim groups the changes cannot have changed are digested as the previous build stored
    them (each has a page reading it): the list of all claims is then digested from its
    groups' digests, not from every appearance of every claim (2 s at 100,000 articles)."""
    unchanged = [group for group in site.claims if ("claim", group.id) not in affected]
    stored = reads.stored_digests([("claim", group.id) for group in unchanged])
    for group in unchanged:
        digest = stored.get(("claim", group.id))
        if digest is not None:
            digester.known(group, digest)
