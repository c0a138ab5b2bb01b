"""The search stage: an index of the article pages, as static files that static/search.js reads.

Why an index of our own: Pagefind, used before, needs about 270 KB of memory a page while it
makes an index (2.8 GB at 10,000 articles) and costs the search page requests per index per
word searched, so at 100,000 articles neither the memory bound nor the request bound could
hold. This index is made by the build's worker processes, a range of documents each, with
about 4 bytes per distinct word of a document, and a word costs one request whatever the
archive's size: the postings of a range of words sit in one file.

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
decomposition (NFKD), nonspacing marks (accents, vowel points; not Japanese voicing marks)
taken off, the rest composed again (NFC), then runs of
letters, digits and spacing marks, each Chinese or Japanese character a word of its own.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import regex

from . import workers as pool
from .buildstate import MadeOutput, SearchIndexState
from .digests import blake
from .model import OutputFile

FORMAT = 1
BODY_MARK = b"data-search-body"  # a searchable page carries it (render.py)
CHUNK_BYTES = 48_000  # postings text of a words file, about: one request a word typed
TITLE_WEIGHT = 3  # a word of the title counts this many times
MAX_COUNT = 4  # counts above this are stored as this


# --- words --------------------------------------------------------------------------------------

# Marks that sit on a letter without taking room of their own (Unicode's Mn: accents, Arabic
# and Hebrew vowel points) are taken off, so that a word is found with or without them; the
# marks that take room (Mc: most vowel signs of Indic scripts) stay part of the word.
# Chinese and Japanese are written without spaces: each of their characters is a word (a
# search for two is a search for both, anywhere in the article).
# Japanese voicing marks stay: が is not か.
_NONSPACING = regex.compile(r"[\p{Mn}--[\u3099\u309A]]+", regex.V1)
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
_WORD = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]|[[\p{L}\p{N}\p{Mc}]--[\p{Han}\p{Hiragana}\p{Katakana}]]+",
                      regex.V1)  # the same in static/search.js
_SPACED_WORD = regex.compile(r"[\p{L}\p{N}\p{Mc}]+")  # _WORD for text without those characters, faster
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+")  # _WORD for ASCII text, faster still


def fold(text: str) -> str:
    """Text as the index compares it: lower case, decomposed (NFKD), nonspacing marks off,
    what is left composed again (NFC)."""
    text = text.lower()
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", _NONSPACING.sub("", unicodedata.normalize("NFKD", text)))


def words_of(text: str) -> list[str]:
    text = fold(text)
    if text.isascii():
        return _ASCII_WORD.findall(text)
    return (_WORD if _CJK.search(text) else _SPACED_WORD).findall(text)


# --- what a page gives ------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchDocument:
    """A searchable page as the index holds it."""

    path: str  # the page, from the site's root
    title: str
    date: str  # as shown
    publisher: str
    filters: dict[str, tuple[str, ...]]
    text: str  # indexed and shown in excerpts
    words: str  # indexed, never shown


# Inline tags (links, emphasis) join the text around them; any other tag parts words.
_INLINE = re.compile(r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span"
                     r"|strong|sub|sup|time|u|var)(?=[\s>/])[^>]*>", re.I)
_TAG = re.compile(r"<!--.*?-->|</?([a-zA-Z][\w-]*)[^>]*>", re.S)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_MARK = re.compile(r'data-search-(body|ignore|words|meta|filter)\b(?:="([\w-]+)")?')
_H1 = re.compile(r"<h1[\s>].*?</h1\s*>", re.S | re.I)
_SORT_FIELD = re.compile(rb'data-search-sort="date"[^>]*>([^<]*)<')  # on the page's bytes: nothing decoded


def _plain(markup: str) -> str:
    """Text of a piece of HTML, its white space made single spaces."""
    if "<" in markup:
        markup = _TAG.sub(" ", _INLINE.sub("", markup))
    return " ".join(html.unescape(markup).split())


def _element_end(page: str, name: str, inner: int) -> tuple[int, int]:
    """Where the element whose start tag ends at `inner` closes: its end tag's start and end."""
    if name in _VOID or page[inner - 2] == "/":
        return inner, inner
    depth = 1  # only tags of its name count
    for tag in re.compile(rf"<(/?){name}[\s>/]", re.I).finditer(page, inner):
        depth += -1 if tag.group(1) else 1
        if not depth:
            return tag.start(), page.find(">", tag.start()) + 1
    return len(page), len(page)


