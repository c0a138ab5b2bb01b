"""The search stage: an index of the article pages, as static files that static/search.js reads.

Why an index of our own: Pagefind, used before, needs about 270 KB of memory a page while it
makes an index (2.8 GB at 10,000 articles) and costs the search page requests per index per
word searched, so at 100,000 articles neither the memory bound nor the request bound could
hold. This index is made in one pass with its postings in arrays of integers (about 4 bytes
a word a page), and a word costs one request whatever the archive's size: the postings of a
range of words sit in one file.

What a page gives the index is said by attributes in the templates (templates/article.html):
- data-search-body: the element whose text is indexed; pages without one are not searchable;
- data-search-ignore: elements inside it left out;
- data-search-words: elements inside it indexed but never shown in an excerpt (the people's
  names, so that "Haftar" finds the article that spells him "Hafter");
- data-search-meta="date" / "publisher": what a result shows under its title (the body's h1);
- data-search-filter="actor" / "source" / "year": the values a search can be narrowed to;
- data-search-sort="date": the ISO date that orders the documents (older first).

The files of one index, in a folder (FORMAT says which layout):
- index.json: the number of documents, the first word of each words file, a version (a
  digest of the other files, which the search page adds to their addresses so that a browser
  never mixes files of two versions);
- words/<n>.json: {"words": [...], "postings": [...]} for a range of words in sorted order. A
  word's postings are the documents holding it, in order, as decimal numbers separated by
  commas, each (gap << 2) | (count - 1): the gap from the previous document number (from 0
  for the first), the word's count in the document up to 4 (beyond, the score hardly grows);
- docs/<n>.json: document n as a result shows it: address, title, date, publisher, filters
  and the text excerpts are cut from;
- filters.json: {name: [[value, documents, k], ...]}; filters/<k>.json: the documents with
  value k, as a postings string (the counts there are all one).

Words are folded the same way here and in the search page: lower case, compatibility
decomposition (NFKD), accents taken off, then runs of letters and digits.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .buildstate import MadeOutput, SearchIndexState
from .digests import blake
from .model import OutputFile

FORMAT = 1
BODY_MARK = b"data-search-body"  # a searchable page carries it (render.py)
CHUNK_BYTES = 48_000  # postings text of a words file, about: one request a word typed
TITLE_WEIGHT = 3  # a word of the title counts this many times
MAX_COUNT = 4  # counts above this are stored as this


# --- words --------------------------------------------------------------------------------------

# Accents: the combining marks of the blocks that decorate Latin, Greek and Cyrillic letters
# (the search page strips the same ranges; other scripts' marks are left as they are).
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORD = re.compile(r"[^\W_]+")  # letters and digits: JavaScript's [\p{L}\p{N}]+


def fold(text: str) -> str:
    """Text as the index compares it: lower case, decomposed, accents off."""
    text = text.lower()
    if text.isascii():
        return text
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", text))


def words_of(text: str) -> list[str]:
    return _WORD.findall(fold(text))


# --- what a page gives ------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchDocument:
    """A searchable page as the index holds it."""

    path: str  # the page, from the site's root
    title: str
    date: str  # as shown
    publisher: str
    sort: str  # ISO date that orders documents; "" when unknown
    filters: dict[str, tuple[str, ...]]
    text: str  # indexed and shown in excerpts
    words: str  # indexed, never shown


# Tags that end a line of text part words; the others (links, emphasis) do not.
_BREAK = re.compile(r"<!--.*?-->|</?(?:address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer"
                    r"|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|td|th|tr|ul)\b[^>]*>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")
_OPEN = re.compile(r"<([a-zA-Z][\w-]*)")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_FIELD = re.compile(r'<([a-zA-Z][\w-]*)[^>]*?\sdata-search-(meta|filter|sort)="([\w-]+)"[^>]*>(.*?)</\1\s*>', re.S)
_H1 = re.compile(r"<h1[\s>].*?</h1\s*>", re.S | re.I)
_MARKS = re.compile(r"data-search-(ignore|words)\b")
_SPACE = re.compile(r"\s+")
_SORT_FIELD = re.compile(r'data-search-sort="date"[^>]*>([^<]*)<')


def _plain(markup: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", _BREAK.sub(" ", markup)))).strip()


def read_page(path: str, content: bytes) -> SearchDocument | None:
    """The page's document, or None when it has no data-search-body."""
    page = content.decode("utf-8")
    start = page.find("data-search-body")
    if start < 0:
        return None
    body = page.find(">", start) + 1
    shown, unshown, at = [], [], body
    # The body's text, its marked elements taken out: left out, or kept apart.
    while mark := _MARKS.search(page, at):
        opening = page.rfind("<", at, mark.start())
        name = _OPEN.match(page, opening).group(1).lower()
        shown.append(page[at:opening])
        inner = page.find(">", mark.start()) + 1
        end = close = inner
        if name not in _VOID and page[inner - 2] != "/":
            depth = 1  # to the element's end: only tags of its name count
            for tag in re.compile(rf"<(/?){name}[\s>/]", re.I).finditer(page, inner):
                depth += -1 if tag.group(1) else 1
                if not depth:
                    close, end = tag.start(), page.find(">", tag.start()) + 1
                    break
            else:
                close = end = len(page)
        if mark.group(1) == "words":
            unshown.append(page[inner:close])
        at = end
    shown.append(page[at:])
    fields: dict[tuple[str, str], list[str]] = {}
    for found in _FIELD.finditer(page):
        fields.setdefault((found.group(2), found.group(3)), []).append(_plain(found.group(4)))
    title = _H1.search(page, body)
    return SearchDocument(
        path=path, title=_plain(title.group(0)) if title else path,
        date=" ".join(fields.get(("meta", "date"), [])), publisher=" ".join(fields.get(("meta", "publisher"), [])),
        sort=" ".join(fields.get(("sort", "date"), [])),
        filters={name: tuple(values) for (kind, name), values in sorted(fields.items()) if kind == "filter"},
        text=_plain(" ".join(shown)), words=_plain(" ".join(unshown)))


