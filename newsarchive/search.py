"""Build the Pagefind search index from the rendered pages, in memory, before publishing.

Pagefind (the PyPI package, with its bundled binary) reads the article pages' HTML: the
`data-pagefind-*` attributes in templates/article.html say what is indexed, which filters
exist (actor, source, year) and which metadata each result shows (date, publisher). The
index files come back as OutputFiles, so they are published with the rest of the site in
the same atomic swap.

The index is log-structured (the section "the search stage of a build" below): a large
index of every page as it was at some build, in parts of bounded size, a small one of the
pages changed since, and a list of the large index's results the search page leaves out.
"""

from __future__ import annotations

import base64
import errno
import gzip
import hashlib
import html
import json
import queue
import re
import subprocess
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import cbor2
from pagefind.service import get_executable

from .buildstate import MadeOutput, SearchIndexState
from .digests import blake
from .model import OutputFile

BUNDLE = "pagefind"  # folder of the search bundle in the output


def index_pages(pages: Iterable[OutputFile], service: Service | None = None,
                lexicon: str | None = None) -> list[OutputFile]:
    """Pagefind's files for the given HTML pages (only those marked data-pagefind-body count),
    made by `service` when given (a Pagefind process kept for several indexes), else by a
    Pagefind process of its own; with a record of the `lexicon` words when given (LEXICON_URL)."""
    with Indexer(service) as indexer:
        for page in pages:
            indexer.add(page)
        if lexicon is not None:
            indexer.add_words(LEXICON_URL, lexicon)
        return indexer.finish()


class Indexer:
    """A Pagefind index fed page by page, for building the search index while pages render.

    Pagefind runs in its own process, so pages handed to `add` as they are rendered are
    indexed on another core meanwhile; `finish` then only waits for what is left and fetches
    the files. The bundle depends on the order pages are added: add them in the order
    `index_pages` would see them. Use as a context manager, or call `close`.

    Given a `service`, the index is made there and deleted when done, and the process lives
    on for the next index: a process started for every index faults in all its memory again
    (at 64 shards, Pagefind's page faults were three quarters of a full build's).
    """

    def __init__(self, service: Service | None = None):
        self._owned = service is None
        self._service = Service() if service is None else service
        self._index_id = None
        try:
            self._index_id = self._service.call(
                {"type": "NewIndex", "config": {"force_language": "en", "keep_index_url": True}})["index_id"]
        except BaseException:
            self.close()
            raise
        self._sent: list[int] = []

    def add(self, page: OutputFile) -> None:
        """Send a page to Pagefind if it is an HTML page marked data-pagefind-body; returns at once."""
        if page.path.endswith(".html") and b"data-pagefind-body" in page.content:
            self._sent.append(self._service.send(
                {"type": "AddFile", "index_id": self._index_id, "url": "/" + page.path,
                 "file_contents": page.content.decode("utf-8"), "file_path": None}))

    def add_words(self, url: str, words: str) -> None:
        """Send a record of these words, with no title, filters or metadata."""
        self._sent.append(self._service.send(
            {"type": "AddRecord", "index_id": self._index_id, "url": url, "content": words,
             "language": "en", "meta": {}, "filters": {}, "sort": {}}))

    def finish(self) -> list[OutputFile]:
        """The search bundle's files, byte-identical for the same pages in the same order."""
        try:
            for message_id in self._sent:
                self._service.wait(message_id)
            answer = self._service.call({"type": "GetFiles", "index_id": self._index_id})
        finally:
            self.close()
        result = {}
        for item in answer["files"]:
            path = f"{BUNDLE}/{str(item['path']).lstrip('/')}"
            if "/playground/" not in path:
                result[path] = base64.b64decode(item["content"])
        return [OutputFile(path, content) for path, content in sorted(_canonical(result).items())]

    def close(self) -> None:
        if self._owned:
            self._service.close()
        elif self._index_id is not None:
            index_id, self._index_id = self._index_id, None
            self._service.call({"type": "DeleteIndex", "index_id": index_id})

    def __enter__(self) -> Indexer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Service:
    """A client of `pagefind --service`: base64 JSON messages, each ended by a comma.

    A writer thread encodes and sends messages in order, a reader thread collects answers
    as soon as they come (the pagefind package's own async client waits 0.1 s before reading
    each answer, which costs minutes on a large archive), so callers send without waiting.
    """

    def __init__(self):
        binary = get_executable()
        if binary is None:
            raise OSError(errno.ENOENT, "the Pagefind binary is missing; reinstall the 'pagefind[bin]' package")
        self.process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next_id = 0
        # Answers not read yet. The last answer (the whole index, base64) runs to many MB and
        # arrives in pipe-sized chunks: a bytearray grows in place, the search for the ending
        # comma resumes where it stopped, and taking a message off the front does not copy the rest.
        self.pending = bytearray()
        self.searched = 0  # no comma in pending[:searched]
        self.answers: dict[int, dict] = {}
        self.failure: BaseException | None = None
        self.ready = threading.Condition()
        self.outbox: queue.SimpleQueue = queue.SimpleQueue()
        self.closed = False
        for loop in (self._write_loop, self._read_loop):
            threading.Thread(target=loop, daemon=True).start()

    def send(self, payload: dict) -> int:
        """Queue a message for the writer; returns its id."""
        message_id = self.next_id
        self.next_id += 1
        self.outbox.put((message_id, payload))
        return message_id

    def wait(self, message_id: int) -> dict:
        with self.ready:
            while message_id not in self.answers:
                if isinstance(self.failure, RuntimeError):
                    raise self.failure
                if self.failure is not None:
                    raise RuntimeError(f"Pagefind: {self.failure}") from self.failure
                self.ready.wait()
            payload = self.answers.pop(message_id)
        if payload.get("type") == "Error":
            raise RuntimeError(f"Pagefind: {payload.get('message')}")
        return payload

    def call(self, payload: dict) -> dict:
        return self.wait(self.send(payload))

    def _fail(self, failure: BaseException) -> None:
        with self.ready:
            if self.failure is None:
                self.failure = failure
            self.ready.notify_all()

    def _write_loop(self) -> None:
        stdin = self.process.stdin
        try:
            while (item := self.outbox.get()) is not None:
                message_id, payload = item
                stdin.write(base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode())
                            + b",")
                if self.outbox.empty():
                    stdin.flush()
        except BaseException as failure:  # a broken pipe
            self._fail(failure)

    def _read_loop(self) -> None:
        try:
            while True:
                answer = self._receive()
                with self.ready:
                    self.answers[answer["message_id"]] = answer.get("payload", {})
                    self.ready.notify_all()
        except BaseException as failure:
            self._fail(failure)

    def _receive(self) -> dict:
        pending = self.pending
        while (end := pending.find(b",", self.searched)) < 0:
            self.searched = len(pending)
            chunk = self.process.stdout.read1(1 << 20)
            if not chunk:
                raise RuntimeError("Pagefind stopped unexpectedly")
            pending += chunk
        with memoryview(pending) as view:
            message = base64.b64decode(view[:end])
        del pending[:end + 1]  # cheap: a bytearray drops its head by moving its start
        self.searched = 0
        return json.loads(message)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.outbox.put(None)
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except (OSError, ValueError):  # unsent bytes to a process that is gone
                pass


