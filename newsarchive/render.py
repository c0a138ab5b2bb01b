"""Turn the Site into output files: HTML pages, feeds and site files from Jinja templates,
static files, data files and the search index.

Every link is relative (built from `root`, the way back to the site's top from the page) and
points at index.html explicitly, so the site works from any subfolder and from file://.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import jinja2

from . import comparison, export, incremental, markup, reprints, theme, timeline
from . import workers as pool
from .model import Article, PubDate, Reprint
from .sitemodel import Site

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


class _Environment(jinja2.Environment):
    """Notes when a template reads an article's text, which its digest leaves out."""

    def getattr(self, obj, attribute):
        if attribute in incremental.BODY_FIELDS and isinstance(obj, Article):
            incremental.note_text_read(obj)
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        if argument in incremental.BODY_FIELDS and isinstance(obj, Article):
            incremental.note_text_read(obj)
        return super().getitem(obj, argument)


def make_environment(templates: Path | list[Path]) -> jinja2.Environment:
    """`templates`: a folder, or folders searched in order (the archive's, then the package's:
    theme.folders), each template taken from the first that has it."""
    folders = [templates] if isinstance(templates, Path) else templates
    env = _Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in folders]),
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
    env.filters["reprint_url"] = reprint_url
    return env


def article_url(slug: str) -> str:
    return f"articles/{slug}/index.html"


def reprint_url(relation: Reprint) -> str:
    # Slugs never hold two hyphens in a row, so "--" parts the two unambiguously.
    return f"reprints/{relation.copy}--{relation.original}/index.html"


def _article_view(article: Article, site: Site) -> dict:
    site.text_of(article)
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


def _feed(path: str, title: str, articles, site: Site, page: str) -> dict:
    """An Atom feed of `articles`, newest first; `page` is the HTML page it accompanies."""
    base = site.config.base_url
    feed_id = base + path if base else uuid.uuid5(uuid.NAMESPACE_URL, f"newsarchive:{site.config.title}:{path}").urn
    updated = _feed_updated(articles)
    return {"feed_title": title, "feed_id": feed_id, "updated": updated,
            "entries": articles, "page": page, "atom_time": atom_time}


def _comparison_view(relation: Reprint, site: Site) -> dict:
    copy, original = site.text_of(site.article[relation.copy]), site.text_of(site.article[relation.original])
    return {
        "relation": relation,
        "copy": copy,
        "original": original,
        "comparison": comparison.compare(reprints.plain_text(copy), reprints.plain_text(original),
                                       relation.passages),
    }


FEED_ENTRIES = 50  # a feed carries the newest entries; the archive pages list all


class Output(NamedTuple):
    """One output file and how to make it: `make` reads the site (through a Tracker) and
    returns the bytes; `recipe` names what else decides them (the template). A named tuple:
    a build makes one per output (26,000 at 10,000 articles), a frozen dataclass costs 3 times as much."""

    path: str
    recipe: str
    make: Callable


def _page(path: str, template: str, context=lambda site: {}) -> Output:
    def make(site, env):
        site.templates  # noted as read: a change to any template makes every page again
        text = env.get_template(template).render(
            site=site, root="../" * path.count("/"), page_path=path, site_paths=site.site_paths,
            **context(site))
        return text.encode("utf-8")
    return Output(path, "template:" + template, make)


def _feed_output(path: str, title: str, entries, page: str) -> Output:
    return _page(path, "feed.xml", lambda site: _feed(path, title(site), entries(site)[:FEED_ENTRIES], site, page))


def _period(year: str, month: str):
    def context(site):
        groups = {month: site.by_month[f"{year}-{month}"]} if month else site.by_year[year]
        return {"year": year, "month": month, "groups": groups}
    return context


def outputs(site: Site) -> list[Output]:
    """Every templated output and data file; nothing is made until its `make` is called."""
    years = site.by_year
    result = [_page("index.html", "index.html", lambda s: {"timeline": timeline.layout(s, human_date)}),
              _page("actors/index.html", "actors.html"),
              _page("sources/index.html", "sources.html"),
              _page("claims/index.html", "claims.html", lambda s: {"jsonld": export.claims_jsonld(s)}),
              _page("archive/index.html", "archive.html", lambda s: {"years": s.by_year}),
              _page("search/index.html", "search.html"),
              _page("reprints/index.html", "reprints.html"),
              _page("404.html", "404.html"),
              _page("sitemap.xml", "sitemap.xml"),
              _page("robots.txt", "robots.txt"),
              _feed_output("feed.xml", lambda s: s.config.title, lambda s: s.articles, "index.html")]
    for year, months in years.items():
        result.append(_page(f"archive/{year}/index.html", "period.html", _period(year, "")))
        for month in months:
            if month:
                result.append(_page(f"archive/{year}/{month}/index.html", "period.html", _period(year, month)))
    result.append(_page("archive/undated/index.html", "period.html", lambda s: {
        "year": "", "month": "", "groups": {"": s.undated}}))
    for article in site.articles:
        slug = article.slug
        result.append(_page(article_url(slug), "article.html",
                            lambda s, slug=slug: _article_view(s.article[slug], s)))
        result.append(Output(f"articles/{slug}/index.json", "data:article",
                             lambda s, env, slug=slug: export.article_json(s.text_of(s.article[slug]), s)))
    for group in site.claims:
        claim_id = group.id
        result.append(_page(export.claim_url(claim_id), "claim.html", lambda s, claim_id=claim_id: {
            "group": s.claim[claim_id], "jsonld": export.claim_jsonld(s.claim[claim_id], s)}))
    for relation in site.reprints:
        pair = (relation.copy, relation.original)
        result.append(_page(reprint_url(relation), "reprint.html",
                            lambda s, pair=pair: _comparison_view(_relation(s, *pair), s)))
    for actor in site.actors:
        actor_id, path = actor.id, f"actors/{actor.id}/index.html"
        result.append(_page(path, "actor.html", lambda s, actor_id=actor_id: {"actor": s.actor[actor_id]}))
        result.append(_feed_output(f"actors/{actor_id}/feed.xml",
                                   lambda s, actor_id=actor_id: f"{s.actor[actor_id].name} · {s.config.title}",
                                   lambda s, actor_id=actor_id: s.articles_naming.get(actor_id, ()), path))
    for source in site.sources:
        source_id, path = source.id, f"sources/{source.id}/index.html"
        result.append(_page(path, "source.html", lambda s, source_id=source_id: {"source": s.source[source_id]}))
        result.append(_feed_output(f"sources/{source_id}/feed.xml",
                                   lambda s, source_id=source_id: f"{s.source[source_id].name} · {s.config.title}",
                                   lambda s, source_id=source_id: s.published_by.get(source_id, ()), path))
    result.append(Output("data/articles.json", "data:articles", lambda s, env: export.articles_json(s)))
    result.append(Output("data/reprints.json", "data:reprints", lambda s, env: export.reprints_json(s)))
    return sorted(result, key=lambda o: o.path)