def sort_key(path: str, content: bytes) -> tuple[str, str]:
    """Where the page's document goes among the others (older first), read without parsing it."""
    found = _SORT_FIELD.search(content.decode("utf-8"))
    return (found.group(1).strip() if found else "", path)


# --- one index --------------------------------------------------------------------------------

def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _encoded(postings: array) -> str:
    """A word's postings as the words files hold them; `postings` holds (document << 2) | (count - 1)."""
    previous, out = 0, []
    for value in postings:
        out.append(value - previous)  # (gap << 2) | count - 1: `previous` has no count bits
        previous = value & ~3
    return ",".join(map(str, out))


@dataclass(frozen=True)
class BuiltIndex:
    """One index's files under its folder, and its manifest (index.json's content)."""

    files: list[OutputFile]
    manifest: dict


def build_index(documents: Iterable[SearchDocument], folder: str, extra: dict | None = None) -> BuiltIndex:
    """The index of these documents, numbered in the order given (callers give them oldest
    first). Postings are kept as arrays while documents stream in: about 4 bytes a distinct
    word a document. `extra` goes into the manifest as it is."""
    postings: dict[str, array] = {}
    filter_docs: dict[tuple[str, str], list[int]] = {}
    files: list[OutputFile] = []
    count = 0
    for number, document in enumerate(documents):
        count += 1
        counts = Counter(words_of(document.text))
        counts.update(words_of(document.words))
        for word in words_of(document.title):
            counts[word] += TITLE_WEIGHT - 1  # the h1 is in the text once already
        for word, times in counts.items():
            slot = postings.get(word)
            if slot is None:
                slot = postings[word] = array("I")
            slot.append(number << 2 | (min(times, MAX_COUNT) - 1))
        for name, values in document.filters.items():
            for value in dict.fromkeys(values):
                filter_docs.setdefault((name, value), []).append(number)
        files.append(OutputFile(f"{folder}/docs/{number}.json", _dumps({
            "url": document.path, "title": document.title, "date": document.date,
            "publisher": document.publisher, "filters": {k: list(v) for k, v in document.filters.items()},
            "text": document.text})))
    firsts: list[str] = []
    chunk_words: list[str] = []
    chunk_postings: list[str] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if chunk_words:
            files.append(OutputFile(f"{folder}/words/{len(firsts)}.json",
                                    _dumps({"words": chunk_words[:], "postings": chunk_postings[:]})))
            firsts.append(chunk_words[0])
            chunk_words.clear()
            chunk_postings.clear()
            size = 0

    # In UTF-16 order, as JavaScript compares strings when the search page looks a word up.
    for word in sorted(postings, key=lambda word: word.encode("utf-16-be")):
        encoded = _encoded(postings.pop(word))  # given back as it goes
        if size and size + len(encoded) > CHUNK_BYTES:
            flush()
        chunk_words.append(word)
        chunk_postings.append(encoded)
        size += len(encoded) + len(word)
    flush()
    listing: dict[str, list] = {}
    for k, ((name, value), numbers) in enumerate(sorted(filter_docs.items())):
        listing.setdefault(name, []).append([value, len(numbers), k])
        files.append(OutputFile(f"{folder}/filters/{k}.json", _dumps(_encoded(array("I", (number << 2 for number in numbers))))))
    files.append(OutputFile(f"{folder}/filters.json", _dumps(listing)))
    files.sort(key=lambda item: item.path)
    version = blake(b"".join(item.path.encode() + b"\0" + item.content for item in files)).hex()[:16]
    manifest = {"format": FORMAT, "version": version, "documents": count, "words": firsts, **(extra or {})}
    return BuiltIndex(files, manifest)


