"""Turn the Site into output files: HTML pages from Jinja templates, static files, data files.

Every link is relative (built from `root`, the way back to the site's top from the page) and
points at index.html explicitly, so the site works from any subfolder and from file://.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from . import export, markup, reprints
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


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def make_environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,  # every page is HTML: escape all text that reaches it
        undefined=jinja2.StrictUndefined,  # a misspelt variable is an error, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["human_date"] = human_date
    env.filters["percent"] = percent
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
    }


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
    """Every HTML page as (output path, template, context)."""
    result = [("index.html", "index.html", {}),
              ("actors/index.html", "actors.html", {}),
              ("sources/index.html", "sources.html", {}),
              ("claims/index.html", "claims.html", {}),
              ("reprints/index.html", "reprints.html", {})]
    for article in site.articles:
        result.append((article_url(article.slug), "article.html", _article_view(article, site)))
    for relation in site.reprints:
        result.append((reprint_url(relation), "reprint.html", _comparison_view(relation, site)))
    for actor in site.actors:
        result.append((f"actors/{actor.id}/index.html", "actor.html", {"actor": actor}))
    for source in site.sources:
        result.append((f"sources/{source.id}/index.html", "source.html", {"source": source}))
    return result


def render(site: Site) -> list[OutputFile]:
    env = make_environment(site.config.templates)
    files = []
    for path, template_name, context in pages(site):
        root = "../" * path.count("/")
        html = env.get_template(template_name).render(site=site, root=root, page_path=path, **context)
        files.append(OutputFile(path, html.encode("utf-8")))
    files.extend(static_files(site.config.static))
    files.extend(export.data_files(site))
    return sorted(files, key=lambda f: f.path)


def static_files(static: Path) -> list[OutputFile]:
    files = []
    if static.is_dir():
        for path in sorted(static.rglob("*")):
            if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
                files.append(OutputFile("static/" + path.relative_to(static).as_posix(), path.read_bytes()))
    return files
