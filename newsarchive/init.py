"""`newsarchive init DIR`: make a new, empty archive.

It writes config.yaml (the title, every setting explained), articles/ with commented, empty
actors.yaml and sources.yaml and an empty captures/ (holding only a .gitkeep, so that git keeps
it), a README.md for the archive's owner and a .gitignore for what builds make. The templates
and static files stay in the package (theme.py) unless asked for (`with_templates`).

It refuses a folder that holds anything (a `.git` folder aside) unless `force`, and never
overwrites a file: with `force` it writes only the files that are missing and says which were
already there. Each file is written beside its name and linked into place, which fails if the
name was taken meanwhile.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import theme
from .model import Diagnostic

DEFAULT_TITLE = "News archive"
MAX_TITLE = 300


class InitError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class InitResult:
    folder: Path
    written: tuple[str, ...]  # relative names, in the order written
    kept: tuple[str, ...]  # files that were already there (only with force)


def init(folder: Path, title: str | None = None, force: bool = False, with_templates: bool = False) -> InitResult:
    """Make the archive in `folder` (created when missing)."""
    title = _check_title(DEFAULT_TITLE if title is None else title)
    _check_folder(folder, force)
    files = skeleton(title)
    if with_templates:
        for kind in theme.KINDS:
            source = theme.package_folder(kind)
            for path in sorted(source.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    files[f"{kind}/{path.relative_to(source).as_posix()}"] = path.read_bytes()
    written, kept = [], []
    for name, content in files.items():
        target = folder / name
        if os.path.lexists(target):
            kept.append(name)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_new(target, content)
        written.append(name)
    return InitResult(folder, tuple(written), tuple(kept))


def _check_title(title: str) -> str:
    title = " ".join(title.split())
    problem = ("is empty" if not title
               else f"is {len(title)} characters long, over {MAX_TITLE}" if len(title) > MAX_TITLE
               else "holds a control character" if any(unicodedata.category(c) == "Cc" for c in title)
               else None)
    if problem:
        raise InitError([Diagnostic("--title", None, None, f"the title {problem}",
                                    "give the site's name, e.g. --title 'Floods in Derna, 2023'")])
    return title


def _check_folder(folder: Path, force: bool) -> None:
    shown = str(folder)
    if not os.path.lexists(folder):
        return
    if not folder.is_dir():
        raise InitError([Diagnostic(shown, None, None, "exists and is not a folder",
                                    "give the name of a new folder, or of an empty one")])
    found = sorted(entry.name + ("/" if entry.is_dir() else "") for entry in folder.iterdir() if entry.name != ".git")
    if found and not force:
        listed = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        raise InitError([Diagnostic(shown, None, None, f"the folder is not empty: it holds {listed}",
                                    "give a new or empty folder; or add --force to write only the files "
                                    "that are missing (no file is ever overwritten)")])


def _write_new(target: Path, content: bytes) -> None:
    """Write `target`, which must not exist: a temporary file beside it, linked to its name."""
    temporary = target.with_name(f".{target.name}.init-{os.getpid()}")
    try:
        with open(temporary, "xb") as file:
            file.write(content)
        os.link(temporary, target)  # FileExistsError if the name was taken since we looked
    finally:
        temporary.unlink(missing_ok=True)


def skeleton(title: str) -> dict[str, bytes]:
    """The files of a new archive, by relative name."""
    title_line = yaml.safe_dump({"title": title}, allow_unicode=True, width=1 << 20, sort_keys=False)
    return {
        "config.yaml": CONFIG.replace("title: TITLE\n", title_line).encode("utf-8"),
        "articles/actors.yaml": ACTORS.encode("utf-8"),
        "articles/sources.yaml": SOURCES.encode("utf-8"),
        "articles/captures/.gitkeep": b"",
        "README.md": README.replace("TITLE", title).encode("utf-8"),
        ".gitignore": GITIGNORE.encode("utf-8"),
    }


CONFIG = """\
# The settings of this archive, read by every newsarchive command run in this folder (or
# given this file with --config). Paths are relative to this file. Every setting is optional.

# The site's name: in every page's title, the home page and the feeds.
title: TITLE
# One or two sentences on what the archive collects, shown on the home page:
# description: Captured news articles on ...: who said what, where, when, and who copied whom.

# The folder the site is built into (--output on the command line overrides it).
output: _site
# Where the site will be published. Optional: every link is relative, so the site works
# anywhere without it; with it, feeds, the sitemap, citations and the 404 page use full addresses.
# base_url: https://example.org/archive/

# The articles (<slug>.md), actors.yaml, sources.yaml and captures/ (default: articles).
# articles: articles
# Your own templates and static files. The ones that come with newsarchive are used for every
# file you do not have, so a templates/ folder holding only article.html changes only the article
# pages. Without these lines, the folders templates/ and static/ are used when they exist.
# templates: templates
# static: static
# Where builds keep what the next build can reuse (default: .cache; safe to delete).
# cache: .cache

