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
from pathlib import Path

import jinja2

from . import export, markup, reprints, search, timeline
from .model import Article, OutputFile, PubDate, Reprint
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


def make_environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,  # every output is HTML or XML: escape all text that reaches it
        undefined=jinja2.StrictUndefined,  # a misspelt variable is an error, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
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


def _feed(path: str, title: str, articles, site: Site, page: str) -> tuple[str, str, dict]:
    """An Atom feed of `articles`, newest first; `page` is the HTML page it accompanies."""
    base = site.config.base_url
    feed_id = base + path if base else uuid.uuid5(uuid.NAMESPACE_URL, f"newsarchive:{site.config.title}:{path}").urn
    updated = _feed_updated(articles)
    return (path, "feed.xml", {"feed_title": title, "feed_id": feed_id, "updated": updated,
                               "entries": articles, "page": page, "atom_time": atom_time})


def _comparison_view(relation: Reprint, site: Site) -> dict:
    copy, original = site.article[relation.copy], site.article[relation.original]
    return {
        "relation": relation,
        "copy": copy,
        "original": original,
        "comparison": reprints.compare(reprints.plain_text(copy), reprints.plain_text(original),
                                       relation.passages),
    }


def pages(site: Site) -> list[tuple[str, str, dict]]:
    """Every templated output as (output path, template, context)."""
    years = timeline.by_month(site.articles)
    result = [("index.html", "index.html", {"timeline": timeline.layout(site, human_date)}),
              ("actors/index.html", "actors.html", {}),
              ("sources/index.html", "sources.html", {}),
              ("claims/index.html", "claims.html", {"jsonld": export.claims_jsonld(site)}),
              ("archive/index.html", "archive.html", {"years": years}),
              ("search/index.html", "search.html", {}),
              ("reprints/index.html", "reprints.html", {}),
              ("404.html", "404.html", {}),
              ("sitemap.xml", "sitemap.xml", {}),
              ("robots.txt", "robots.txt", {}),
              _feed("feed.xml", site.config.title, site.articles, site, "index.html")]
    for year, months in years.items():
        result.append((f"archive/{year}/index.html", "period.html",
                       {"year": year, "month": "", "groups": months}))
        for month, articles in months.items():
            if month:
                result.append((f"archive/{year}/{month}/index.html", "period.html",
                               {"year": year, "month": month, "groups": {month: articles}}))
    undated = [a for a in site.articles if not a.date.known]
    result.append(("archive/undated/index.html", "period.html",
                   {"year": "", "month": "", "groups": {"": undated}}))
    for article in site.articles:
        result.append((article_url(article.slug), "article.html", _article_view(article, site)))
    for relation in site.reprints:
        result.append((reprint_url(relation), "reprint.html", _comparison_view(relation, site)))
    for actor in site.actors:
        named = site.articles_naming.get(actor.id, ())
        result.append((f"actors/{actor.id}/index.html", "actor.html", {"actor": actor}))
        result.append(_feed(f"actors/{actor.id}/feed.xml", f"{actor.name} · {site.config.title}", named, site,
                            f"actors/{actor.id}/index.html"))
    for source in site.sources:
        published = site.published_by.get(source.id, ())
        result.append((f"sources/{source.id}/index.html", "source.html", {"source": source}))
        result.append(_feed(f"sources/{source.id}/feed.xml", f"{source.name} · {site.config.title}", published,
                            site, f"sources/{source.id}/index.html"))
    return result


def render(site: Site) -> list[OutputFile]:
    env = make_environment(site.config.templates)
    files = []
    items = pages(site)
    site_paths = [path for path, _, _ in items if path.endswith(".html") and path != "404.html"]
    for path, template_name, context in items:
        root = "../" * path.count("/")
        text = env.get_template(template_name).render(
            site=site, root=root, page_path=path, site_paths=site_paths, **context)
        files.append(OutputFile(path, text.encode("utf-8")))
    files.extend(static_files(site.config.static))
    files.extend(export.data_files(site))
    files.extend(search.index_pages(files))
    return sorted(files, key=lambda f: f.path)


def static_files(static: Path) -> list[OutputFile]:
    files = []
    if static.is_dir():
        for path in sorted(static.rglob("*")):
            # Links leading outside the project were refused by load.check_links before this.
            if path.is_file() and not path.name.startswith("."):
                files.append(OutputFile("static/" + path.relative_to(static).as_posix(), path.read_bytes()))
    return files