def _relation(site, copy: str, original: str) -> Reprint:
    return next(r for r in site.copies_of[copy] if r.original == original)


Made = incremental.Made  # what the build knows of an output it wrote


PARALLEL_MIN = 400  # below this many outputs to make, worker processes cost more than they save


def render(site: Site, previous: dict[str, Made], parts: incremental.Parts, digester, stage,
           templates_digest: bytes, search_parts: int, workers: int | None = None,
           progress=None) -> tuple[dict[str, Made], int]:
    """Make every output whose inputs changed since `previous`, writing it through `stage`.

    `parts` holds the digest of every part of the site the previous outputs read; it is
    brought up to date. `search_parts` is the number of parts of the search index, which the
    search page merges. Returns the record of every output of the new site (made now or kept
    from before) and how many were made.
    """
    specs = outputs(site) + static_outputs(theme.files(site.config, "static", hidden=False))
    extra = {"site_paths": tuple(o.path for o in specs if o.path.endswith(".html") and o.path != "404.html"
                                 and o.recipe.startswith("template:")),
             "templates": templates_digest,
             "search_shards": search_parts,
             "static_files": {o.path: incremental.blake(o.make.content) for o in specs if o.recipe == "static"}}
    # Each part of the site read by the previous outputs is digested once; an output is made
    # again only when one of the parts it read changed.
    now = [digester.of(incremental.read_value(site, extra, part)) for part in parts.keys]
    changed = {n for n, (new, old) in enumerate(zip(now, parts.digests)) if new != old}
    parts.digests = now
    records, todo = {}, []
    for spec in specs:
        old = previous.get(spec.path)
        if old is not None and old.recipe == spec.recipe and (
                not changed or changed.isdisjoint(incremental.numbers(old.reads))):
            records[spec.path] = old
        else:
            todo.append(spec)
    job = _Job(site, extra, make_environment(theme.folders(site.config, "templates")), todo, digester, stage)
    for done, digests in _make_all(job, workers, progress):
        for path, made in done:
            records[path] = made._replace(reads=parts.numbered(made.reads, digests))
    return records, len(todo)


class _Job:
    def __init__(self, site, extra, env, todo, digester, stage):
        self.site, self.extra, self.env, self.todo = site, extra, env, todo
        self.digester, self.stage = digester, stage

    def make(self, lo: int, hi: int) -> tuple[list[tuple[str, Made]], dict]:
        """Make outputs lo..hi. Returns their records, whose reads are still the parts' keys
        (render numbers them), and the digest of every part they read; each key is one object,
        so that a worker's answer carries it once."""
        done, digests, keys = [], {}, {}
        for spec in self.todo[lo:hi]:
            reads: set = set()
            incremental.reading(reads)
            content = spec.make(incremental.Tracker(self.site, self.extra, reads), self.env)
            incremental.reading(None)
            self.stage.write(spec.path, content)
            for part in reads:
                if part not in keys:
                    keys[part] = part
                    digests[part] = self.digester.of(incremental.read_value(self.site, self.extra, part))
            done.append((spec.path, Made(spec.recipe, tuple(keys[part] for part in reads),
                                         incremental.blake(content),
                                         spec.path.endswith(".html") and b"data-pagefind-body" in content)))
        return done, digests


def _make_range(job: _Job, lo: int, hi: int) -> tuple[list[tuple[str, Made]], dict]:
    return job.make(lo, hi)


def _make_all(job: _Job, workers: int | None, progress) -> Iterator[tuple[list[tuple[str, Made]], dict]]:
    """Make the outputs in `job`, in worker processes when there are many (both cores pay).
    Yields each hundred outputs' records as they come, so the parent never holds them all."""
    count = len(job.todo)
    for lo, hi, part in pool.chunks(_make_range, job, count, workers, PARALLEL_MIN, smallest=100, largest=100):
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
    return [Output("static/" + name, "static", _StaticFile("static/" + name, files[name].read_bytes()))
            for name in sorted(files)]