# --- the search stage of a build ------------------------------------------------------------------
# Adding one page to an index means writing every words file again. So the site carries two
# indexes, searched together, as log-structured databases keep a large sorted run and a small
# recent one:
#
# - the large index (search/base/) holds every searchable page as it was when it was last
#   made: made again only when the small one grows past RECENT_MAX pages or when its files
#   are not as written;
# - the small index (search/recent/) holds the pages added or changed since, made again
#   whenever that set changes (at most RECENT_MAX pages, a fraction of a second);
# - search/recent.json holds the small index's manifest, the large index's documents since
#   changed or deleted, which the page leaves out, and the filter values they add to the
#   lists' counts, which it takes off.
#
# A clean build makes the large index alone, so an incremental build's search files equal a
# clean build's after each merge; between merges they give the same results. Archives of up
# to WHOLE_MAX pages are indexed whole at every change, so that they always equal a clean
# build byte for byte.

BASE = "search/base"  # folder of the large index
RECENT = "search/recent"  # folder of the small index
RECENT_LIST = "search/recent.json"
RECENT_MAX = 200  # pages changed or deleted since the large index was made, before it is made again
WHOLE_MAX = 250  # archives of up to this many searchable pages have no small index

_RECIPE_BASE, _RECIPE_RECENT, _RECIPE_LIST = "search:base", "search:recent", "search:list"


def recent_list(recent: dict | None, hidden: list[int], uncounted: list[dict]) -> bytes:
    """recent.json: the small index's manifest (None: there is none), the large index's
    documents to leave out, and the filter values to take off the lists' counts."""
    counts: dict[str, dict[str, int]] = {}
    for filters in uncounted:
        for name, values in filters.items():
            for value in dict.fromkeys(values):
                counts.setdefault(name, {})[value] = counts.setdefault(name, {}).get(value, 0) + 1
    return _dumps({"format": FORMAT, "recent": recent, "hidden": sorted(hidden), "uncount": counts})


@dataclass(frozen=True)
class SearchReport:
    """What the search stage made: the state for the next build, its indexes and how many were made again."""

    state: SearchIndexState
    indexes: int
    redone: int