def read_page(path: str, content: bytes) -> SearchDocument | None:
    """The page's document, or None when it has no data-search-body."""
    page = content.decode("utf-8")
    start = page.find("data-search-body")
    if start < 0:
        return None
    body = page.find(">", start) + 1
    fields: dict[tuple[str, str], list[str]] = {}
    shown, unshown, at = [], [], body  # the body's text, its marked elements taken out
    for mark in _MARK.finditer(page):
        kind = mark.group(1)
        inner = page.find(">", mark.end()) + 1
        if kind in ("meta", "filter"):  # a value: the element's text
            fields.setdefault((kind, mark.group(2)), []).append(_plain(page[inner:page.find("<", inner)]))
        elif kind != "body" and mark.start() > at:  # in the body, not in an element left out already
            opening = page.rfind("<", at, mark.start())
            close, end = _element_end(page, _TAG.match(page, opening).group(1).lower(), inner)
            shown.append(page[at:opening])
            if kind == "words":  # indexed, never shown
                unshown.append(page[inner:close])
            at = end
    shown.append(page[at:])
    title = _H1.search(page, body)
    return SearchDocument(
        path=path, title=_plain(title.group(0)) if title else path,
        date=" ".join(fields.get(("meta", "date"), [])), publisher=" ".join(fields.get(("meta", "publisher"), [])),
        filters={name: tuple(values) for (kind, name), values in sorted(fields.items()) if kind == "filter"},
        text=_plain(" ".join(shown)), words=_plain(" ".join(unshown)))


def sort_key(path: str, content: bytes) -> tuple[str, str]:
    """Where the page's document goes among the others (older first), read without parsing it."""
    found = _SORT_FIELD.search(content)
    return (found.group(1).decode("utf-8").strip() if found else "", path)


# --- one index --------------------------------------------------------------------------------

def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


class Files:
    """Where an index's files go; this one keeps them in memory (`made`: path -> content).

    `put` is called in this process. The documents' files are made in worker processes:
    `put_elsewhere` is called there and returns a receipt, (the file's digest, and its
    content when the worker cannot keep it), which `record` is given here."""

    def __init__(self):
        self.made: dict[str, bytes] = {}

    def put(self, item: OutputFile) -> None:
        self.made[item.path] = item.content

    def put_elsewhere(self, item: OutputFile) -> tuple[bytes, bytes | None]:
        return blake(item.content), item.content

    def record(self, path: str, receipt: tuple[bytes, bytes | None]) -> None:
        self.made[path] = receipt[1]


@dataclass
class _Segment:
    """The index of a range of documents: each word's postings (the first one's gap counted
    from document 0, so that it is the document's number; the rest; the last document), each
    filter value's documents, and the receipts of the documents' files (Files.put_elsewhere)."""

    words: dict[str, tuple[int, str, int]]
    filters: dict[tuple[str, str], list[int]]
    files: list[tuple[str, tuple[bytes, bytes | None]]]


@dataclass(frozen=True)
class _IndexJob:
    paths: list[str]  # in document order
    read: Callable[[str], bytes]
    folder: str
    files: Files

    def segment(self, lo: int, hi: int) -> _Segment:
        vocabulary: dict[str, int] = {}  # word -> its number in this segment
        word_numbers: list[int] = []  # a posting's word and value ((document << 2) | count - 1)
        values: list[int] = []
        filters: dict[tuple[str, str], list[int]] = {}
        files = []
        for number in range(lo, hi):
            document = read_page(self.paths[number], self.read(self.paths[number]))
            counts = Counter(words_of(document.text))
            counts.update(words_of(document.words))
            for word in words_of(document.title):
                counts[word] += TITLE_WEIGHT - 1  # the h1 is in the indexed words once already
            numbers = list(map(vocabulary.get, counts))
            if None in numbers:  # words new to this segment
                numbers = [vocabulary.setdefault(word, len(vocabulary)) for word in counts]
            word_numbers += numbers
            base = number << 2
            values += [base | (times - 1 if times < MAX_COUNT else MAX_COUNT - 1) for times in counts.values()]
            for name, found in document.filters.items():
                for value in dict.fromkeys(found):
                    filters.setdefault((name, value), []).append(number)
            path = f"{self.folder}/docs/{number}.json"
            files.append((path, self.files.put_elsewhere(OutputFile(path, _dumps({
                "url": document.path, "title": document.title, "date": document.date,
                "publisher": document.publisher, "filters": {k: list(v) for k, v in document.filters.items()},
                "text": document.text})))))
        return _Segment(_postings(list(vocabulary), word_numbers, values), filters, files)


