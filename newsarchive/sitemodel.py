"""Join articles, registries and reprint relations into the Site the templates read.

Relations are kept by key (slugs and ids) and resolved through lookup tables, so no record
is copied into another and every page sees the same objects.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import operator
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from .config import Config
from .listing import Listing, article_record, data_item_of, json_item, listing_of, period_of
from .memo import Equal, SameInputs
from .model import Actor, Article, Claim, Original, PubDate, Reprint, Source, WebArchiveRecord
from .text import lead

if TYPE_CHECKING:
    from .load import Archive


@dataclass(frozen=True)
class ArticleInfo:
    """An article without its text (nor its file's path, which no page shows): what lists,
    feeds, and people's and outlets' pages show.

    The Site holds these; the article with its text is read through the page's SiteView
    (dependencies.SiteView.text_of), which records the read, so a page that shows a text is
    made again when that text changes, and no other page is."""

    slug: str
    title: str
    url: str
    capture: str
    date: PubDate
    publisher: str
    original: Original | None
    credit: str
    people: tuple[str, ...]
    claims: tuple[Claim, ...]
    reprint_of: tuple[str, ...]
    not_reprint_of: tuple[str, ...]
    language: str
    author: str
    captured: str
    archive: WebArchiveRecord | None

    @classmethod
    def of(cls, article: Article) -> ArticleInfo:
        return cls(*_INFO_VALUES(article))  # in C, the values in order: 2.4 against 3.8 µs by name


_INFO_FIELDS = tuple(field.name for field in dataclasses.fields(ArticleInfo))
_INFO_VALUES = operator.attrgetter(*_INFO_FIELDS)
_SLUG = operator.attrgetter("slug")  # of an Article
if set(_INFO_FIELDS) != {field.name for field in dataclasses.fields(Article)} - {"body", "paragraphs", "path"}:
    raise TypeError("ArticleInfo must have every field of Article but its text and path")


@dataclass(frozen=True)
class Appearance:
    """One article carrying one claim."""

    claim: Claim
    article: ArticleInfo
    earliest: bool  # the earliest dated appearance of this claim id


@dataclass(frozen=True)
class ClaimGroup:
    id: str
    title: str
    appearances: Sequence[Appearance]  # oldest first, undated last (Appearances)
    stances: dict[str, int]  # stance -> how many appearances take it, counted from the Listings


class Entries(Sequence):
    """A list of articles as the Site keeps it: their slugs, each entry (ArticleInfo) made when
    read (Site.article). A list digested is digested from its articles' parse digests
    (dependencies.Digester), so a list no page shows an entry of makes none: a page showing 50
    of a person's articles makes 50, not the person's thousands."""

    __slots__ = ("keys", "_entry")

    def __init__(self, keys: tuple, entry: Callable[[str], ArticleInfo]):
        self.keys, self._entry = keys, entry

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(self.keys[index], self._entry)
        return self.made(self.keys[index])

    def __iter__(self):
        return map(self.made, self.keys)

    def made(self, key) -> ArticleInfo:
        """The entry of one of its keys."""
        return self._entry(key)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.keys!r})"


class Appearances(Entries):
    """A list of claims' appearances as the Site keeps them: (slug, which of its article's
    claims, whether the earliest) each, the Appearance made when read."""

    __slots__ = ()

    def made(self, key) -> Appearance:
        slug, number, earliest = key
        article = self._entry(slug)
        return Appearance(article.claims[number], article, earliest)


@dataclass(frozen=True)
class Borrowing:
    """An article that takes its text from another outlet: found by text overlap, credited, or both."""

    copy: ArticleInfo
    source: str  # id of the outlet copied
    original: ArticleInfo | None  # the archived original, when there is one
    relation: Reprint | None  # the text overlap found, if any
    credit: str  # "reprint" or "translation" when the text credits the outlet, else ""


class Borrowings(Entries):
    """An outlet's borrowings as the Site keeps them: (copy's slug, outlet copied, original's
    slug or None, relation or None, credit) each, the Borrowing made when read. The list of
    outlets counts every outlet's and the digest is made from the keys (Digester), so neither
    makes an entry (it made 21,000 at 100,000 articles, 2.5 s of every add)."""

    __slots__ = ()

    def made(self, key) -> Borrowing:
        copy, source, original, relation, credit = key
        return Borrowing(self._entry(copy), source, None if original is None else self._entry(original), relation, credit)


@dataclass(frozen=True)
class TextReuse:
    """How often an outlet's archived articles copy others' text, and are copied (detected reuse)."""

    articles: int  # its archived articles
    copying: int  # of those, how many take text from an archived article
    copied: int  # of those, how many others take text from
    copies: int  # relations in which it is the copy
    originals: int  # relations in which it is the original
    same_text: int  # articles carrying the same text as another, with no telling who was first


# An outlet's or a person's page lists their newest LIST_SIZE articles; a longer list goes on in
# parts of LIST_SIZE, each a page of its own, numbered from the oldest: an article added or
# edited changes the newest entries and one part, and a page never lists thousands.
LIST_SIZE = 50


@dataclass(frozen=True)
class ListPart:
    """One part of a long list: `size` articles, oldest first, the first dated `first`."""

    first: PubDate
    last: PubDate
    size: int


@dataclass(frozen=True)
class ListIndex:
    """How long a list of articles is (an outlet's, a person's), and its parts (ListPart), oldest
    first; no parts when the newest LIST_SIZE are the whole list."""

    count: int
    parts: tuple[ListPart, ...]


class Site:
    """The model the templates read (through dependencies.SiteView): the articles, registries
    and reprint relations joined into lists and lookup tables.

    Each part is made when first read, from what it is made from alone: a rebuild reads the
    values its changes can have changed and those the pages it makes again read, so an edit of
    an article's text, whose page reads no list of the whole archive, makes none (at 100,000
    articles the lists take 3 s to make). A process that builds again gets each part back
    while what it is made from is the same (memo.py). Which outputs the site has is known
    without the lists (`shape`)."""

    config: Config
    articles: Entries  # newest first, undated last
    actors: tuple[Actor, ...]  # by name
    sources: tuple[Source, ...]  # by name
    reprints: tuple[Reprint, ...]
    claims: tuple[ClaimGroup, ...]
    claim: dict[str, ClaimGroup]  # claim id -> its group
    article: dict[str, ArticleInfo]
    text: dict[str, Article]  # slug -> the article with its text (read through SiteView.text_of)
    lead: dict[str, str]  # slug -> its lead paragraph (text.lead), what feeds show, known without its text
    actor: dict[str, Actor]
    source: dict[str, Source]
    articles_naming: dict[str, Entries]  # actor id -> articles
    claims_by: dict[str, Appearances]  # actor id -> claims they make
    claim_count: dict[str, int]  # actor id -> how many claims they make (the list of people shows it)
    copies_of: dict[str, tuple[Reprint, ...]]  # slug -> relations where it is the copy
    # slug -> the originals of those relations, no more: what lists (a "copies text" badge) and
    # the timeline (its arrows) show, which a text edit moving a relation's passages leaves alone
    originals_of: dict[str, tuple[str, ...]]
    copied_by: dict[str, tuple[Reprint, ...]]  # slug -> relations where it is the original
    published_by: dict[str, Entries]  # source id -> its articles
    # What pages show of articles_naming and published_by (LIST_SIZE): the newest entries and
    # the index of the parts by owner's id, each part by "id/number" (from 1), oldest first.
    latest_naming: dict[str, Entries]
    naming_index: dict[str, ListIndex]
    naming_part: dict[str, Entries]
    latest_published: dict[str, Entries]
    published_index: dict[str, ListIndex]
    published_part: dict[str, Entries]
    # What the list of reprint relations shows (LIST_SIZE), each relation placed by its copy's
    # date, oldest first: the newest relations, the index of the parts, each part by its
    # number ("1", from the oldest). A relation found, or changed, changes one part.
    latest_reprints: tuple[Reprint, ...]
    reprint_kinds: dict[str, int]  # how many relations of each kind ("copy", "same-text"): the list's summary
    reprints_index: ListIndex
    reprints_part: dict[str, tuple[Reprint, ...]]
    borrowed_from: dict[str, Borrowings]  # source id -> pieces copying that outlet
    borrowings_of: dict[str, Borrowings]  # source id -> pieces it copied
    reuse: dict[str, TextReuse]  # source id -> how often it copies and is copied
    # The pages by date, each reading only its own period: an article added in May 2017
    # changes by_year["2017"] and by_month["2017-05"], and no other period's page.
    by_year: dict[str, dict[str, Entries]]  # year -> month ("" if unknown) -> articles, oldest first
    by_month: dict[str, Entries]  # "2017-05" -> its articles, oldest first
    # A month's page as it shows a long month: the index of its parts, each part ("2017-05/2").
    month_index: dict[str, ListIndex]
    month_part: dict[str, Entries]
    undated: Entries  # newest-first order of `articles`
    undated_index: ListIndex  # the page of undated articles, when long, lists its parts
    undated_part: dict[str, Entries]  # part_key(UNDATED, number) -> its articles

    def __init__(self, config: Config, archive: Archive, reprints: tuple[Reprint, ...],
                 counts: ArchiveCounts | None = None,
                 orders: ArchiveOrders | Callable[[], ArchiveOrders | None] | None = None):
        self.config, self.reprints, self._archive, self._counts = config, reprints, archive, counts
        self._orders = orders
        self._waiting: list[tuple[str, Callable[[], None]]] = []  # (value, what to do once it is made)

    def __getattr__(self, name: str):
        """A part not made yet: make it (with the other values made with it) and keep it."""
        make = _PART_OF.get(name)
        if make is None:
            raise AttributeError(f"the Site has no {name!r}")
        made = self.__dict__
        made.update(make(self))
        ready = [then for value, then in made["_waiting"] if value in made]
        made["_waiting"] = [(value, then) for value, then in made["_waiting"] if value not in made]
        for then in ready:
            then()
        return made[name]

    def when_made(self, name: str, then: Callable[[], None]) -> None:
        """Call `then()` once the value `name` is made: now if it is."""
        if name in self.__dict__:
            then()
        else:
            self._waiting.append((name, then))

    @property
    def shape(self) -> Shape:
        """Which outputs the site has (render.py), known without its lists."""
        return self._shape

    def listings(self) -> dict[str, Listing]:
        """Every article's Listing by its slug, in slug order: what a rebuild reads of every
        article to tell which of the lists its changes reach (changes.py)."""
        return self._listed

    def orders(self) -> ArchiveOrders:
        """Every article's slug in order, and each person's and outlet's (ArchiveOrders): as the
        Site was given them (moved from the last build's, or made now by what it was given
        to make them), else sorted and filed now. What the build state keeps for the next build."""
        if callable(self._orders):
            self._orders = self._orders()
        if self._orders is None:
            self._orders = ArchiveOrders.of(self._listed)
        return self._orders

    def orders_asked(self) -> bool:
        """Whether the orders the Site was given to make when asked for were asked for."""
        return not callable(self._orders)

    def data_item(self, slug: str) -> bytes:
        """The article's item of data/articles.json: as the load stage kept it (Archive.kept),
        without making its entry."""
        packed = self._archive.kept.get(slug)
        return data_item_of(packed) if packed is not None else json_item(article_record(self.article[slug]))

    def complete(self) -> None:
        """Make every part now: before pages are made in forked workers, which would each make
        the parts they read, and keep them from this process."""
        for name in _PART_OF:
            getattr(self, name)


SITE_FIELDS = tuple(Site.__annotations__)  # what pages read, each declared by SiteView


# Bytes to themselves for ASCII letters, to a space for anything else: a word is a run of
# [A-Za-z], and a character outside ASCII (encoded as "?") is never part of one.
_LETTERS_ONLY = bytes(c if 65 <= c <= 90 or 97 <= c <= 122 else 32 for c in range(256))


def letters_only(text: str) -> bytes:
    """The text with every character but ASCII letters made a space: its words as written are
    the runs left (one bytes object a text, where a list of its words would be one a word:
    330 MB against 33 for the headings of 100,000 articles)."""
    return text.encode("ascii", "replace").translate(_LETTERS_ONLY)


def words_of(text: str) -> set[str]:
    """The words of a text as word_casings counts them, in lower case: the keys of its casings
    that the text can change."""
    return set(letters_only(text).lower().decode("ascii").split())


def word_casings(texts) -> dict[str, str]:
    """The most common way the texts write each word ("gna" -> "GNA"), keyed by its lower case.
    A word is a run of ASCII letters; ties go to the spelling that sorts first ("GNA", "Gna")."""
    return casings_of(Counter(itertools.chain.from_iterable(letters_only(text).split() for text in texts)))


def casings_of(spellings: Counter) -> dict[str, str]:
    """word_casings, from how often each spelling is written (ArchiveCounts.spellings): the
    answer does not depend on the order they were counted in, which moved counts lose."""
    best: dict[bytes, tuple[bytes, int]] = {}
    for word, seen in spellings.items():
        lower = word.lower()
        known = best.get(lower)
        if known is None or seen > known[1] or (seen == known[1] and word < known[0]):
            best[lower] = (word, seen)
    return {lower.decode("ascii"): word.decode("ascii") for lower, (word, _) in best.items()}


def heading_words(article: Article | ArticleInfo) -> list[bytes]:
    """The words of an article's title and claims (statements and quotes, sentences of its body)
    as written: claim headings borrow their casing (not from the whole bodies: a heading would
    then change with any edit anywhere)."""
    return letters_only("\n".join((article.title, *(part for claim in article.claims
                                                     for part in (claim.statement, claim.quote))))).split()


def claim_title(claim_id: str, casings: dict[str, str]) -> str:
    """A readable heading from a claim id, with each word cased as the articles write it."""
    words = [casings.get(word, word) for word in claim_id.split("-")]
    if words:
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


@dataclass(frozen=True)
class _Parts:
    """Lists by owner as pages show them (Site.latest_naming, naming_index, naming_part)."""

    latest: dict[str, tuple[ArticleInfo, ...]]
    index: dict[str, ListIndex]
    part: dict[str, tuple[ArticleInfo, ...]]


@dataclass(frozen=True)
class Shape:
    """What decides which outputs the site has (render.py), known from the counts of the
    articles by person, outlet, period and claim (ArchiveCounts) without making the lists: the
    articles and claims, the periods that have articles, and how many parts each long list is
    in (a list of LIST_SIZE or fewer: none)."""

    slugs: tuple[str, ...]
    claim_ids: tuple[str, ...]
    periods: dict[str, tuple[str, ...]]  # year -> its months, "" for articles dated by the year alone
    naming_parts: dict[str, int]  # actor id -> parts of the list of articles naming them
    published_parts: dict[str, int]  # source id -> parts of its list
    month_parts: dict[str, int]  # "2017-05" -> parts of the month's list
    undated_parts: int


class ArchiveCounts(NamedTuple):
    """What the Shape and the claims' headings are counted from, kept by the build state: a
    rebuild moves the counts by the versions of the articles whose fields changed (`moved`)
    rather than counting them all (the spellings alone took 1.2 s at 100,000 articles)."""

    naming: Counter  # actor id -> articles naming them
    published: Counter  # source id -> its articles
    periods: Counter  # period_of -> its articles (None: undated)
    claims: Counter  # claim id -> claims carrying it
    spellings: Counter  # each word as the headings write it (heading_words) -> how often

    @classmethod
    def of(cls, articles) -> ArchiveCounts:
        """Counted over the articles, filing each as the lists do (its people, its outlet,
        its period: period_of), by Counter from iterables, in C: 0.1 s at 100,000."""
        return cls(Counter(itertools.chain.from_iterable(article.people for article in articles)),
                   Counter(article.publisher for article in articles), Counter(map(period_of, articles)),
                   Counter(claim.id for article in articles for claim in article.claims),
                   Counter(itertools.chain.from_iterable(map(heading_words, articles))))

    def moved(self, gone, came) -> ArchiveCounts:
        """The counts with the articles `gone` (versions of the previous build) taken out and
        those that `came` put in; this one is left as it was."""
        counts = ArchiveCounts(*map(Counter, self))
        for articles, change in ((gone, Counter.subtract), (came, Counter.update)):
            for article in articles:
                change(counts.naming, article.people)
                change(counts.published, (article.publisher,))
                change(counts.periods, (period_of(article),))
                change(counts.claims, [claim.id for claim in article.claims])
                change(counts.spellings, heading_words(article))
        return ArchiveCounts(*(+counter for counter in counts))  # what no article files under is none of the Shape's

    def shape(self, slugs: tuple[str, ...]) -> Shape:
        """The Shape of the site whose articles have `slugs` (in order)."""
        by_period = dict(self.periods)
        undated = by_period.pop(None, 0)
        periods, months = defaultdict(list), {}
        for (year, month), count in sorted(by_period.items()):
            periods[year].append(month)
            if month:
                months[f"{year}-{month}"] = count

        def counted(counts: dict[str, int]) -> dict[str, int]:
            return {owner: part_count(count) for owner, count in sorted(counts.items())}
        return Shape(slugs=slugs, claim_ids=tuple(sorted(self.claims)),
                     periods={year: tuple(found) for year, found in periods.items()},
                     naming_parts=counted(self.naming), published_parts=counted(self.published),
                     month_parts=counted(months), undated_parts=part_count(undated))


class ArchiveOrders(NamedTuple):
    """Every article's slug newest first and oldest first (Listing.newest_first, oldest_first;
    articles of one key in slug order), and so ordered the articles naming each person and
    each outlet's, kept by the build state: a rebuild moves the articles whose Listing changed
    to their places (`moved`) rather than sorting and filing them all (1.2 s at 100,000
    articles)."""

    newest: tuple[str, ...]
    oldest: tuple[str, ...]
    naming: dict[str, tuple[str, ...]]  # actor id -> the articles naming them, newest first
    naming_oldest: dict[str, tuple[str, ...]]
    published: dict[str, tuple[str, ...]]  # source id -> its articles, newest first
    published_oldest: dict[str, tuple[str, ...]]

    @classmethod
    def of(cls, listed: Mapping[str, Listing]) -> ArchiveOrders:
        """Sorted and filed, from every article's Listing (`listed`, in slug order: sorted()
        keeps it among equals)."""
        newest = tuple(sorted(listed, key=lambda slug: listed[slug].newest_first()))
        oldest = tuple(sorted(listed, key=lambda slug: listed[slug].oldest_first()))
        naming, published = _by_owner(newest, listed)
        naming_oldest, published_oldest = _by_owner(oldest, listed)
        return cls(newest, oldest, naming, naming_oldest, published, published_oldest)

    def moved(self, changed: set[str], listing: Callable[[str], Listing | None]) -> ArchiveOrders:
        """The orders with the `changed` slugs (gone, or whose Listing changed) taken out and put
        back at their places, those `listing` still knows (None: gone); this one is left as it
        was. The keys looked up are those bisect compares: a few dozen an article and list."""
        if not changed:
            return self
        now = {slug: found for slug in sorted(changed) if (found := listing(slug)) is not None}

        def placed(order: tuple[str, ...], key, came) -> tuple[str, ...]:
            kept = order if changed.isdisjoint(order) else [slug for slug in order if slug not in changed]
            if not came:
                return tuple(kept)
            kept = list(kept)
            for slug in came:
                bisect.insort(kept, slug, key=lambda known: (key(listing(known)), known))
            return tuple(kept)

        def filed(lists: dict, key, owners) -> dict:
            came = defaultdict(list)
            for slug, found in now.items():
                for owner in owners(found):
                    came[owner].append(slug)
            moved = {owner: placed(lists.get(owner, ()), key, came.get(owner)) for owner in lists.keys() | came.keys()}
            return {owner: slugs for owner, slugs in sorted(moved.items()) if slugs}
        newest, oldest = Listing.newest_first, Listing.oldest_first
        people, publisher = operator.attrgetter("people"), lambda found: (found.publisher,)
        return ArchiveOrders(placed(self.newest, newest, now), placed(self.oldest, oldest, now),
                             filed(self.naming, newest, people), filed(self.naming_oldest, oldest, people),
                             filed(self.published, newest, publisher), filed(self.published_oldest, oldest, publisher))

    def filed_as_counted(self, counts: ArchiveCounts) -> bool:
        """Whether each person's and outlet's list holds as many articles as `counts` says."""
        return all(len(lists) == len(counted) and all(len(lists.get(owner, ())) == n for owner, n in counted.items())
                   for lists, counted in ((self.naming, counts.naming), (self.naming_oldest, counts.naming),
                                          (self.published, counts.published),
                                          (self.published_oldest, counts.published)))


def build_site(config: Config, archive: Archive, reprints: tuple[Reprint, ...],
               counts: ArchiveCounts | None = None,
               orders: ArchiveOrders | Callable[[], ArchiveOrders | None] | None = None) -> Site:
    """The Site of the archive and its reprint relations; nothing is made until it is read.
    `counts`, the ArchiveCounts of these articles, and `orders`, their ArchiveOrders (or what
    makes them when first asked for), where known (else they are counted and sorted when needed)."""
    return Site(config, archive, reprints, counts, orders)


def moved_orders(orders: tuple, changed: set[str], archive: Archive, counts: ArchiveCounts) -> ArchiveOrders | None:
    """The last build's orders (as the build state keeps them: a plain tuple) moved by the
    articles whose Listing may have changed (`changed`: their slugs, then and now), each Listing
    as its parse kept it; None when the orders moved do not hold every article of the archive,
    filed as `counts` counts them (the Site then sorts them)."""
    kept = archive.kept
    moved = ArchiveOrders(*orders).moved(changed, lambda slug: listing_of(kept[slug]) if slug in kept else None)
    whole = len(moved.newest) == len(archive.articles) and kept.keys() == set(moved.newest)
    return moved if whole and moved.filed_as_counted(counts) else None


# How each part of the Site is made, by the names of the values it gives. Each is made again
# only when what it is made from changed (memo.SameInputs): an edit of an article's text alone
# remakes no list.

def _listed_part(site: Site) -> dict:
    return {"_listed": _listings(site._archive)}


def _article_part(site: Site) -> dict:
    return {"article": _InfoBySlug(site)}


class _InfoBySlug(Mapping):
    """Site.article: each article's entry by its slug, made when first looked up (the lists'
    Entries look theirs up here): a rebuild makes the entries of the articles its pages show,
    not of every article (100,000 entries took 1.8 s to make from the state's rows)."""

    def __init__(self, site: Site):
        self._site, self._made = site, {}

    def __getitem__(self, slug: str) -> ArticleInfo:
        made = self._made.get(slug)
        if made is None:
            made = self._made[slug] = ArticleInfo.of(self._site.text[slug])
        return made

    def __iter__(self):
        return iter(self._site.text)

    def __len__(self) -> int:
        return len(self._site.text)


def _registries_part(site: Site) -> dict:
    archive = site._archive
    return {"actors": _ACTORS_BY_NAME(archive.actors), "sources": _SOURCES_BY_NAME(archive.sources),
            "actor": dict(archive.actors), "source": dict(archive.sources)}


def _texts_part(site: Site) -> dict:
    return {"text": {article.slug: article for article in site._archive.articles}, "lead": _leads(site._archive)}


# The lists are made in four parts, each when a page first reads one of its values: an edit that
# moves a reprint relation makes its outlets' and people's pages again, which read their lists
# of articles and of claims and no period's (0.4 s of such an edit at 100,000 articles). Each
# is made from the articles' Listings, its entries looked up in Site.article when read.

def _dates_part(site: Site) -> dict:
    return _BY_DATE(site.orders(), site._listed, site.article.__getitem__)


def _claims_part(site: Site) -> dict:
    return _CLAIMS(site._oldest, site._listed, Equal(_counts(site).spellings), site.article.__getitem__)


def _owners_part(site: Site) -> dict:
    return _OWNERS(site.orders(), site._listed, site.article.__getitem__)


def _periods_part(site: Site) -> dict:
    return _PERIODS(site._listed, site.article.__getitem__)


def _relations_part(site: Site) -> dict:
    copies_of, copied_by = _BY_ARTICLE(site.reprints)
    return {"copies_of": copies_of, "copied_by": copied_by,
            "originals_of": {slug: tuple(r.original for r in relations) for slug, relations in copies_of.items()}}


def _reprint_list_part(site: Site) -> dict:
    return _REPRINT_LIST(site.reprints, site._oldest, site._listed)


def _reuse_part(site: Site) -> dict:
    return _REUSE(site._listed, site.reprints, site.copies_of, site.copied_by, site._archive.sources,
                  site.article.__getitem__)


def _shape_part(site: Site) -> dict:
    return {"_shape": _counts(site).shape(tuple(article.slug for article in site._archive.articles))}


def _counts(site: Site) -> ArchiveCounts:
    """The ArchiveCounts the Site was given, else counted now (once)."""
    if site._counts is None:
        site._counts = ArchiveCounts.of(site._archive.articles)
    return site._counts


_PART_OF = {name: make for make, names in (
    (_listed_part, ("_listed",)),
    (_article_part, ("article",)),
    (_registries_part, ("actors", "sources", "actor", "source")),
    (_texts_part, ("text", "lead")),
    (_dates_part, ("articles", "_oldest", "undated", "undated_index", "undated_part")),
    (_claims_part, ("claims", "claim", "claims_by", "claim_count")),
    (_owners_part, ("articles_naming", "published_by", "latest_naming", "naming_index", "naming_part",
                    "latest_published", "published_index", "published_part")),
    (_periods_part, ("by_year", "by_month", "month_index", "month_part")),
    (_relations_part, ("copies_of", "copied_by", "originals_of")),
    (_reprint_list_part, ("latest_reprints", "reprint_kinds", "reprints_index", "reprints_part")),
    (_reuse_part, ("borrowed_from", "borrowings_of", "reuse")),
    (_shape_part, ("_shape",))) for name in names}
if set(_PART_OF) != {*SITE_FIELDS, "_listed", "_oldest", "_shape"} - {"config", "reprints"}:
    raise TypeError("each field of the Site but config and reprints is made by one part (_PART_OF)")


def _frozen(mapping) -> dict:
    return {key: tuple(value) for key, value in mapping.items()}


def _listings(archive: Archive) -> dict[str, Listing]:
    """Every article's Listing by its slug, in slug order: from what the load stage kept of it
    (Archive.kept), for an archive made otherwise (tests) from the article."""
    kept = archive.kept
    # As the load stage made it (in slug order), unfolded without a loop in Python: 0.46 -> 0.39 s
    # of a rebuild that makes a list at 100,000 articles.
    if list(kept) == list(map(_SLUG, archive.articles)):
        return dict(zip(kept.keys(), map(listing_of, kept.values())))
    return {a.slug: listing_of(kept[a.slug]) if a.slug in kept else Listing.of(a) for a in archive.articles}


def _by_date(orders: ArchiveOrders, listed: dict[str, Listing], entry: Callable[[str], ArticleInfo]) -> dict:
    """Every article newest first (Site.articles), oldest first (the undated last, by title: the
    claims' and the owners' parts' order), and the undated ones' list."""
    newest, oldest = orders.newest, orders.oldest
    dated = len(newest)
    while dated and listed[newest[dated - 1]].first is None:  # the undated come last, by title
        dated -= 1
    undated = newest[dated:]
    undated_index, undated_part = _parts({UNDATED: undated}, listed, entry)
    return {"articles": Entries(newest, entry), "_oldest": oldest, "undated": Entries(undated, entry),
            "undated_index": undated_index[UNDATED], "undated_part": undated_part}


def _claim_groups(oldest: tuple[str, ...], listed: dict[str, Listing], spellings: Equal,
                  entry: Callable[[str], ArticleInfo]) -> dict:
    """Each claim's group of appearances, oldest first, and each speaker's appearances."""
    grouped: dict[str, list[tuple[str, int, str, str, str | None]]] = defaultdict(list)
    for slug in oldest:
        listing = listed[slug]
        for number, (claim_id, speaker, stance) in enumerate(listing.claims):
            grouped[claim_id].append((slug, number, speaker, stance, listing.first))
    casings = casings_of(spellings.value)  # claim headings write each word as the articles most often do
    groups = []
    claims_by: dict[str, list[tuple[str, int, bool]]] = defaultdict(list)
    for claim_id in sorted(grouped):
        found = grouped[claim_id]
        earliest_day = min((day for *_, day in found if day is not None), default=None)
        marks = []
        for slug, number, speaker, _, day in found:
            mark = (slug, number, day is not None and day == earliest_day)
            marks.append(mark)
            claims_by[speaker].append(mark)
        stances = dict(Counter(stance for _, _, _, stance, _ in found))
        groups.append(ClaimGroup(claim_id, claim_title(claim_id, casings), Appearances(tuple(marks), entry), stances))
    return {"claims": tuple(groups), "claim": {group.id: group for group in groups},
            "claims_by": {speaker: Appearances(tuple(marks), entry) for speaker, marks in claims_by.items()},
            "claim_count": {speaker: len(marks) for speaker, marks in claims_by.items()}}


def _owners_lists(orders: ArchiveOrders, listed: dict[str, Listing], entry: Callable[[str], ArticleInfo]) -> dict:
    """The articles naming each person and each outlet's, and their parts (_in_parts)."""
    naming, published = orders.naming, orders.published
    naming_oldest, published_oldest = orders.naming_oldest, orders.published_oldest
    naming_parts = _in_parts(naming, naming_oldest, listed, entry)
    published_parts = _in_parts(published, published_oldest, listed, entry)
    return {"articles_naming": _entries(naming, entry), "published_by": _entries(published, entry),
            "latest_naming": naming_parts.latest, "naming_index": naming_parts.index,
            "naming_part": naming_parts.part, "latest_published": published_parts.latest,
            "published_index": published_parts.index, "published_part": published_parts.part}


def _periods(listed: dict[str, Listing], entry: Callable[[str], ArticleInfo]) -> dict:
    """The articles by year and month, and each month's parts."""
    by_year = {year: _entries(months, entry) for year, months in _by_period(listed).items()}
    months = {f"{year}-{month}": group.keys for year, in_year in by_year.items()
              for month, group in in_year.items() if month}
    month_index, month_part = _parts(months, listed, entry)
    return {"by_year": by_year, "by_month": _entries(months, entry), "month_index": month_index,
            "month_part": month_part}


def _entries(lists: dict[str, tuple[str, ...]], entry: Callable[[str], ArticleInfo]) -> dict[str, Entries]:
    return {owner: Entries(slugs, entry) for owner, slugs in lists.items()}


def _by_owner(slugs: tuple[str, ...], listed: dict[str, Listing]
              ) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The articles naming each person and those of each outlet, in the order given."""
    naming, published = defaultdict(list), defaultdict(list)
    for slug in slugs:
        listing = listed[slug]
        for actor_id in listing.people:
            naming[actor_id].append(slug)
        published[listing.publisher].append(slug)
    return _frozen(naming), _frozen(published)


def _in_parts(lists: dict[str, tuple[str, ...]], oldest: dict[str, tuple[str, ...]], listed: dict[str, Listing],
              entry: Callable[[str], ArticleInfo]) -> _Parts:
    """Each list (newest first; `oldest`: the same oldest first, the undated last) as its owner's
    page shows it: its newest LIST_SIZE entries, and its index and parts (_parts)."""
    return _Parts({owner: Entries(newest_first[:LIST_SIZE], entry) for owner, newest_first in lists.items()},
                  *_parts(oldest, listed, entry))


def _parts(lists: dict[str, tuple[str, ...]], listed: dict[str, Listing], entry: Callable[[str], ArticleInfo]
           ) -> tuple[dict[str, ListIndex], dict[str, Entries]]:
    """The index of each list (oldest first) and, when longer than LIST_SIZE, its parts of
    LIST_SIZE from the oldest, by part_key (an article added, as most are, after the others
    changes the last part alone)."""
    index, parts = {}, {}
    for owner, oldest_first in lists.items():
        index[owner], chunks = _in_chunks(oldest_first, lambda slug: listed[slug].date)
        parts.update((part_key(owner, number), Entries(chunk, entry)) for number, chunk in enumerate(chunks, 1))
    return index, parts


def _in_chunks(oldest_first: tuple, date_of: Callable) -> tuple[ListIndex, list[tuple]]:
    """A list's index and its parts of LIST_SIZE from the oldest (none when it fits its page),
    each part's span the dates (`date_of` an item: its PubDate's fields) of its first and last."""
    if not part_count(len(oldest_first)):
        return ListIndex(len(oldest_first), ()), []
    chunks = [oldest_first[start:start + LIST_SIZE] for start in range(0, len(oldest_first), LIST_SIZE)]
    return ListIndex(len(oldest_first), tuple(
        ListPart(PubDate(*date_of(chunk[0])), PubDate(*date_of(chunk[-1])), len(chunk)) for chunk in chunks)), chunks


def part_count(length: int) -> int:
    """How many parts a list of `length` articles is in: none when its page shows it whole."""
    return 0 if length <= LIST_SIZE else -(-length // LIST_SIZE)


UNDATED = "undated"  # the owner of the undated articles' list among part keys


def part_key(owner: str, number: int) -> str:
    """The key of part `number` (from 1) of an owner's list in Site.naming_part, published_part."""
    return f"{owner}/{number}"


