"""The whole load stage: the registries, then every article (parsed in worker processes on a
first build of a large archive, reused from the previous build when unchanged), then the
checks that need all of them."""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from .. import safeyaml
from .. import workers as pool
from ..buildstate import Parsed, ParsedArticle, TextSpool, article_digest
from ..model import Actor, Article, Diagnostic, Source
from ..paths import display_path
from ..listing import kept as kept_of, listing_of
from ..text import lead, text_key
from .article import load_article
from .fields import Context
from .problems import did_you_mean
from .registries import ACTORS_FILE, SOURCES_FILE, load_actors, load_sources
from .reuse import parsed_again, registry, registry_key

PARALLEL_MIN = 400  # fewer articles to parse than this take longer to hand to worker processes
_CAPTURE = attrgetter("capture")  # of an Article
_SPOOLED_CHUNK = 500  # at most this many articles parsed at a time, their texts held until spooled


@dataclass(frozen=True)
class Archive:
    """What the load stage read, all of it valid: the articles in slug order, the registries,
    the warnings, and what the next build may reuse."""

    articles: tuple[Article, ...]
    actors: dict[str, Actor]
    sources: dict[str, Source]
    warnings: tuple[Diagnostic, ...]
    # article file or registry -> its parse: what the next build may reuse
    parsed: dict[str, Parsed] = field(default_factory=dict, repr=False, compare=False)
    text_keys: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # slug -> text.text_key
    leads: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # slug -> text.lead
    kept: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)  # slug -> listing.kept
    # slug -> the slugs of the articles naming it (reprint_of, not_reprint_of, original.article),
    # for the next build: when an article is gone, those are the ones whose references to check
    named: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)


def _article_files(articles_dir: Path, listed=None) -> list[tuple[str, bool]]:
    """Each `*.md` entry of the folder by name, and whether it is a symbolic link: what
    sorted(articles_dir.glob("*.md")) finds, as the inputs' listing found it (`listed`, a
    quickcheck.InputListing: reading the folder again was 0.2-0.4 s at 100,000 articles), else
    from one read of the folder (globbing and sorting Paths cost a third of a second at 10,000
    articles; names sort the same as strings)."""
    found = listed.entries(articles_dir, ".md") if listed is not None else None
    if found is not None:
        return found
    try:
        with os.scandir(articles_dir) as entries:
            return sorted((entry.name, entry.is_symlink()) for entry in entries if entry.name.endswith(".md"))
    except PermissionError:
        return []  # as Path.glob