# Pagefind writes its filter lists in hash-map order, which changes from run to run, and the
# file names are hashes of the contents. Sorting the lists and renaming the files by their
# new contents makes the search bundle byte-identical for the same archive.
_SIGNATURE = b"pagefind_dcd"


def _decode(data: bytes):
    raw = gzip.decompress(data)
    if not raw.startswith(_SIGNATURE):
        raise ValueError("not a Pagefind data file")
    return cbor2.loads(raw[len(_SIGNATURE):])


def _encode(value) -> bytes:
    return gzip.compress(_SIGNATURE + cbor2.dumps(value), mtime=0)


def _canonical(files: dict[str, bytes]) -> dict[str, bytes]:
    renamed: dict[str, str] = {}  # old hash -> new hash
    out = {}
    for path, content in files.items():
        if path.endswith(".pf_filter"):
            name, values = _decode(content)
            data = _encode([name, sorted(values, key=lambda entry: entry[0])])
            old = path.rsplit("/", 1)[1].removesuffix(".pf_filter")
            new = f"{old.split('_', 1)[0]}_{hashlib.sha256(data).hexdigest()[:7]}"
            renamed[old] = new
            out[f"{BUNDLE}/filter/{new}.pf_filter"] = data
        elif not path.endswith(".pf_meta") and not path.endswith("pagefind-entry.json"):
            out[path] = content
    entry_path = f"{BUNDLE}/pagefind-entry.json"
    entry = files[entry_path].decode("utf-8")
    for path, content in files.items():
        if path.endswith(".pf_meta"):
            meta = _decode(content)
            meta[3] = sorted([name, renamed.get(hash_, hash_)] for name, hash_ in meta[3])
            data = _encode(meta)
            old = path.rsplit("/", 1)[1].removeprefix("pagefind.").removesuffix(".pf_meta")
            new = f"{old.split('_', 1)[0]}_{hashlib.sha256(data).hexdigest()[:10]}"
            entry = entry.replace(f'"{old}"', f'"{new}"')
            out[f"{BUNDLE}/pagefind.{new}.pf_meta"] = data
    out[entry_path] = entry.encode("utf-8")
    return out