# Reprint detection: a pair of articles is a reprint when their shared passages (each of at
# least 20 matched words) hold at least this many words...
reprint_min_shared_words: 40
# ...and cover at least this share of one of the two texts. Measured on real copies: they share
# at least 99 words and 34% of a text; pairs that only share names, titles and footers share no
# passage at all once passages under 20 words are left out.
reprint_min_share: 0.15
"""

ACTORS = """\
# The people named in the archive, keyed by id: an article names them by id in its front
# matter (people:, and a claim's speaker:). `newsarchive add` appends the people it finds
# that are not here yet, each with a `review:` line: check the entry, then delete that line.
#   name:        canonical name
#   aliases:     every other spelling used in the captures (matched when adding articles)
#   role:        the role the articles give them
#   affiliation: the body they act for (optional)
#   description: one line, from what the articles say
#
# For example:
#
# jane-doe:
#   name: Jane Doe
#   aliases: [Doe, Mayor Doe]
#   role: Mayor of Springfield
#   affiliation: Springfield City Council
#   description: Mayor since 2019; announced the evacuation.
"""

SOURCES = """\
# The outlets of the archive: those whose pages were captured, and those credited as the
# original of a reprint or translation. Keyed by id: an article names its publisher by id.
# `newsarchive add` appends the outlets it does not know, each with a `review:` line: check the
# entry, then delete that line.
#   name:    the outlet's name as it presents itself
#   domains: web domains whose pages belong to it (an address's host, without "www.")
#   kind:    newspaper, agency, broadcaster or website
#
# For example:
#
# springfield-gazette:
#   name: Springfield Gazette
#   domains: [springfieldgazette.com]
#   kind: newspaper
"""

GITIGNORE = """\
# Made by builds, not part of the archive
/_site/
/.cache/
.*.lock
"""

README = """\
# TITLE

An archive of captured news articles, built into a static site by `newsarchive`: who said
what, where, when, and who copied whom.

```
config.yaml              the site's title and settings, each explained
articles/
  <slug>.md              one article: its metadata (YAML front matter), then its text
  actors.yaml            the people named in the articles
  sources.yaml           the outlets
  captures/              each captured page, byte for byte as saved (never published)
templates/ static/       only if you change how the site looks (below)
```

Run every command in this folder (or give `--config PATH/config.yaml` from anywhere else).

## Adding an article

A capture is one of three kinds, each added with one command:

```sh
# 1. the page's text: select all, copy, paste into a UTF-8 .txt file; give its address
newsarchive add ~/saved/page.txt --url https://example.org/2023/09/12/the-story/
# 2. the saved page: a browser's "Save page as" or SingleFile (.html or .html.gz);
#    --url only when the page names no address of its own
newsarchive add ~/saved/page.html
# 3. a web archive (WARC from wget --warc-file, Browsertrix or ArchiveBox; WACZ from
#    ArchiveWeb.page): every article page in it is added
newsarchive add ~/crawls/story.warc.gz
# any kind: show what would be written, write nothing
newsarchive add ~/saved/page.txt --url https://... --dry-run
```

`add` keeps the capture in `articles/captures/`, writes `articles/<slug>.md` and prints what it
found, with `!` before whatever it is unsure of. Check those fields against the capture and
correct the file. New people and outlets are appended to `actors.yaml` and `sources.yaml` with
a `review:` line: check each, then delete that line (builds warn until you do).

## Building and previewing

```sh
newsarchive build            # the site, into _site/ (open _site/index.html); `newsarchive` alone does the same
newsarchive serve            # builds, serves http://127.0.0.1:8000/ and rebuilds whenever a file changes
newsarchive build --strict   # warnings (an entry not yet reviewed, an unknown field) count as errors
```

A build that finds a problem lists each with its file, line and a hint, and leaves the previous
site as it was. Builds are incremental: only the pages whose parts changed are made again.

## Publishing

`_site/` is a finished static site: upload it to any web server or static host, in the root or
in a subfolder, or open it from disk. Set `base_url:` in `config.yaml` to its address to give
the feeds, the sitemap and citations full addresses, and have the host serve `404.html` for
missing pages. Keep this folder in git (`.gitignore` leaves out `_site/` and `.cache/`): the
captures and articles are the archive; the site can always be built again.

## Changing how the site looks

The templates (Jinja) and the stylesheet come with newsarchive. To change one page type, put
your version in `templates/` here under the same name; every template you do not have still
comes from newsarchive, and so does every file of `static/` you do not have (a new version of
newsarchive brings its new templates to those pages). `newsarchive init --force --with-templates .`
copies all of them here to start from, leaving every file you already have as it is. Restart
`newsarchive serve` after creating `templates/` or `static/`.
"""
