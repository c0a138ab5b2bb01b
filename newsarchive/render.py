"""Turn the Site into output files: HTML pages, feeds and site files from Jinja templates,
static files, data files and the search index.

Every link is relative (built from `root`, the way back to the site's top from the page) and
points at index.html explicitly, so the site works from any subfolder and from file://.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import functools
import itertools
import json
import marshal
import operator
import os
import uuid
import zlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

import jinja2

from . import comparison, dependencies, export, markup, reprints, search, theme, timeline, urls
from . import workers as pool
from .buildstate import MadeOutput
from .digests import blake
from .outputrows import ReadIndex
from .model import PubDate, Reprint
from .dependencies import BuildFacts, Reads, SiteView
from .memo import Equal, SameInputs
from .sitemodel import LIST_SIZE, UNDATED, ArticleInfo, Shape, Site, part_count, part_key

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def human_date(date: PubDate) -> str:
    """A date written only as precisely as it is known."""
    if not date.known:
        return "date unknown"
    parts = date.iso.split("-")
    if date.precision == "day":
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if date.precision == "month":
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def month_name(month: str) -> str:
    return MONTHS[int(month) - 1]


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def json_for_script(value) -> str:
    """JSON to embed in a <script> element: no character in it can end the element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def atom_time(date: PubDate | None, fallback: str) -> str:
    """RFC 3339 time for Atom: the first day of the known span, or the fallback."""
    if date is None or not date.known:
        return fallback
    return f"{date.bounds()[0]}T00:00:00Z"


def make_environment(templates: Path | list[Path], compiled: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """`templates`: a folder, or folders searched in order (the archive's, then the package's:
    theme.folders), each template taken from the first that has it. `compiled`: where templates
    compiled by an earlier build are kept (CompiledTemplates)."""
    folders = [templates] if isinstance(templates, Path) else templates
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in folders]),
        bytecode_cache=compiled,
        autoescape=True,  # every output is HTML or XML: escape all text that reaches it
        undefined=jinja2.StrictUndefined,  # a misspelt variable is an error, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build reads each template once; no need to stat it per page
    )
    env.filters["human_date"] = human_date
    env.filters["month_name"] = month_name
    env.filters["percent"] = percent
    env.filters["json_for_script"] = json_for_script
    env.globals["url"] = url
    env.filters["reprint_url"] = reprint_url  # archives' own templates written before `url`
    return env


@functools.lru_cache(maxsize=1)
def _environment(folders: tuple[Path, ...], templates_digest: bytes, compiled_in: Path | None,
                 code: bytes) -> jinja2.Environment:
    """The environment of the last build, its templates already compiled, while the templates
    are the same files with the same bytes (a process that builds again: `serve`)."""
    return make_environment(list(folders), compiled_in and CompiledTemplates(compiled_in, code))


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates as earlier builds compiled them, kept in the cache folder: compiling the few
    a rebuild uses is a tenth of a second of it. Jinja takes a compiled template only while its
    template's source is the same, and the Python and Jinja versions too; the files' names carry
    the generator's `code` digest, as what a template compiles to also depends on the
    environment made here. Those of other versions of the generator are removed."""

    SUFFIX = ".template"

    def __init__(self, folder: Path, code: bytes):
        tag = f"-{code.hex()[:16]}{self.SUFFIX}"
        folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(folder), "%s" + tag)
        for name in os.listdir(folder):
            if name.endswith(self.SUFFIX) and not name.endswith(tag):
                with contextlib.suppress(OSError):
                    os.unlink(folder / name)

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file: the template is compiled again
            bucket.reset()


def reprint_url(relation: Reprint) -> str:
    return urls.reprint(relation.copy, relation.original)


@jinja2.pass_context
def url(context, kind: str, *args, absolute: bool = False) -> str:
    """For templates: the address of a page of `kind` (urls.KINDS) from the page being made;
    `absolute`: the archive's own address when config.yaml has a base_url."""
    base = (absolute and context["site"].config.base_url) or context["root"]
    return base + urls.address(kind, *args)