def _relations_by_article(reprints: tuple[Reprint, ...]) -> tuple[dict, dict]:
    """Each article's relations as the copy (copies_of) and as the original (copied_by)."""
    copies_of, copied_by = defaultdict(list), defaultdict(list)
    for relation in reprints:
        copies_of[relation.copy].append(relation)
        copied_by[relation.original].append(relation)
    return _frozen(copies_of), _frozen(copied_by)


def _reprint_list(reprints: tuple[Reprint, ...], oldest: tuple[str, ...], listed: dict[str, Listing]) -> dict:
    """The relations by their copy's place among the articles (oldest first, the undated last;
    then by original) as the list of relations shows them: the newest LIST_SIZE (newest first,
    the undated still last), and, when there are more, the index of their parts of LIST_SIZE
    and each part."""
    place = dict(zip(oldest, range(len(oldest))))
    ordered = tuple(sorted(reprints, key=lambda relation: (place[relation.copy], relation.original)))
    index, chunks = _in_chunks(ordered, lambda relation: listed[relation.copy].date)
    parts = {str(number): chunk for number, chunk in enumerate(chunks, 1)}
    dated = len(ordered)
    while dated and listed[ordered[dated - 1].copy].first is None:  # the undated come last, as in every list
        dated -= 1
    newest = [*reversed(ordered[max(0, dated - LIST_SIZE):dated]), *ordered[dated:dated + LIST_SIZE]]
    kinds = Counter(relation.kind for relation in reprints)
    return {"latest_reprints": tuple(newest[:LIST_SIZE]), "reprint_kinds": dict(sorted(kinds.items())),
            "reprints_index": index, "reprints_part": parts}