def _postings(words: list[str], word_numbers: list[int], values: list[int]) -> dict[str, tuple[int, str, int]]:
    """Each word's postings, encoded: sorted by word and document at once (numpy), then each
    value's document replaced by the gap from the word's previous one."""
    if not values:
        return {}
    keys = np.array(word_numbers, dtype=np.uint64) << np.uint64(32) | np.array(values, dtype=np.uint64)
    keys.sort()
    numbers = (keys >> np.uint64(32)).astype(np.int64)
    postings = (keys & np.uint64(0xFFFFFFFF)).astype(np.int64)
    starts = np.flatnonzero(np.concatenate(([True], numbers[1:] != numbers[:-1])))
    documents = postings >> 2
    previous = np.concatenate(([0], documents[:-1]))
    previous[starts] = 0
    encoded = (((documents - previous) << 2) | (postings & 3)).tolist()
    ends = np.append(starts[1:], len(keys)).tolist()
    lasts = documents[np.array(ends) - 1].tolist()
    return {words[numbers[start]]: (encoded[start], ",".join(map(str, encoded[start + 1:end])), last)
            for start, end, last in zip(starts.tolist(), ends, lasts)}


def _documents_postings(numbers: list[int]) -> str:
    """A filter value's documents as a postings string (the counts all one)."""
    first, rest, _ = _postings([""], [0] * len(numbers), [number << 2 for number in numbers])[""]
    return f"{first},{rest}" if rest else str(first)


def _segment(job: _IndexJob, lo: int, hi: int) -> _Segment:
    return job.segment(lo, hi)


PARALLEL_MIN = 400  # documents: fewer are indexed here, without worker processes
# Documents a segment holds at most. A worker holds its segment's postings as Python numbers
# until it is done (about 40 KB a document): at 100,000 articles segments of 6,250 documents (an
# eighth of a worker's share) made each worker 240 MB larger than the build it was forked from,
# the largest process of the build.
SEGMENT_MOST = 2_000


def build_index(paths: list[str], read: Callable[[str], bytes], folder: str, files: Files,
                workers: int | None = 1, extra: dict | None = None) -> dict:
    """Index these pages (in document order: by sort_key), read with `read`, their files
    handed to `files` as they are made. Returns the manifest (index.json's content, with
    `extra` in it as it is).

    Ranges of documents are indexed in worker processes, each into a segment whose postings
    are already encoded; here they are joined, word by word (a segment's first gap counted
    again from the word's last document in the segments before)."""
    digest = hashlib.blake2b(digest_size=8)  # the version: every file's path and digest, in order

    def put(item: OutputFile) -> None:
        digest.update(item.path.encode() + b"\0" + blake(item.content))
        files.put(item)

    words: dict[str, list[str]] = {}
    last: dict[str, int] = {}
    filters: dict[tuple[str, str], list[int]] = {}
    job = _IndexJob(paths, read, folder, files)
    for _, _, segment in pool.chunks(_segment, job, len(paths), workers, PARALLEL_MIN, smallest=50,
                                        largest=SEGMENT_MOST):
        for path, receipt in segment.files:
            digest.update(path.encode() + b"\0" + receipt[0])
            files.record(path, receipt)
        for word, (first, rest, final) in segment.words.items():
            parts = words.get(word)
            if parts is None:
                parts = words[word] = [str(first)]
            else:
                parts.append(str(first - (last[word] << 2)))
            if rest:
                parts.append(rest)
            last[word] = final
        for key, numbers in segment.filters.items():
            filters.setdefault(key, []).extend(numbers)
    firsts: list[str] = []
    chunk: dict[str, str] = {}
    size = 0
    # In UTF-16 order, as JavaScript compares strings when the search page looks a word up.
    for word in sorted(words, key=lambda word: word.encode("utf-16-be")):
        encoded = ",".join(words.pop(word))  # given back as it goes
        if chunk and size + len(encoded) > CHUNK_BYTES:
            put(_words_file(folder, len(firsts), chunk))
            firsts.append(next(iter(chunk)))
            chunk, size = {}, 0
        chunk[word] = encoded
        size += len(encoded) + len(word)
    if chunk:
        put(_words_file(folder, len(firsts), chunk))
        firsts.append(next(iter(chunk)))
    listing: dict[str, list] = {}
    for k, ((name, value), numbers) in enumerate(sorted(filters.items())):
        listing.setdefault(name, []).append([value, len(numbers), k])
        put(OutputFile(f"{folder}/filters/{k}.json", _dumps(_documents_postings(numbers))))
    put(OutputFile(f"{folder}/filters.json", _dumps(listing)))
    return {"format": FORMAT, "version": digest.hexdigest(), "documents": len(paths), "words": firsts,
            **(extra or {})}