# --- the search stage of a build ------------------------------------------------------------------
# Pagefind cannot add one page to an index: it indexes everything again (about 3 ms of CPU a
# page). So the site carries two indexes, searched together by the search page (Pagefind's
# mergeIndex), as log-structured databases keep a large sorted run and a small recent one:
#
# - the large index (pagefind/, with Pagefind's code) holds every searchable page as it was
#   when it was last made: made again only when the small one grows past RECENT_MAX pages,
#   by a template change that changes every page, or when its files are not as written;
# - the small index (pagefind-recent/, data files only) holds the pages added or changed
#   since, and is made again whenever that set changes (at most RECENT_MAX pages);
# - pagefind-recent/recent.json names the large index's results for pages since changed or
#   deleted (Pagefind's result ids, the names of their fragments), which the page leaves out,
#   and the filter values those pages add to the lists' counts, which it takes off.
#
# Each index costs the search page two requests to load and one a word searched (the shards
# of 250 pages made before cost that 64 times at 10,000 articles); the parts below are few.
# A clean build makes the large index alone, so an incremental build's search files equal a
# clean build's after each merge; between merges they give the same results, not the same
# bytes. Archives of up to WHOLE_MAX pages are indexed whole at every change (under a
# second), so that they always equal a clean build byte for byte.
#
# The large index is made of parts of at most PART_MAX pages (pagefind/, pagefind-1/, ...; the
# parts after the first hold only their data, as the small index does), each made by a Pagefind
# process of its own, one after another: Pagefind needs about 270 KB a page while it makes an
# index (2.9 GB for 10,000 pages), and a process gives its memory back when it ends.
#
# Every index of an archive past WHOLE_MAX pages holds one more record, the lexicon: every
# word of the large index's pages (LEXICON_URL; the search page never shows it). Pagefind
# answers a word that no word of an index begins with by the longest word of that index the
# word begins with ("Luluchi" finds the pages with "Lulu"): alone, an index only does so
# for a word in none of its pages; searched together, an index without the word did so
# while another had it (64 shards answered "Luluchi" with 1,021 pages, 39 of them right).
# A large index without a lexicon (an archive that grew past WHOLE_MAX) is made again.

RECENT = "pagefind-recent"  # folder of the small index
RECENT_LIST = f"{RECENT}/recent.json"  # what the search page leaves out of the large index
RECENT_MAX = 200  # pages changed or deleted since the large index was made, before it is made again
PART_MAX = 5000  # pages of a part of the large index (about 1.4 GB of Pagefind's memory)
LEXICON_URL = "/pagefind-words"  # the lexicon record's address (never a page's)
WHOLE_MAX = 250  # archives of up to this many searchable pages have no small index

# What the small index needs of its bundle: mergeIndex reads an index's entry, metadata,
# index chunks, filters and fragments, and runs them with the large one's code (pagefind.js,
# its worker and its WebAssembly, loaded once).
_INDEX_DATA = (".pf_meta", ".pf_index", ".pf_filter", ".pf_fragment")

_RECIPE_BASE, _RECIPE_RECENT, _RECIPE_LIST = "search:base", "search:recent", "search:list"


def _fragment(content: bytes) -> dict:
    raw = gzip.decompress(content)
    if not raw.startswith(_SIGNATURE):
        raise ValueError("not a Pagefind fragment")
    return json.loads(raw[len(_SIGNATURE):])


def result_ids(files: list[OutputFile]) -> dict[str, str]:
    """Page path -> its result id (fragment name) in the index made of these files."""
    ids = {}
    for item in files:
        if item.path.endswith(".pf_fragment"):
            ids[_fragment(item.content)["url"].lstrip("/")] = item.path.rsplit("/", 1)[1].removesuffix(".pf_fragment")
    return ids


def index_recent(pages: list[OutputFile], service: Service | None = None,
                 lexicon: str | None = None) -> list[OutputFile]:
    """The small index of these pages, in its own folder, with only its index data."""
    return _data_only(index_pages(pages, service, lexicon), RECENT)


def _data_only(files: list[OutputFile], folder: str) -> list[OutputFile]:
    """An index's data files moved to `folder`: it runs with the first part's code."""
    return [OutputFile(f"{folder}/{item.path[len(BUNDLE) + 1:]}", item.content) for item in files
            if item.path.endswith(_INDEX_DATA) or item.path.endswith("/pagefind-entry.json")]