def load_archive(articles_dir: Path, project: Path, inputs=None, parsed: dict | None = None,
                 workers: int | None = None, parallel_min: int = PARALLEL_MIN, spool: TextSpool | None = None,
                 listed=None, named: dict[str, tuple[str, ...]] | None = None
                 ) -> tuple[Archive | None, list[Diagnostic]]:
    """Load everything; returns (archive, diagnostics). archive is None when any error was found.

    With `inputs` (digests.FileDigests) and `parsed` (Archive.parsed of the previous build),
    an article whose file, capture and registries have the same content as then is not parsed
    again. At least `parallel_min` articles to parse are parsed by `workers` processes
    (workers.py). With a `spool`, each article parsed keeps its text there as soon as it is
    parsed (buildstate.TextSpool). `listed`, the build's quickcheck.InputListing: the article
    files are those it found. `named`, the previous build's Archive.named: with it, when an
    article is gone, only the articles naming it have their references checked again."""
    problems: list[Diagnostic] = []
    if not articles_dir.is_dir():
        problems.append(Diagnostic(display_path(articles_dir, project), None, None, "articles folder is missing",
                                   "create it, or set 'articles:' in config.yaml"))
        return None, problems
    now_parsed = {}
    actors = registry(load_actors, articles_dir / ACTORS_FILE, project, problems, inputs, parsed, now_parsed)
    sources = registry(load_sources, articles_dir / SOURCES_FILE, project, problems, inputs, parsed, now_parsed)
    context = Context(actors, sources, articles_dir, project)
    lines_of: dict[str, safeyaml.Lines] = {}  # each article's front matter lines, by slug
    articles: dict[str, Article] = {}
    text_keys: dict[str, str] = {}
    leads: dict[str, str] = {}
    kept: dict[str, bytes] = {}
    registries, registries_kept = b"", False
    if inputs is not None:
        registries = b"".join(inputs.of(articles_dir / name) if (articles_dir / name).exists() else b"-"
                              for name in (ACTORS_FILE, SOURCES_FILE))
        registries_kept = registries == _registries_before(articles_dir, parsed or {})
    folder = str(articles_dir)
    prefix = folder if folder.endswith(os.sep) else folder + os.sep  # os.path.join's, without its cost
    files, previous = [], parsed or {}
    unchanged = inputs.unchanged() if inputs is not None and registries_kept else frozenset()
    todo, again = [], []  # the files to parse; those of them the last build parsed too
    for name, is_link in _article_files(articles_dir, listed):
        location = prefix + name  # str(articles_dir / name), without making the Path
        key, known = parsed_again(location, is_link, previous.get(location), inputs, registries,
                                  unchanged=unchanged) if inputs is not None else (None, None)
        files.append(_new_file((name, is_link, location, key, known)))
        if known is None:
            todo.append(articles_dir / name)
            if location in previous:
                again.append(location)
    # Parsed articles come as their chunks are done, to be spooled before the next chunks come.
    chunks = pool.chunks(_parse_range, (todo, context), len(todo), workers, parallel_min, smallest=50,
                         largest=None if spool is None else _SPOOLED_CHUNK)
    with contextlib.closing(chunks):
        fresh = itertools.chain.from_iterable(part for _, _, part in chunks)
        parsed_now = _gather(files, fresh, articles, text_keys, leads, kept, lines_of, now_parsed, problems, project,
                             inputs, registries, spool)
    registries_before = sum(key in previous for key in _registry_keys(articles_dir))
    only, replaced = _slugs_to_check(files, previous, articles, parsed_now, len(files) - len(todo), again,
                                     len(previous) - registries_before, named)
    names = _check_cross_references(articles, kept, lines_of, problems, project, only)
    errors = [p for p in problems if p.severity == "error"]
    warnings = tuple(p for p in problems if p.severity == "warning")
    if errors:
        return None, problems
    named_now = _named(names) if only is None else _named_moved(named, replaced, parsed_now, names)
    slugs = sorted(articles)  # the mappings in slug order, made in C
    return Archive(tuple(map(articles.__getitem__, slugs)), actors, sources, warnings, now_parsed, text_keys, leads,
                   dict(zip(slugs, map(kept.__getitem__, slugs))), named_now), problems


def _gather(files: list[_File], fresh, articles: dict, text_keys: dict, leads: dict, kept: dict,
            lines_of: dict, now_parsed: dict, problems: list, project: Path, inputs, registries: bytes,
            spool: TextSpool | None) -> set[str]:
    """Each article file's article, known from the last build or the next of the `fresh`
    parses, with what the next build may reuse of it. Returns the slugs of the articles parsed
    now (their references to others are checked)."""
    parsed_now = set()
    for _, is_link, location, key, known in files:
        if known is not None:  # a ParsedArticle, unpacked in C: every rebuild takes 100,000 of them
            _, article, found, lines, _, text, first, packed = known
            now_parsed[location] = known
        else:
            now = next(fresh)
            article, found, lines, text, first, packed = now
            if key is not None and not any(p.severity == "error" for p in found):
                # now knowing its capture
                key, _ = parsed_again(location, is_link, None, inputs, registries, capture=article.capture)
            if spool is not None and article is not None:
                article = spool.spooled(location, key, article)
            if key is not None and article is not None:
                now_parsed[location] = ParsedArticle(key, article, found, lines, article_digest(article), text, first,
                                                     packed)
        if found:
            problems.extend(found)
        if article is None:
            continue
        slug = article.slug
        lines_of[slug] = lines
        if slug in articles:
            other = display_path(articles[slug].path, project)
            problems.append(Diagnostic(display_path(article.path, project), lines.of("slug"), "slug",
                                       f"duplicate slug '{slug}': {other} has the same one",
                                       "give one of the two articles another slug"))
            continue
        articles[slug], text_keys[slug], leads[slug], kept[slug] = article, text, first, packed
        if known is None:
            parsed_now.add(slug)
    return parsed_now