def _words_file(folder: str, number: int, chunk: dict[str, str]) -> OutputFile:
    return OutputFile(f"{folder}/words/{number}.json", _dumps({"words": list(chunk), "postings": list(chunk.values())}))


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
    counts: dict[str, Counter] = {}
    for filters in uncounted:
        for name, values in filters.items():
            counts.setdefault(name, Counter()).update(set(values))  # each value once a page
    return _dumps({"format": FORMAT, "recent": recent, "hidden": sorted(hidden), "uncount": counts})


@dataclass(frozen=True)
class SearchReport:
    """What the search stage made: the state for the next build, its indexes and how many were made again."""

    state: SearchIndexState
    indexes: int
    redone: int


def index(records: dict[str, MadeOutput], kept: dict[str, MadeOutput], before: dict[str, MadeOutput],
          state: SearchIndexState | None, stage, workers: int | None = 1) -> SearchReport:
    """The search indexes of the searchable pages in `records`, written through `stage` and
    added to `records`. `state` is what the previous build left (None: make everything),
    `kept` its records whose files are still as written, `before` all its records."""
    pages = dict(sorted((path, record.digest) for path, record in records.items() if record.searchable))
    wrote = _files_by_recipe(before)
    on_disk = wrote if kept is before else _files_by_recipe(kept)  # all kept (pipeline._still_on_disk)

    def intact(recipe: str) -> bool:
        return len(on_disk.get(recipe, ())) == len(wrote.get(recipe, ()))

    def keep(recipe: str) -> None:
        records.update((path, kept[path]) for path in on_disk.get(recipe, ()))

    def writer(recipe: str) -> _StageFiles:
        return _StageFiles(stage, kept, records, recipe)

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
                manifest = _index_recent(list(recent), state, stage, writer(_RECIPE_RECENT))
            else:
                manifest = None
            uncounted = [json.loads(stage.read(f"{BASE}/docs/{base[path][1]}.json"))["filters"] for path in stale]
            writer(_RECIPE_LIST).put(OutputFile(RECENT_LIST, recent_list(
                manifest, [base[path][1] for path in stale], uncounted)))
            return SearchReport(dataclasses.replace(state, recent=recent), 1 + bool(recent), int(redo))
    # Make the large index of every page again, with no small index: what a clean build makes.
    keys = sorted(sort_key(path, stage.read(path)) for path in pages)
    paths = [path for _, path in keys]
    files = writer(_RECIPE_BASE)
    files.put(OutputFile(f"{BASE}/index.json", _dumps(build_index(paths, stage.read, BASE, files, workers))))
    writer(_RECIPE_LIST).put(OutputFile(RECENT_LIST, recent_list(None, [], [])))
    return SearchReport(SearchIndexState(base={path: (pages[path], number) for number, path in enumerate(paths)},
                                         recent={}, dates=tuple(date for date, _ in keys)), 1, 1)


def _index_recent(paths: list[str], state: SearchIndexState, stage, files: Files) -> dict:
    """The small index of these pages; returns its manifest. Each document is placed among
    the large index's (its `places`: half a number below the first document of the large
    index that sorts after it), so that the search page lists both indexes' documents in one order."""
    by_number = sorted((number, path) for path, (_, number) in state.base.items())
    base_keys = [(date, path) for date, (_, path) in zip(state.dates, by_number)]
    keys = sorted(sort_key(path, stage.read(path)) for path in paths)
    places = [bisect_left(base_keys, key) - 0.5 for key in keys]
    return build_index([path for _, path in keys], stage.read, RECENT, files, extra={"places": places})


class _StageFiles(Files):
    """An index's files written through the build's stage (those unchanged since the last
    build are left as they are) and recorded under `recipe` in the build's records."""

    def __init__(self, stage, kept: dict[str, MadeOutput], records: dict[str, MadeOutput], recipe: str):
        self.stage, self.kept, self.records, self.recipe = stage, kept, records, recipe

    def put(self, item: OutputFile) -> None:
        self.record(item.path, self.put_elsewhere(item))

    def put_elsewhere(self, item: OutputFile) -> tuple[bytes, bytes | None]:
        digest = blake(item.content)
        if item.path not in self.kept or self.kept[item.path].digest != digest:
            self.stage.write(item.path, item.content)
        return digest, None

    def record(self, path: str, receipt: tuple[bytes, bytes | None]) -> None:
        self.records[path] = MadeOutput(self.recipe, b"", receipt[0], False)


def _files_by_recipe(records: dict[str, MadeOutput]) -> dict[str, list[str]]:
    """The search files among the records, by recipe."""
    grouped: dict[str, list[str]] = {}
    for path, record in records.items():
        if record.recipe.startswith("search:"):
            grouped.setdefault(record.recipe, []).append(path)
    return grouped