def _article_view(info: ArticleInfo, site: SiteView) -> dict:
    article = site.text_of(info)
    headline, rest = markup.split_headline(article.body)
    text = "\n\n".join(article.paragraphs)
    copies = [
        {"relation": r, "original": site.article[r.original],
         "passages": [text[p.copy_start:p.copy_end] for p in r.passages]}
        for r in site.copies_of.get(article.slug, ())
    ]
    copied_by = [{"relation": r, "copy_article": site.article[r.copy]} for r in site.copied_by.get(article.slug, ())]
    return {
        "article": article,
        "headline": headline or article.title,
        "body_html": markup.to_html(rest),
        "copies": copies,
        "copied_by": copied_by,
        "jsonld": export.news_article_jsonld(article, site),
    }


def _feed_updated(articles) -> str:
    known = [a.date.bounds()[0] for a in articles if a.date.known]
    if known:
        return f"{max(known)}T00:00:00Z"
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
    return _dt.datetime.fromtimestamp(epoch, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class FeedEntry:
    """An article as a feed's template sees it: its fields (ArticleInfo), and its text, read
    (and recorded as read) only if the template shows it. The package's feed shows the lead
    paragraph (site.lead) instead, so that a feed is made again only when that changes, and
    making it reads no text; an archive's own feed.xml may still show `paragraphs`."""

    __slots__ = ("_info", "_site")

    def __init__(self, info: ArticleInfo, site: SiteView):
        self._info, self._site = info, site

    def __getattr__(self, name: str):
        if name in ("body", "paragraphs"):
            return getattr(self._site.text_of(self._info), name)
        return getattr(self._info, name)


def _feed(path: str, title: str, articles, site: SiteView, page: str) -> dict:
    """An Atom feed of `articles`, newest first; `page` is the HTML page it accompanies."""
    base = site.config.base_url
    feed_id = base + path if base else uuid.uuid5(uuid.NAMESPACE_URL, f"newsarchive:{site.config.title}:{path}").urn
    updated = _feed_updated(articles)
    return {"feed_title": title, "feed_id": feed_id, "updated": updated,
            "entries": [FeedEntry(article, site) for article in articles],
            "page": page, "atom_time": atom_time}


def _comparison_view(relation: Reprint, site: SiteView) -> dict:
    copy, original = site.text_of(site.article[relation.copy]), site.text_of(site.article[relation.original])
    return {
        "relation": relation,
        "copy": copy,
        "original": original,
        "comparison": comparison.compare(reprints.plain_text(copy), reprints.plain_text(original),
                                       relation.passages),
    }


FEED_ENTRIES = LIST_SIZE  # a feed carries the newest entries, as its page does; the archive pages list all


class Output(NamedTuple):
    """One output file and how to make it: `make` reads the site (through a SiteView) and
    returns the bytes; `recipe` names what else decides them (the template). A named tuple:
    a build makes one per output (26,000 at 10,000 articles), a frozen dataclass costs 3 times as much."""

    path: str
    recipe: str
    make: Callable


def _page(path: str, template: str, context=lambda site: {}) -> Output:
    def make(site: SiteView, env: jinja2.Environment) -> bytes:
        site.templates  # noted as read: a change to any template makes every page again
        text = env.get_template(template).render(
            site=site, root="../" * path.count("/"), page_path=path, site_paths=site.site_paths,
            **context(site))
        return text.encode("utf-8")
    return Output(path, "template:" + template, make)


def _feed_output(path: str, title: str, entries, page: str) -> Output:
    return _page(path, "feed.xml", lambda site: _feed(path, title(site), entries(site)[:FEED_ENTRIES], site, page))


def _period(year: str, month: str):
    def context(site: SiteView) -> dict:
        index = site.month_index[f"{year}-{month}"] if month else None
        if index and index.parts:
            # A long month's page shows the index of its parts; a period.html made for an older
            # version, which lists `groups`, reads the month's articles when it looks at them.
            return {"year": year, "month": month, "index": index,
                    "parts_of": ("month_part", (year, month)),
                    "groups": _WhenRead(lambda: {month: site.by_month[f"{year}-{month}"]})}
        groups = {month: site.by_month[f"{year}-{month}"]} if month else site.by_year[year]
        return {"year": year, "month": month, "groups": groups, "index": None}
    return context


def _undated(site: SiteView) -> dict:
    """The page of undated articles, as a month's (_period)."""
    if site.undated_index.parts:
        return {"year": "", "month": "", "index": site.undated_index, "parts_of": ("undated_part", ()),
                "groups": _WhenRead(lambda: {"": site.undated})}
    return {"year": "", "month": "", "groups": {"": site.undated}, "index": None}


class _WhenRead(Mapping):
    """A mapping made (and its reads recorded) only when a template looks into it."""

    def __init__(self, make: Callable[[], dict]):
        self._make, self._made = make, None

    def _value(self) -> dict:
        if self._made is None:
            self._made = self._make()
        return self._made

    def __getitem__(self, key):
        return self._value()[key]

    def __iter__(self):
        return iter(self._value())

    def __len__(self) -> int:
        return len(self._value())


def _list_part(kind: str, ids: tuple[str, ...], number: int):
    """The context of part `number` of a long list (sitemodel.LIST_SIZE): a person's ("actor",
    (id,)), an outlet's ("source", (id,)), a month's ("month", (year, month)) or the undated
    articles' ("undated", ()). It reads its own part and whether there is a next one, not the
    index: a part changes only with its articles."""
    def context(site: SiteView) -> dict:
        if kind == "actor":
            owner, parts = ids[0], site.naming_part
            name = site.actor[owner].name
            heading = f"Articles naming {name}"
        elif kind == "source":
            owner, parts = ids[0], site.published_part
            name = site.source[owner].name
            heading = f"Articles published by {name}"
        elif kind == "month":
            owner, parts = "-".join(ids), site.month_part
            name = heading = f"{month_name(ids[1])} {ids[0]}"
        else:
            owner, parts, name, heading = UNDATED, site.undated_part, "Date unknown", "Articles whose date is unknown"
        return {"kind": kind, "ids": ids, "name": name, "heading": heading, "number": number,
                "articles": parts[part_key(owner, number)], "later": part_key(owner, number + 1) in parts}
    return context


def _reprints_part(number: int):
    """The context of part `number` of the list of relations: its own relations and whether
    there is a next part, not the index."""
    def context(site: SiteView) -> dict:
        return {"number": number, "relations": site.reprints_part[str(number)],
                "later": str(number + 1) in site.reprints_part}
    return context


def outputs(site: Site) -> list[Output]:
    """Every templated output and data file, by path; nothing is made until its `make` is called."""
    return list(_templated(site)[0])


def _templated(site: Site) -> tuple[tuple[Output, ...], tuple[str, ...], dict]:
    """The outputs of the Site's shape (sitemodel.Shape: made without its lists), the pages
    listed by the sitemap, and its parts. The makers read the Site they are given when called:
    the outputs stay the same while the shape does (an edit of an article's text alone), and
    are kept for the next build (_OUTPUTS)."""
    # A relation's page is named by its pair of articles: a relation found again, maybe with
    # other passages, leaves the outputs as they were.
    return _OUTPUTS(Equal(site.shape), Equal(_relation_pairs(site)), site.actors, site.sources, SITEMAP_PART,
                    SITEMAP_MOST)


def _relation_pairs(site: Site) -> tuple[tuple[str, str], ...]:
    return tuple((relation.copy, relation.original) for relation in site.reprints)


def _outputs_of(shape: Equal, pairs, actors, sources, *sitemap_limits):
    result = _listed_outputs(shape.value, pairs.value, actors, sources)
    specs = tuple(sorted(result, key=lambda o: o.path))
    pages = tuple(o.path for o in specs if _in_sitemap(o.path, o.recipe))
    return specs, pages, sitemap_parts(pages)


def _sitemap_of(previous: dict[str, MadeOutput], came: list[Output]) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """The pages a sitemap lists, sorted, and its parts: those of `previous` and those that `came`."""
    pages = tuple(sorted({*(path for path, made in previous.items() if _in_sitemap(path, made.recipe)),
                          *(output.path for output in came if _in_sitemap(output.path, output.recipe))}))
    return pages, sitemap_parts(pages)


# Outputs not made from the Site: the static files and the search index's (search.py).
_MADE_APART = ("static", "search:")


def _made_apart(records: dict[str, MadeOutput]) -> list[str]:
    """The outputs among `records` made apart (_MADE_APART), found in C: a rebuild asks it of
    every output, 333,000 at 100,000 articles."""
    return list(itertools.compress(records, map(str.startswith, map(_RECIPE, records.values()),
                                                 itertools.repeat(_MADE_APART))))


_RECIPE = operator.itemgetter(0)  # of a MadeOutput


def _in_sitemap(path: str, recipe: str) -> bool:
    """Whether the output at `path`, made by `recipe`, is a page the sitemap lists."""
    return path.endswith(".html") and path != urls.NOT_FOUND and recipe.startswith("template:")


_SITEMAP_PART_RECIPE = "template:sitemap-part.xml"


def _sitemap_part(path: str) -> Output:
    return _page(path, "sitemap-part.xml")


# Each templated output and data file, made by its kind of address (urls.KINDS) from the ids in
# it: the one place each is defined, for the list of every output (_listed_outputs) and for an
# output known by its path alone (_output_at).
_FIXED_OUTPUTS: dict[str, Callable[[], Output]] = {
    urls.HOME: lambda: _page(urls.HOME, "index.html", lambda s: {"timeline": timeline.layout(s, human_date)}),
    urls.ACTORS: lambda: _page(urls.ACTORS, "actors.html"),
    urls.SOURCES: lambda: _page(urls.SOURCES, "sources.html"),
    urls.CLAIMS: lambda: _page(urls.CLAIMS, "claims.html", lambda s: {"jsonld": export.claims_jsonld(s)}),
    urls.ARCHIVE: lambda: _page(urls.ARCHIVE, "archive.html", lambda s: {"years": s.by_year}),
    urls.SEARCH: lambda: _page(urls.SEARCH, "search.html"),
    urls.REPRINTS: lambda: _page(urls.REPRINTS, "reprints.html"),
    urls.NOT_FOUND: lambda: _page(urls.NOT_FOUND, "404.html"),
    urls.SITEMAP: lambda: _page(urls.SITEMAP, "sitemap.xml"),
    urls.ROBOTS: lambda: _page(urls.ROBOTS, "robots.txt"),
    urls.FEED: lambda: _feed_output(urls.FEED, lambda s: s.config.title, lambda s: s.articles, urls.HOME),
    urls.UNDATED: lambda: _page(urls.UNDATED, "period.html", _undated),
    urls.ARTICLES_DATA: lambda: Output(urls.ARTICLES_DATA, "data:articles", lambda s, env: export.articles_json(s)),
    urls.REPRINTS_DATA: lambda: Output(urls.REPRINTS_DATA, "data:reprints", lambda s, env: export.reprints_json(s)),
}


def _article_page(slug: str) -> Output:
    return _page(urls.article(slug), "article.html", lambda s: _article_view(s.article[slug], s))


def _article_data(slug: str) -> Output:
    return Output(urls.article_data(slug), "data:article",
                  lambda s, env: export.article_json(s.text_of(s.article[slug]), s))


def _claim_page(claim_id: str) -> Output:
    return _page(urls.claim(claim_id), "claim.html", lambda s: {
        "group": s.claim[claim_id], "jsonld": export.claim_jsonld(s.claim[claim_id], s)})


def _reprint_page(copy: str, original: str) -> Output:
    return _page(urls.reprint(copy, original), "reprint.html", lambda s: _comparison_view(_relation(s, copy, original), s))


def _actor_page(actor_id: str) -> Output:
    return _page(urls.actor(actor_id), "actor.html", lambda s: {"actor": s.actor[actor_id]})


def _actor_feed(actor_id: str) -> Output:
    return _feed_output(urls.actor_feed(actor_id), lambda s: f"{s.actor[actor_id].name} · {s.config.title}",
                        lambda s: s.latest_naming.get(actor_id, ()), urls.actor(actor_id))


def _source_page(source_id: str) -> Output:
    return _page(urls.source(source_id), "source.html", lambda s: {"source": s.source[source_id]})


def _source_feed(source_id: str) -> Output:
    return _feed_output(urls.source_feed(source_id), lambda s: f"{s.source[source_id].name} · {s.config.title}",
                        lambda s: s.latest_published.get(source_id, ()), urls.source(source_id))


_OUTPUT_OF: dict[str, Callable[..., Output]] = {
    "article": _article_page, "article_data": _article_data, "claim": _claim_page, "reprint": _reprint_page,
    "actor": _actor_page, "actor_feed": _actor_feed, "source": _source_page, "source_feed": _source_feed,
    "year": lambda year: _page(urls.year(year), "period.html", _period(year, "")),
    "month": lambda year, month: _page(urls.month(year, month), "period.html", _period(year, month)),
    # A part's number is in its address as text: its output is made the same from either.
    "actor_part": lambda actor_id, number: _page(urls.actor_part(actor_id, str(number)), "list-part.html",
                                                 _list_part("actor", (actor_id,), int(number))),
    "source_part": lambda source_id, number: _page(urls.source_part(source_id, str(number)), "list-part.html",
                                                   _list_part("source", (source_id,), int(number))),
    "month_part": lambda year, month, number: _page(urls.month_part(year, month, str(number)), "list-part.html",
                                                    _list_part("month", (year, month), int(number))),
    "undated_part": lambda number: _page(urls.undated_part(str(number)), "list-part.html",
                                         _list_part("undated", (), int(number))),
    "reprints_part": lambda number: _page(urls.reprints_part(str(number)), "reprints-part.html",
                                          _reprints_part(int(number))),
}


def _output_at(path: str) -> Output | None:
    """The templated output or data file at `path`, as the list of every output has it; None
    when no output of the kinds listed has that path."""
    fixed = _FIXED_OUTPUTS.get(path)
    if fixed is not None:
        return fixed()
    found = urls.kind_of(path)
    make = _OUTPUT_OF.get(found[0]) if found else None
    return make(*found[1]) if make else None


def _listed_outputs(shape: Shape, pairs, actors, sources) -> list[Output]:
    result = [make() for make in _FIXED_OUTPUTS.values()]
    for group, parts in _output_groups(_listing_of(shape, pairs, actors, sources)).items():
        result.extend(_GROUP_OUTPUTS[group[0]](*group[1:], parts))
    return result


# Beside the fixed ones, the outputs come in groups, each named by what it is made for (an
# article, a claim, a relation, a person, an outlet, a period) with how many parts its list is
# in: a rebuild that changes which outputs the site has lists the outputs of the groups that
# came, went or changed, found by comparing the groups of the last build's listing with this
# one's, not every output (1.0 s at 100,000 articles, and as much again to sort and split them).
_GROUP_OUTPUTS: dict[str, Callable[..., list[Output]]] = {
    "year": lambda year, parts: [_OUTPUT_OF["year"](year)],
    "month": lambda year, month, parts: [_OUTPUT_OF["month"](year, month), *(
        _OUTPUT_OF["month_part"](year, month, number) for number in _part_numbers(parts))],
    "undated": lambda parts: [_OUTPUT_OF["undated_part"](number) for number in _part_numbers(parts)],
    "article": lambda slug, parts: [_article_page(slug), _article_data(slug)],
    "claim": lambda claim_id, parts: [_claim_page(claim_id)],
    "reprint": lambda copy, original, parts: [_reprint_page(copy, original)],
    "reprints": lambda parts: [_OUTPUT_OF["reprints_part"](number) for number in _part_numbers(parts)],
    "actor": lambda actor_id, parts: [_actor_page(actor_id), _actor_feed(actor_id), *(
        _OUTPUT_OF["actor_part"](actor_id, number) for number in _part_numbers(parts))],
    "source": lambda source_id, parts: [_source_page(source_id), _source_feed(source_id), *(
        _OUTPUT_OF["source_part"](source_id, number) for number in _part_numbers(parts))],
}


def _listing_of(shape: Shape, pairs, actors, sources) -> tuple:
    """What decides which outputs the site has, as plain values (kept by the build state: the
    next build compares its own with it, and lists the outputs of what differs)."""
    return (tuple(getattr(shape, field.name) for field in dataclasses.fields(shape)), tuple(pairs),
            tuple(actor.id for actor in actors), tuple(source.id for source in sources), SITEMAP_PART, SITEMAP_MOST)


def _output_groups(listing: tuple) -> dict[tuple, int]:
    """Each group of outputs a listing (_listing_of) gives the site, with the parts of its list."""
    shape, pairs, actor_ids, source_ids, *_ = listing
    slugs, claim_ids, periods, naming_parts, published_parts, month_parts, undated_parts = shape
    groups: dict[tuple, int] = {("undated",): undated_parts, ("reprints",): part_count(len(pairs))}
    for year, months in periods.items():
        groups[("year", year)] = 0
        groups.update((("month", year, month), month_parts.get(f"{year}-{month}", 0)) for month in months if month)
    groups.update(dict.fromkeys(zip(itertools.repeat("article"), slugs), 0))
    groups.update(dict.fromkeys(zip(itertools.repeat("claim"), claim_ids), 0))
    groups.update(dict.fromkeys((("reprint", *pair) for pair in pairs), 0))
    groups.update((("actor", actor_id), naming_parts.get(actor_id, 0)) for actor_id in actor_ids)
    groups.update((("source", source_id), published_parts.get(source_id, 0)) for source_id in source_ids)
    return groups


def _moved_outputs(before: tuple, now: tuple) -> tuple[set[str], list[Output]]:
    """The paths of the outputs of listing `before` that listing `now` has not, and the
    outputs of the groups `now` has that `before` had not, or had with other parts."""
    groups_before, groups_now = _output_groups(before), _output_groups(now)
    came = [output for group, parts in groups_now.items() - groups_before.items()
            for output in _GROUP_OUTPUTS[group[0]](*group[1:], parts)]
    went = {output.path for group, parts in groups_before.items() - groups_now.items()
            for output in _GROUP_OUTPUTS[group[0]](*group[1:], parts)}
    return went - {output.path for output in came}, came


def _part_numbers(parts: int) -> range:
    """The numbers of a list's parts (none for a list that fits its page, or no list)."""
    return range(1, parts + 1)


_OUTPUTS = SameInputs(_outputs_of)


class _LastDigests:
    """The digest of each value looked up by key in this process's last build. A value that is
    the very object it was then (a list the Site model kept: memo.py; the pages' list and the
    sitemap's parts, kept with the outputs) is not digested again: the list of every article,
    read by the home page, is 10,000 entries at 10,000 articles, the pages' list 14,000."""

    def __init__(self):
        self.last: dict[tuple, tuple[object, bytes]] = {}  # key -> (the value itself, its digest)

    def reader(self, site: Site, facts: BuildFacts, digester, remember: bool):
        """The digest of a key's value now. Only what a rebuild with few changes looks up is
        remembered: every value of the Site would keep this Site alive into the next build."""
        before, self.last = self.last, {}

        def digest(key: tuple) -> bytes:
            value = dependencies.read_value(site, facts, key)
            known = before.get(key)
            if known is not None and known[0] is value:
                digester.known(value, known[1])
            found = digester.of(value)
            if remember:
                self.last[key] = (value, found)
            return found
        return digest


_LAST_DIGESTS = _LastDigests()


# The sitemap protocol allows 50,000 addresses a file. A site with more pages than
# SITEMAP_PART has its sitemap in parts, sitemap.xml listing them; each page goes to the part
# its address hashes to, so an added or removed page changes one part, not all of them.
SITEMAP_PART = 10_000
SITEMAP_MOST = 50_000  # the protocol's limit


def sitemap_parts(pages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """The parts of the sitemap (part's path -> its pages, in order); none for a small site.
    Parts are a power of two in number, as few as hold at most SITEMAP_PART pages on average
    (and none more than SITEMAP_MOST)."""
    if len(pages) <= SITEMAP_PART:
        return {}
    hashes = [zlib.crc32(page.encode()) for page in pages]  # spread evenly; a rebuild hashes every page
    count = 2
    while len(pages) > count * SITEMAP_PART:
        count *= 2
    while True:
        parts: list[list[str]] = [[] for _ in range(count)]
        for page, hashed in zip(pages, hashes):
            parts[hashed % count].append(page)
        if max(map(len, parts)) <= SITEMAP_MOST or count >= len(pages):
            return {urls.sitemap_part(str(n + 1)): tuple(part) for n, part in enumerate(parts)}
        count *= 2


def _relation(site, copy: str, original: str) -> Reprint:
    return next(r for r in site.copies_of[copy] if r.original == original)


class Made(NamedTuple):
    """An output just made. `reads` are the dependency keys of what it read, which render
    numbers in the ReadIndex (MadeOutput)."""

    recipe: str
    reads: tuple
    digest: bytes
    searchable: bool


PARALLEL_MIN = 400  # below this many outputs to make, worker processes cost more than they save


def render(site: Site, previous: dict[str, MadeOutput], reads: ReadIndex, affected: set[tuple] | None,
           digester, stage, templates_digest: bytes, workers: int | None = None,
           progress=None, parallel_min: int | None = None, compiled_in: Path | None = None,
           code: bytes = b"", listed_before: bytes = b"") -> tuple[dict[str, MadeOutput], int, bytes]:
    """Make every output whose inputs changed since `previous`, writing it through `stage`.

    `reads` numbers the values the previous outputs read, with their digests then; `affected`
    names those this build's changes can have changed (changes.affected_keys; None: any of
    them). Only those are digested now, and only the outputs that read one that changed are
    made again, found through the reverse index. Templates compiled by earlier builds of the
    generator's `code` are kept in the folder `compiled_in` (CompiledTemplates; None: nowhere).

    `listed_before`, the listing (_listing_of, packed) of the build that made `previous`, when
    `previous` holds every output it made: while it is the same, the site has the outputs it
    had; otherwise the outputs of what differs are listed (_moved_outputs). Either way those
    to make again are made from their paths (_output_at), without listing every output.

    Returns the record of every output of the new site (made now or kept from before), how
    many were made, and the listing, packed.
    """
    listing = _listing_of(site.shape, _relation_pairs(site), site.actors, site.sources)
    before = _unpacked(listed_before) if previous else None
    static = static_outputs(theme.files(site.config, "static", hidden=False))
    same_outputs = before == listing
    templated, came, made_apart = None, [], []
    static_digests = {o.path: blake(o.make.content) for o in static}
    if before is None:
        templated, pages, parts = _templated(site)
        facts = BuildFacts(templates_digest, static_digests, pages, parts)
    elif same_outputs:  # the last build's outputs: its sitemap's pages and parts, made if read
        facts = BuildFacts(templates_digest, static_digests, sitemap=functools.partial(_sitemap_of, previous, ()))
    else:  # the outputs of what the listings do not share went, or came
        went, came = _moved_outputs(before, listing)
        previous = {path: made for path, made in previous.items() if path not in went}
        pages, parts = _sitemap_of(previous, came)
        # the sitemap's parts, when more or fewer
        previous = {path: made for path, made in previous.items()
                    if made.recipe != _SITEMAP_PART_RECIPE or path in parts}
        came = came + [_sitemap_part(path) for path in parts if path not in previous]
        facts = BuildFacts(templates_digest, static_digests, pages, parts)
    stale: set[str] = set()
    if previous:
        made_apart = _made_apart(previous)
        if affected is not None:  # the build's facts are few: always compared (the pages, unless the same)
            affected = affected | {("templates",)} | {
                ("static_files", path) for path in [*static_digests, *(
                    path for path in made_apart if previous[path].recipe == "static")]}
            if not same_outputs:
                affected |= {("site_paths",), ("sitemap_parts",), *(("sitemap_parts", path) for path in parts)}
        changed = reads.changed(affected, _LAST_DIGESTS.reader(site, facts, digester, remember=affected is not None))
        stale = reads.readers(changed)
    split = _split_by_path(previous, made_apart, static, stale, came) if before is not None else None
    if split is None:  # every output listed (an output to make again not known by its path: listed too)
        templated = templated or _templated(site)[0]
        split = _split([*templated, *static, *map(_sitemap_part, facts.sitemap_parts)], previous, stale)
    records, todo = split
    if len(todo) > len(records) // 3:
        reads.load_all()  # most outputs read again: one query rather than one a value
    parallel_min = PARALLEL_MIN if parallel_min is None else parallel_min
    if pool.worth_forking(len(todo), workers, parallel_min):
        site.complete()  # made once here, not by each worker for the pages it makes
    env = _environment(tuple(theme.folders(site.config, "templates")), templates_digest, compiled_in, code)
    job = _Job(site, facts, env, todo, digester, stage)
    for done, digests in _make_all(job, workers, progress, parallel_min):
        for path, made in done:
            records[path] = MadeOutput(made.recipe, reads.numbered(made.reads, digests), made.digest, made.searchable)
    return records, len(todo), marshal.dumps(listing)


def _unpacked(listed: bytes) -> tuple | None:
    """A listing as render returned it packed (None: none, or not one this version packs)."""
    try:
        listing = marshal.loads(listed)
    except (EOFError, ValueError, TypeError):
        return None
    return listing if isinstance(listing, tuple) and len(listing) == 6 else None


def _split(specs: list[Output], previous: dict[str, MadeOutput], stale: set[str]
           ) -> tuple[dict[str, MadeOutput], list[Output]]:
    """The records of the outputs kept as `previous` has them, and the outputs to make: new
    ones, those made otherwise now, and the `stale` ones."""
    records, todo = {}, []
    for spec in specs:
        old = previous.get(spec.path)
        if old is not None and old.recipe == spec.recipe and spec.path not in stale:
            records[spec.path] = old
        else:
            todo.append(spec)
    return records, todo


def _split_by_path(previous: dict[str, MadeOutput], made_apart: list[str], static: list[Output], stale: set[str],
                   came: list[Output]) -> tuple[dict[str, MadeOutput], list[Output]] | None:
    """As _split over the outputs of `previous` (every output the site has but those that
    `came`) without listing them: the stale ones made by their paths, those that came when
    new or made otherwise, the static files as they are now. None when an output to make is
    not known by its path. `made_apart`: the outputs of `previous` not made from the Site."""
    todo = [spec for spec in came if (old := previous.get(spec.path)) is None or old.recipe != spec.recipe]
    made_anew = {spec.path for spec in todo}
    for path in sorted(stale - made_anew):
        old = previous.get(path)
        if old is None or old.recipe == "static":
            continue
        spec = _sitemap_part(path) if old.recipe == _SITEMAP_PART_RECIPE else _output_at(path)
        if spec is None or spec.recipe != old.recipe:
            return None
        todo.append(spec)
    # Every record kept but those made again, the static files' (below) and the search
    # index's (search.py adds them): copied whole in C, the few taken out.
    records = dict(previous)
    for path in (*stale, *made_anew, *made_apart):
        records.pop(path, None)
    kept_static, todo_static = _split(static, previous, stale)
    records.update(kept_static)
    return records, todo + todo_static


class _Job:
    def __init__(self, site: Site, facts: BuildFacts, env, todo: list[Output], digester, stage):
        self.site, self.facts, self.env, self.todo = site, facts, env, todo
        self.digester, self.stage = digester, stage

    def make(self, lo: int, hi: int) -> tuple[list[tuple[str, Made]], dict]:
        """Make outputs lo..hi. Returns their records, whose reads are still the dependency
        keys (render numbers them), and the digest of every value they read; each key is one
        object, so that a worker's answer carries it once."""
        done, digests, keys = [], {}, {}
        for spec in self.todo[lo:hi]:
            reads = Reads()
            content = spec.make(SiteView(self.site, self.facts, reads), self.env)
            self.stage.write(spec.path, content)
            for key in reads.keys:
                if key not in keys:
                    keys[key] = key
                    digests[key] = self.digester.of(dependencies.read_value(self.site, self.facts, key))
            done.append((spec.path, Made(spec.recipe, tuple(keys[key] for key in reads.keys),
                                         blake(content),
                                         spec.path.endswith(".html") and search.BODY_MARK in content)))
        return done, digests


def _make_range(job: _Job, lo: int, hi: int) -> tuple[list[tuple[str, Made]], dict]:
    return job.make(lo, hi)


def _make_all(job: _Job, workers: int | None, progress, parallel_min: int,
              ) -> Iterator[tuple[list[tuple[str, Made]], dict]]:
    """Make the outputs in `job`, in worker processes when there are many (both cores pay).
    Yields each hundred outputs' records as they come, so the parent never holds them all."""
    count = len(job.todo)
    for lo, hi, part in pool.chunks(_make_range, job, count, workers, parallel_min, smallest=100, largest=100):
        yield part
        if progress:
            progress(hi - lo, count)


class _StaticFile:
    """make() of a static file: its bytes, read once; reading it notes its digest."""

    def __init__(self, path: str, content: bytes):
        self.path, self.content = path, content

    def __call__(self, site, env) -> bytes:
        site.static_files.get(self.path)
        return self.content


def static_outputs(files: dict[str, Path]) -> list[Output]:
    """Each static file (theme.files: the archive's, else the package's) as static/NAME.
    Links in the archive's folder leading outside the project were refused by load.check_links."""
    return [Output(urls.static(name), "static", _StaticFile(urls.static(name), files[name].read_bytes()))
            for name in sorted(files)]
