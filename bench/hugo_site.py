"""Convert an archive in our format into a Hugo site, for bench/build.py --vs-hugo.

    convert(archive_dir, hugo_dir)

writes hugo_dir/hugo.toml, hugo_dir/layouts/_default/*.html and
hugo_dir/content/articles/<slug>.md: JSON front matter with title, date (left out when the
article's date is unknown; a date known to the month becomes the 1st of that month) and the
taxonomies `actors` (front matter `people`) and `sources` (front matter `publisher`), then
the Markdown body. Every actor and source of the registries gets a term page,
content/actors/<id>/_index.md and content/sources/<id>/_index.md, titled with its display
name, as our build makes a page for each of them. Only the home page has an RSS feed (we
make one feed.xml); every other page is HTML only.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CONFIG = """\
baseURL = "https://example.org/"
title = "Synthetic archive"
languageCode = "en"
enableRobotsTXT = false

[taxonomies]
actor = "actors"
source = "sources"

[outputs]
home = ["HTML", "RSS"]
section = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML"]
"""

LAYOUTS = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title></head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
  <a href="/articles/">Articles</a> <a href="/actors/">People</a> <a href="/sources/">Sources</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
{{ if not .Date.IsZero -}}
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time></p>
{{- end }}
<p>Source: {{ range .GetTerms "sources" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
<p>People: {{ range .GetTerms "actors" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ .Content }}
</article>{{ end }}
""",
    "list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages.ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>
  {{- if not .Date.IsZero }} <time>{{ .Date.Format "2006-01-02" }}</time>{{ end }}</li>{{ end }}
</ul>{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages.ByTitle }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> ({{ len .Pages }})</li>{{ end }}
</ul>{{ end }}
""",
    "term.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages.ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>
  {{- if not .Date.IsZero }} <time>{{ .Date.Format "2006-01-02" }}</time>{{ end }}</li>{{ end }}
</ul>{{ end }}
""",
}


def _split(markdown: str) -> tuple[dict, str]:
    """Front matter (parsed) and body of one article file."""
    _, front, body = markdown.split("---\n", 2)
    return yaml.load(front, Loader=_Loader), body


def _hugo_date(value) -> str | None:
    """Our date (a day, a month, or empty) as a date Hugo reads; None when unknown."""
    if value in (None, ""):
        return None
    text = str(value)
    return text + "-01" if len(text) == 7 else text


def _strip_title(body: str, title: str) -> str:
    """The body without its leading `# title` heading (the layout prints the title)."""
    stripped = body.lstrip("\n")
    heading = f"# {title}\n"
    return stripped[len(heading):] if stripped.startswith(heading) else body


def _write(path: Path, front: dict, body: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(front, ensure_ascii=False) + "\n\n" + body, encoding="utf-8")


def _write_terms(registry: Path, taxonomy: Path) -> None:
    """One _index.md per registry entry, titled with its display name."""
    entries = yaml.load(registry.read_text(encoding="utf-8"), Loader=_Loader) or {}
    for term_id, fields in entries.items():
        _write(taxonomy / term_id / "_index.md", {"title": fields["name"]}, fields.get("description", "") + "\n")


def _write_article(source: Path, content: Path) -> None:
    meta, body = _split(source.read_text(encoding="utf-8"))
    front = {"title": meta["title"], "actors": list(meta.get("people") or []),
             "sources": [meta["publisher"]] if meta.get("publisher") else []}
    date = _hugo_date(meta.get("date"))
    if date:
        front["date"] = date
    _write(content / "articles" / source.name, front, _strip_title(body, meta["title"]))


def convert(archive: Path, hugo: Path) -> int:
    """Write the Hugo site for `archive` into `hugo`; returns the number of articles."""
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in LAYOUTS.items():
        (hugo / "layouts" / "_default" / name).write_text(text, encoding="utf-8")
    content = hugo / "content"
    _write(content / "articles" / "_index.md", {"title": "Articles"})
    _write(content / "actors" / "_index.md", {"title": "People"})
    _write(content / "sources" / "_index.md", {"title": "Sources"})
    _write_terms(archive / "articles" / "actors.yaml", content / "actors")
    _write_terms(archive / "articles" / "sources.yaml", content / "sources")
    articles = sorted((archive / "articles").glob("*.md"))
    for article in articles:
        _write_article(article, content)
    return len(articles)