def _slugs_to_check(files: list[_File], previous: dict, articles: dict[str, Article], parsed_now: set[str],
                    reused: int, again: list[str], known_before: int, named: dict[str, tuple[str, ...]] | None
                    ) -> tuple[set[str] | None, list[ParsedArticle]]:
    """The articles whose references to others need checking (None: all of them), and the
    previous build's parses of the articles not reused (parsed again, or gone). Those to check
    are the articles parsed now (`parsed_now`): the last build, which succeeded, found the
    references of the others sound. When a slug the last build knew is not here any more, the
    articles naming it are checked too, as the last build's `named` says (without it, all of
    them). `reused`: how many files are taken as the last build parsed them; `again`: the files
    parsed now that it parsed too; `known_before`: how many articles it parsed. Without `named`
    (no build before, or one that did not keep it), all are checked."""
    if not reused or named is None:
        return None, []
    if reused + len(again) == known_before:
        # Every article of the last build's is here, reused or parsed again (no pass over them all).
        replaced = [previous[location] for location in again]
    else:
        reused_files = {file.location for file in files if file.known is not None}
        replaced = [entry for location, entry in previous.items()
                    if location not in reused_files and isinstance(entry, ParsedArticle)]
    gone = {entry.article.slug for entry in replaced} - articles.keys()
    if not gone:
        return parsed_now, replaced
    # A slug gone: only an article naming it can name an article that is not here.
    return parsed_now | {slug for name in gone for slug in named.get(name, ()) if slug in articles}, replaced