def index(records: dict[str, MadeOutput], kept: dict[str, MadeOutput], before: dict[str, MadeOutput],
          state: SearchIndexState | None, stage) -> SearchReport:
    """The search indexes of the searchable pages in `records`, written through `stage` and
    added to `records`. `state` is what the previous build left (None: make everything),
    `kept` its records whose files are still as written, `before` all its records."""
    pages = {path: record.digest for path, record in sorted(records.items()) if record.searchable}
    on_disk, wrote = _files_by_recipe(kept), _files_by_recipe(before)

    def intact(recipe: str) -> bool:
        return len(on_disk.get(recipe, ())) == len(wrote.get(recipe, ()))

    def keep(recipe: str) -> None:
        records.update((path, kept[path]) for path in on_disk.get(recipe, ()))

    def write(recipe: str, files: list[OutputFile]) -> None:
        for item in files:
            digest = blake(item.content)
            if item.path not in kept or kept[item.path].digest != digest:
                stage.write(item.path, item.content)
            records[item.path] = MadeOutput(recipe, b"", digest, False)

    if isinstance(state, SearchIndexState) and state.format == FORMAT and wrote.get(_RECIPE_BASE) \
            and all(map(intact, (_RECIPE_BASE, _RECIPE_RECENT, _RECIPE_LIST))):
        base = state.base
        stale = sorted(path for path, (digest, _) in base.items() if pages.get(path) != digest)
        recent = {path: digest for path, digest in pages.items() if path not in base or base[path][0] != digest}
        if not stale and not recent and not state.recent:  # nothing changed
            for recipe in (_RECIPE_BASE, _RECIPE_LIST):
                keep(recipe)
            return SearchReport(state, 1, 0)
        if len(pages) > WHOLE_MAX and len(set(stale) | set(recent)) <= RECENT_MAX:
            redo = recent != state.recent
            keep(_RECIPE_BASE)
            if not redo:
                keep(_RECIPE_RECENT)
                manifest = json.loads(stage.read(RECENT_LIST))["recent"]
            elif recent:
                built = _index_recent(sorted(recent), state, stage)
                write(_RECIPE_RECENT, built.files)
                manifest = built.manifest
            else:
                manifest = None
            uncounted = [json.loads(stage.read(f"{BASE}/docs/{base[path][1]}.json"))["filters"] for path in stale]
            write(_RECIPE_LIST, [OutputFile(RECENT_LIST, recent_list(
                manifest, [base[path][1] for path in stale], uncounted))])
            return SearchReport(dataclasses.replace(state, recent=recent), 1 + bool(recent), int(redo))
    # Make the large index of every page again, with no small index: what a clean build makes.
    order = sorted(sort_key(path, stage.read(path)) for path in pages)
    built = build_index((read_page(path, stage.read(path)) for _, path in order), BASE)
    write(_RECIPE_BASE, built.files + [OutputFile(f"{BASE}/index.json", _dumps(built.manifest))])
    write(_RECIPE_LIST, [OutputFile(RECENT_LIST, recent_list(None, [], []))])
    return SearchReport(SearchIndexState(base={path: (pages[path], number) for number, (_, path) in enumerate(order)},
                                         recent={}, dates=tuple(date for date, _ in order)), 1, 1)


def _index_recent(paths: list[str], state: SearchIndexState, stage) -> BuiltIndex:
    """The small index of these pages, each placed among the large index's documents (its
    `places`: half a number below the first document of the large index that sorts after it),
    so that the search page can list the two indexes' documents in one order."""
    by_number = sorted((number, path) for path, (_, number) in state.base.items())
    base_keys = [(date, path) for date, (_, path) in zip(state.dates, by_number)]
    order = sorted(sort_key(path, stage.read(path)) for path in paths)
    places = [bisect_left(base_keys, key) - 0.5 for key in order]
    return build_index((read_page(path, stage.read(path)) for _, path in order), RECENT, {"places": places})


def _files_by_recipe(records: dict[str, MadeOutput]) -> dict[str, list[str]]:
    """The search files among the records, by recipe."""
    grouped: dict[str, list[str]] = {}
    for path, record in records.items():
        if record.recipe.startswith("search:"):
            grouped.setdefault(record.recipe, []).append(path)
    return grouped


def documents(pages: Iterable[OutputFile]) -> Iterator[SearchDocument]:
    """The searchable pages' documents, oldest first (as an index numbers them)."""
    contents = {page.path: page.content for page in pages if page.path.endswith(".html")}
    for _, path in sorted(sort_key(path, content) for path, content in contents.items()
                          if BODY_MARK in content):
        yield read_page(path, contents[path])