def part_folder(number: int) -> str:
    return BUNDLE if number == 0 else f"{BUNDLE}-{number}"


def split_parts(paths: list[str]) -> list[list[str]]:
    """The pages of each part of the large index: as few parts as PART_MAX allows, of even sizes, in order."""
    count = max(1, -(-len(paths) // PART_MAX))
    bounds = [len(paths) * number // count for number in range(count + 1)]
    return [paths[bounds[number]:bounds[number + 1]] for number in range(count)]


_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
_OPEN = re.compile(r"<([a-zA-Z][\w-]*)")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_EDGES = "\"'“”‘’()[]{}<>.,;:!?«»…*"


def _indexed_text(text: str) -> str:
    """The text of a page from its data-pagefind-body on, data-pagefind-ignore elements left
    out: what Pagefind reads, and a little more (whatever follows the body)."""
    start = text.find("data-pagefind-body")
    if start < 0:
        return ""
    kept, at = [], text.find(">", start) + 1
    while (mark := text.find("data-pagefind-ignore", at)) >= 0:
        opening = text.rfind("<", at, mark)
        name = _OPEN.match(text, opening).group(1).lower()
        kept.append(text[at:opening])
        at = text.find(">", mark) + 1
        if name in _VOID or text[at - 2] == "/":
            continue
        depth = 1  # skip to the element's end: only tags of its name count
        for tag in re.finditer(rf"<(/?){name}[\s>/]", text[at:], re.I):
            depth += -1 if tag.group(1) else 1
            if not depth:
                at = text.find(">", at + tag.start()) + 1
                break
        else:
            at = len(text)
    kept.append(text[at:])
    return html.unescape(_TAG.sub(" ", " ".join(kept)))


def lexicon_of(pages: Iterable[bytes]) -> str:
    """Every word of the pages' indexed text, one space apart (a few more words than Pagefind
    reads: an index holding them only answers them with nothing instead of a shorter word)."""
    tokens: set[str] = set()
    for content in pages:
        tokens.update(_indexed_text(content.decode("utf-8")).lower().split())
    words = {token.strip(_EDGES) for token in tokens}  # stripped once each, not once a use
    words.discard("")
    return " ".join(sorted(words))


def recent_list(parts: int, lexicon: list[str], small_index: bool, hidden: list[str], uncounted: list[dict],
                twice: list[str] = ()) -> bytes:
    """recent.json: the large index's parts, the lexicon's result ids, whether there is a small
    index, the large index's results to leave out, those found in both indexes (shown once),
    and the filter values to take off the lists' counts (those of the large index's stale
    pages). Two pages of two parts may share a result id: both are shown."""
    counts: dict[str, dict[str, int]] = {}
    for filters in uncounted:
        for name, values in filters.items():
            for value in values:
                counts.setdefault(name, {})[value] = counts.setdefault(name, {}).get(value, 0) + 1
    return json.dumps({"parts": parts, "lexicon": sorted(set(lexicon)), "index": small_index, "hidden": sorted(hidden),
                       "twice": sorted(twice),
                       "uncount": {name: dict(sorted(values.items())) for name, values in sorted(counts.items())}},
                      ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class SearchReport:
    """What the search stage made: the state for the next build, its indexes and how many were made again."""

    state: SearchIndexState
    indexes: int
    redone: int


def index(records: dict[str, MadeOutput], kept: dict[str, MadeOutput], before: dict[str, MadeOutput],
          state: SearchIndexState | None, stage) -> SearchReport:
    """Pagefind's indexes of the searchable pages in `records`, written through `stage` and
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

    if state and wrote.get(_RECIPE_BASE) and all(map(intact, (_RECIPE_BASE, _RECIPE_RECENT, _RECIPE_LIST))):
        base = state.base
        stale = sorted(path for path, (digest, _) in base.items() if pages.get(path) != digest)
        recent = {path: digest for path, digest in pages.items() if path not in base or base[path][0] != digest}
        if not stale and not recent and not state.recent:  # nothing changed
            for recipe in (_RECIPE_BASE, _RECIPE_LIST):
                keep(recipe)
            return SearchReport(state, state.parts, 0)
        if len(pages) > WHOLE_MAX and len(set(stale) | set(recent)) <= RECENT_MAX and state.lexicon:
            redo = recent != state.recent
            if not redo:
                files = [OutputFile(path, stage.read(path)) for path in on_disk.get(_RECIPE_RECENT, ())]
            elif recent:
                lexicon = _fragment(stage.read(f"{BUNDLE}/fragment/{state.lexicon[0]}.pf_fragment"))["content"]
                files = index_recent([OutputFile(path, stage.read(path)) for path in recent], lexicon=lexicon)
            else:
                files = []
            listing = _recent_listing(base, stale, files, stage, state)
            if listing is not None:  # else a result id of the small index is one of the large one's: merge
                keep(_RECIPE_BASE)
                if redo:
                    write(_RECIPE_RECENT, files)
                else:
                    keep(_RECIPE_RECENT)
                write(_RECIPE_LIST, [OutputFile(RECENT_LIST, listing)])
                return SearchReport(SearchIndexState(base, recent, state.parts, state.lexicon),
                                    state.parts + bool(recent), int(redo))
    # Make the large index of every page again, with no small index: what a clean build makes.
    files, ids, lexicon = _index_large(list(pages), stage)
    write(_RECIPE_BASE, files)
    parts = len(split_parts(list(pages)))
    write(_RECIPE_LIST, [OutputFile(RECENT_LIST, recent_list(parts, lexicon, False, [], []))])
    return SearchReport(SearchIndexState({path: (digest, ids[path]) for path, digest in pages.items()}, {},
                                         parts, tuple(lexicon)), parts, parts)


def _index_large(paths: list[str], stage) -> tuple[list[OutputFile], dict[str, str], list[str]]:
    """The large index of these pages, part by part: its files, each page's result id, and the
    lexicon's result id in each part (none for an archive indexed whole)."""
    words = lexicon_of(stage.read(path) for path in paths) if len(paths) > WHOLE_MAX else None
    for salt in range(100):
        files, ids, lexicon = [], {}, []
        for number, group in enumerate(split_parts(paths)):
            part = index_pages((OutputFile(path, stage.read(path)) for path in group), lexicon=words)
            part_ids = result_ids(part)
            if words is not None:
                lexicon.append(part_ids.pop(LEXICON_URL.lstrip("/")))
            ids.update(part_ids)
            files += part if number == 0 else _data_only(part, part_folder(number))
        if not set(lexicon) & set(ids.values()):
            return files, ids, lexicon
        # A page's result id is the lexicon's (ids are short content hashes): the search page
        # would leave that page out. A lexicon of one more word has another id.
        words += f" pagefind{salt}"
    raise RuntimeError("Pagefind: no lexicon record found whose result id is no page's")


def _recent_listing(base: dict[str, tuple[bytes, str]], stale: list[str], files: list[OutputFile],
                    stage, state: SearchIndexState) -> bytes | None:
    """recent.json for the large index `base`, whose `stale` pages changed or went, beside the
    small index of `files`; None when a result id the page leaves out is also a result id of a
    page it shows, which the search page could not tell apart (ids are short content hashes)."""
    fragments = {item.path.rsplit("/", 1)[1].removesuffix(".pf_fragment"): item
                 for item in files if item.path.endswith(".pf_fragment")}
    small_lexicon = [result_id for result_id, item in fragments.items()
                     if _fragment(item.content)["url"] == LEXICON_URL]
    stale_ids = {base[path][1] for path in stale}
    shown = {result_id for path, (_, result_id) in base.items() if path not in stale}
    if stale_ids & shown \
            or (set(fragments) - set(small_lexicon)) & (shown | set(state.lexicon)) \
            or set(small_lexicon) & shown:
        return None
    hidden, twice, uncounted = [], [], []
    for result_id in sorted(stale_ids):
        content = _stale_fragment(result_id, state.parts, stage)
        uncounted.append(_fragment(content).get("filters", {}))
        if result_id not in fragments:
            hidden.append(result_id)
        elif fragments[result_id].content != content:
            return None  # two different pages with one id
        else:  # the same result in both indexes (a page changed only where Pagefind does not
            # read): the search page shows it once, and its filter values are taken off once.
            twice.append(result_id)
    return recent_list(state.parts, list(state.lexicon) + small_lexicon, bool(files), hidden, uncounted, twice)


def _stale_fragment(result_id: str, parts: int, stage) -> bytes:
    """The fragment of a result of the large index, from whichever part holds it."""
    for number in range(parts):
        try:
            return stage.read(f"{part_folder(number)}/fragment/{result_id}.pf_fragment")
        except FileNotFoundError:
            continue
    raise FileNotFoundError(result_id)


def _files_by_recipe(records: dict[str, MadeOutput]) -> dict[str, list[str]]:
    """The search files among the records, by recipe."""
    grouped: dict[str, list[str]] = {}
    for path, record in records.items():
        if record.recipe.startswith("search:"):
            grouped.setdefault(record.recipe, []).append(path)
    return grouped