def _text_reuse(listed: dict[str, Listing], reprints: tuple[Reprint, ...], copies_of: dict, copied_by: dict,
                sources: dict[str, Source], entry: Callable[[str], ArticleInfo]) -> dict:
    """The borrowings from and of each outlet and its reuse figures (Site.borrowed_from,
    borrowings_of, reuse), made without the articles' lists or entries: borrowings in the
    order of their keys (Borrowings), reuse by counting."""
    borrowed_from, borrowings_of = defaultdict(list), defaultdict(list)
    for found in _borrowings(listed, reprints):
        borrowed_from[found[1]].append(found)
        borrowings_of[listed[found[0]].publisher].append(found)

    own_slugs = defaultdict(list)
    for slug, listing in listed.items():
        own_slugs[listing.publisher].append(slug)
    reuse = {}
    for source_id in sources:
        own = own_slugs.get(source_id, ())
        copies = [r for slug in own for r in copies_of.get(slug, ()) if r.kind == "copy"]
        originals = [r for slug in own for r in copied_by.get(slug, ()) if r.kind == "copy"]
        same = {slug for slug in own for r in (*copies_of.get(slug, ()), *copied_by.get(slug, ()))
                if r.kind == "same-text"}
        reuse[source_id] = TextReuse(
            articles=len(own), copying=len({r.copy for r in copies}), copied=len({r.original for r in originals}),
            copies=len(copies), originals=len(originals), same_text=len(same))
    return {"borrowed_from": {source: Borrowings(tuple(found), entry) for source, found in borrowed_from.items()},
            "borrowings_of": {source: Borrowings(tuple(found), entry) for source, found in borrowings_of.items()},
            "reuse": reuse}


