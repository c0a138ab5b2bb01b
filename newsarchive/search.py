"""Build the Pagefind search index from the rendered pages, in memory, before publishing.

Pagefind (the PyPI package, with its bundled binary) reads the article pages' HTML: the
`data-pagefind-*` attributes in templates/article.html say what is indexed, which filters
exist (actor, source, year) and which metadata each result shows (date, publisher). The
index files come back as OutputFiles, so they are published with the rest of the site in
the same atomic swap.
"""

from __future__ import annotations

import base64
import errno
import gzip
import hashlib
import json
import queue
import concurrent.futures
import os
import subprocess
import threading

import cbor2
from pagefind.service import get_executable

from .buildstate import MadeOutput
from .digests import blake
from .model import OutputFile

BUNDLE = "pagefind"  # folder of the search bundle in the output


def index_pages(pages: list[OutputFile], service: Service | None = None) -> list[OutputFile]:
    """Pagefind's files for the given HTML pages (only those marked data-pagefind-body count),
    made by `service` when given (a Pagefind process kept for several indexes), else by a
    Pagefind process of its own."""
    with Indexer(service) as indexer:
        for page in pages:
            indexer.add(page)
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


# --- the index in shards ------------------------------------------------------------------------
# Pagefind cannot add one page to an index: it indexes everything again. The articles are
# therefore split into shards of at most about SHARD_SIZE pages, each its own Pagefind index; a rebuild
# indexes again only the shards whose pages changed, and the search page merges the shards
# (Pagefind's mergeIndex). A page's shard depends on its address alone, so it never moves
# unless the number of shards changes. The shards are made from the article pages (the pages
# templates/article.html marks data-pagefind-body), so the search page knows their number
# before any page is made.
#
# The size is a trade-off (bench/README.md, "Search part size", measured at 10,000 articles):
# Pagefind needs about 3 ms of CPU a page, so a rebuild that changes one page indexes a shard of
# up to SHARD_SIZE pages again (Pagefind: about 0.5 s of CPU for the 156 pages of a shard at
# 10,000 articles, against 1.9 s for the 625 of a shard of up to 1,000); but each shard costs the
# search page about seven requests (its entry and metadata, three filter lists, an index chunk
# a word) and some 25 ms of the browser's CPU. The 64 shards of 8,001 to 16,000 articles show
# the first results in about 1.1 s on a local server (16 shards: 0.7 s); 128 shards, 1.7 times
# slower than 64, would be too many.

SHARD_SIZE = 250

# What a merged shard needs of its bundle: mergeIndex reads a shard's entry, metadata, index,
# filters and fragments, and runs them with the first bundle's code (pagefind.js, its worker
# and its WebAssembly, loaded once), so later shards carry no copy of the code or the interface.
_SHARD_DATA = (".pf_meta", ".pf_index", ".pf_filter", ".pf_fragment")


def shard_count(pages: int) -> int:
    """A power of two, so that the shards are split anew (and all indexed again) only when the
    archive doubles: 1 shard up to SHARD_SIZE pages, 2 up to twice that, 4, 8..."""
    count = 1
    while pages > count * SHARD_SIZE:
        count *= 2
    return count


def shards(paths: list[str]) -> list[list[str]]:
    """The article pages split into shards, each non-empty (Pagefind cannot load an empty index)."""
    shards = shard_count(len(paths))
    groups: list[list[str]] = [[] for _ in range(shards)]
    for path in sorted(paths):
        groups[int.from_bytes(hashlib.blake2b(path.encode(), digest_size=8).digest(), "big") % shards].append(path)
    return [group for group in groups if group] or [[]]


def bundle(shard: int) -> str:
    """The folder of a shard: the first is Pagefind's usual one, which holds the search code."""
    return BUNDLE if shard == 0 else f"{BUNDLE}-{shard}"


def index_shard(pages: list[OutputFile], shard: int, service: Service | None = None) -> list[OutputFile]:
    """The index of one shard, in its own folder; later shards carry only their index data."""
    files = []
    for item in index_pages(pages, service):
        name = item.path[len(BUNDLE) + 1:]
        if shard and name != "pagefind-entry.json" and not name.endswith(_SHARD_DATA):
            continue
        files.append(OutputFile(f"{bundle(shard)}/{name}", item.content))
    return files


# --- the search stage of a build ------------------------------------------------------------------

def shard_files(records: dict[str, MadeOutput]) -> dict[str, list[str]]:
    """The files of each shard's index among the records, by the shard's recipe."""
    grouped: dict[str, list[str]] = {}
    for path, record in records.items():
        if record.recipe.startswith("search:"):
            grouped.setdefault(record.recipe, []).append(path)
    return grouped


def index(records: dict[str, MadeOutput], kept: dict[str, MadeOutput], before: dict[str, MadeOutput],
          keys_before: dict[str, bytes], stage, groups: list[list[str]]) -> tuple[dict[str, bytes], int]:
    """Pagefind's index of the pages in `records`, in shards (`groups`, shards() of the article
    pages), written through `stage` and added to `records`. A shard is made again only when one
    of its pages changed since the previous build (`keys_before`: each shard's key then) or
    its files are not all still on disk as that build wrote them (`kept`, of all its records
    `before`). Returns each shard's key and how many shards were made again."""
    searchable = {path for path, record in records.items() if record.searchable}
    count = len(groups)
    on_disk, wrote = shard_files(kept), shard_files(before)
    keys, todo = {}, []
    for shard, group in enumerate(groups):
        members = [path for path in group if path in searchable]
        recipe = f"search:{shard}/{count}"
        keys[recipe] = blake("\n".join(f"{path} {records[path].digest.hex()}" for path in members).encode())
        files = on_disk.get(recipe, [])
        if keys_before.get(recipe) == keys[recipe] and files and len(files) == len(wrote.get(recipe, ())):
            records.update((path, kept[path]) for path in files)
        else:
            todo.append((shard, recipe, members))

    # Two shards at a time with two cores, each thread keeping one Pagefind process for all
    # the shards it indexes.
    mine, started = threading.local(), []

    def index_one(job):
        shard, recipe, members = job
        if not hasattr(mine, "service"):
            mine.service = Service()
            started.append(mine.service)
        return recipe, index_shard([OutputFile(path, stage.read(path)) for path in members], shard, mine.service)

    try:
        with concurrent.futures.ThreadPoolExecutor(max(1, min(len(todo), os.cpu_count() or 1))) as pool:
            for recipe, files in pool.map(index_one, todo):
                for item in files:
                    stage.write(item.path, item.content)
                    records[item.path] = MadeOutput(recipe, b"", blake(item.content), False)
    finally:
        for service in started:
            service.close()
    return keys, len(todo)