def _named(names: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Archive.named, from every article's names (slug -> the slugs it names)."""
    found: dict[str, set[str]] = {}
    for slug, named in names.items():
        for name in named:
            found.setdefault(name, set()).add(slug)
    return {name: tuple(sorted(slugs)) for name, slugs in sorted(found.items())}


def _named_moved(named: dict[str, tuple[str, ...]], replaced: list[ParsedArticle], parsed_now: set[str],
                 names: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The last build's Archive.named moved by what changed: without what its parses not reused
    (`replaced`) named, with what the articles parsed now name (`names` holds theirs). What
    _named of every article's names would make, without a pass over every article."""
    moved: dict[str, set[str]] = {}
    for entry in replaced:
        for name in _named_slugs(_references(entry.article, entry.kept)):
            moved.setdefault(name, set(named.get(name, ()))).discard(entry.article.slug)
    for slug in parsed_now:
        for name in names[slug]:
            moved.setdefault(name, set(named.get(name, ()))).add(slug)
    now = dict(named)
    for name, slugs in moved.items():
        if slugs:
            now[name] = tuple(sorted(slugs))
        else:
            now.pop(name, None)
    return now


def _registries_before(articles_dir: Path, parsed: dict) -> bytes:
    """The registries' part of an article's key as the previous build made it (load_archive)."""
    entries = [parsed.get(key) for key in _registry_keys(articles_dir)]
    return b"".join(b"-" if entry is None else entry.digest for entry in entries)


def _registry_keys(articles_dir: Path) -> tuple[str, str]:
    """How Archive.parsed knows the two registries."""
    return tuple(registry_key(articles_dir / name) for name in (ACTORS_FILE, SOURCES_FILE))


class _File(NamedTuple):
    """An article file of the folder, and what the previous build parsed from it if that holds.
    (A tuple: a rebuild makes one for each article.)"""

    name: str
    is_link: bool
    location: str  # its path, as text
    key: bytes | None  # the digest of what it is parsed from (None without the previous build's state)
    known: tuple | None  # its entry of the previous Archive.parsed, when still valid


_new_file = functools.partial(tuple.__new__, _File)  # a _File of its fields, without a call of Python code


class Parsed(NamedTuple):
    """One article file parsed: the article (None when it has errors), its problems, its lines,
    its text's key and lead paragraph ("" without an article), and what lists need of it
    (listing.kept; None without an article)."""

    article: Article | None
    problems: tuple[Diagnostic, ...]
    lines: safeyaml.Lines | None
    text_key: str
    lead: str
    kept: bytes | None


def _parse_range(state, lo: int, hi: int) -> list[Parsed]:
    """Parse articles lo..hi of those not known from the last build, one by one: each with what
    was found wrong and its front matter's lines. (A first build of a large archive parses in
    worker processes: parsing is most of its loading.)"""
    paths, context = state
    parsed = []
    for path in paths[lo:hi]:
        found: list[Diagnostic] = []
        article, lines = load_article(path, context, found)
        # Kept as the state stores them (a line is looked up again only for a problem found
        # later): an article's dict of key paths is 4 to 5 KB, its text about 1 KB.
        stored = None if lines is None else safeyaml.StoredLines(safeyaml.StoredLines.text_of(lines))
        parsed.append(Parsed(article, tuple(found), stored, "" if article is None else text_key(article.paragraphs),
                             "" if article is None else lead(article.paragraphs),
                             None if article is None else kept_of(article)))
    return parsed


def _check_cross_references(articles: dict[str, Article], kept: dict[str, bytes], lines, problems, project,
                            only: set[str] | None = None) -> dict[str, tuple[str, ...]]:
    """Checks that need every article: slugs named in other articles (by those in `only`, when
    given: _slugs_to_check), and shared captures. Returns the slugs each article checked names.
    The article an original credits is read from what its parse kept (`kept`): asking the
    article would unfold every article read back from the state, as a check of them all does
    (1.5-1.9 s and 430 MB at 100,000)."""
    # The few articles to check, and whether any capture is shared, found in C: a loop in
    # Python over every article took 0.1 s of each rebuild at 100,000 articles.
    checked = articles.values() if only is None else \
        itertools.compress(articles.values(), map(only.__contains__, articles))
    names = {}
    for article in checked:
        refs = _references(article, kept[article.slug])
        _check_references(article, refs, articles, lines, problems, project)
        names[article.slug] = _named_slugs(refs)
    captures = list(map(_CAPTURE, articles.values()))
    if len(set(captures)) == len(captures):
        return names
    capture_owner: dict[str, str] = {}
    for article in articles.values():
        if article.capture in capture_owner:
            problems.append(Diagnostic(display_path(article.path, project), lines[article.slug].of("capture"), "capture",
                                       f"capture {article.capture} already belongs to {capture_owner[article.capture]}",
                                       "each article keeps its own capture"))
        capture_owner.setdefault(article.capture, article.slug)
    return names


def _check_references(article: Article, refs: list[tuple[str, str]], articles: dict[str, Article], lines,
                      problems, project) -> None:
    """The slugs an article names (_references): each of another article of the archive."""
    for name, slug in refs:
        line = lines[article.slug].of(*name.split("."))
        if slug == article.slug:
            problems.append(Diagnostic(display_path(article.path, project), line, name,
                                       "an article cannot reprint itself"))
        elif slug not in articles:
            problems.append(Diagnostic(display_path(article.path, project), line, name,
                                       f"no archived article has the slug '{slug}'",
                                       did_you_mean(slug, articles) or "use the file name without .md"))


def _references(article: Article, packed: bytes) -> list[tuple[str, str]]:
    """Each slug the article names, with the field naming it: its relations set by hand and the
    archived article its original credits (read from what its parse kept, `packed`)."""
    original = listing_of(packed).original
    refs = [("reprint_of", s) for s in article.reprint_of] + [("not_reprint_of", s) for s in article.not_reprint_of]
    if original and original[1]:
        refs.append(("original.article", original[1]))
    return refs


def _named_slugs(refs: list[tuple[str, str]]) -> tuple[str, ...]:
    """The slugs of _references, without their fields."""
    return tuple(slug for _, slug in refs)