_BY_DATE, _CLAIMS, _OWNERS, _PERIODS = map(SameInputs, (_by_date, _claim_groups, _owners_lists, _periods))
_BY_ARTICLE = SameInputs(_relations_by_article)
_REUSE = SameInputs(_text_reuse)
_REPRINT_LIST = SameInputs(_reprint_list)


def _by_name(registry: dict) -> tuple:
    return tuple(sorted(registry.values(), key=lambda entry: (entry.name.casefold(), entry.id)))


_ACTORS_BY_NAME, _SOURCES_BY_NAME = SameInputs(_by_name), SameInputs(_by_name)


def _leads(archive: Archive) -> dict[str, str]:
    """The lead paragraph of every article: as the load stage found it (Archive.leads), for an
    archive made otherwise (tests) from its text."""
    if len(archive.leads) == len(archive.articles):
        return archive.leads
    return {a.slug: archive.leads[a.slug] if a.slug in archive.leads else lead(a.paragraphs) for a in archive.articles}


def by_month(articles: tuple[Article, ...]) -> dict[str, dict[str, list[Article]]]:
    """Articles grouped by year, then month ("" when only the year is known), oldest first."""
    by_slug = {article.slug: article for article in articles}
    return {year: {month: [by_slug[slug] for slug in slugs] for month, slugs in months.items()}
            for year, months in _by_period({slug: Listing.of(a) for slug, a in by_slug.items()}).items()}


def _by_period(listed: dict[str, Listing]) -> dict[str, dict[str, tuple[str, ...]]]:
    """The dated articles' slugs by year, then month ("" when only the year is known), oldest
    first (by first day, then slug)."""
    grouped: dict[str, dict[str, list[str]]] = {}
    for slug in sorted((slug for slug, listing in listed.items() if listing.first), key=lambda s: f"{listed[s].first}\0{s}"):
        year, month = listed[slug].period()
        grouped.setdefault(year, {}).setdefault(month, []).append(slug)
    return {year: _frozen(months) for year, months in grouped.items()}


def _borrowings(listed: dict[str, Listing], reprints) -> list[tuple]:
    """Every (copy, copied outlet) pair as (copy, outlet, original or None, relation or None,
    credit), merging what the text credits (Listing.original) with what overlap shows, in the
    order of the pairs."""
    found = {}
    for relation in reprints:
        source = listed[relation.original].publisher
        found[(relation.copy, source)] = (relation.copy, source, relation.original, relation, "")
    for slug, listing in listed.items():
        if listing.original is None:
            continue
        source, original, credit = listing.original
        known = found.get((slug, source))
        original = original if original in listed else None
        found[(slug, source)] = (slug, source, original or (known[2] if known else None),
                                 known[3] if known else None, credit)
    return [found[key] for key in sorted(found)]
