"""Incremental builds: remember what each output was made from, and redo only what changed.

- Input files are fingerprinted by content (BLAKE2b). A file's size, mtime, ctime and inode
  only let us skip re-reading a file whose fingerprint is already known; a file that changed
  within two seconds of the last build is always read again, since its mtime cannot be trusted.
- Every output (page, feed, data file) is made by a function that reads the Site through a
  Tracker, which records each part of the Site the function looked at: `site.articles`, or
  `site.actor["haftar"]`, or `site.config`. The output's recipe is those parts with the
  digests of their values.
- On the next build an output is made again only when its recipe names a part whose value has
  a new digest, when the templates or the generator changed, or when its file on disk is not
  the one we wrote. Outputs no longer made are removed.
- The state is kept in .cache/build-state.bin behind a header holding a format version and a
  SHA-256 of the body. A file that fails the check, or was written by other code, is ignored
  and the build starts from nothing: a cache is never trusted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
from array import array
from pathlib import Path
from typing import NamedTuple

MAGIC = b"newsarchive-build-state\n"
FORMAT = 2
MISSING = object()  # the value of a key a mapping does not hold
RACY_NS = 2_000_000_000  # files changed this close to the last build are read again


def blake(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def code_digest() -> bytes:
    """The generator's own source: new code never reuses outputs of the old.

    Every module of the package, subpackages included: the build reads captures through
    capture/, and the articles it parsed are kept in the state. (The package's templates and
    static files are inputs like the archive's: see theme.py and templates_digest.)"""
    h = hashlib.blake2b(digest_size=16)
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    # Outputs that carry a time fall back to SOURCE_DATE_EPOCH; a new value is a new build.
    h.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    return h.digest()


def files_digest(files: dict[str, Path]) -> bytes:
    """Files by name (the templates a build uses, theme.files), names and contents."""
    h = hashlib.blake2b(digest_size=16)
    for name in sorted(files):
        h.update(name.encode() + b"\0" + blake(files[name].read_bytes()))
    return h.digest()


# --- the state file ---------------------------------------------------------------------------

def load_state(path: Path, code: bytes) -> dict | None:
    """The previous build's state, or None when there is none, it is damaged, or it is another version's.

    The whole file is checked against its checksum first, then unpickled from the file (read
    twice from the page cache, never held whole in memory)."""
    head = len(MAGIC) + 4 + 32
    try:
        with open(path, "rb") as file:
            header = file.read(head)
            if len(header) < head or not header.startswith(MAGIC) \
                    or int.from_bytes(header[len(MAGIC):len(MAGIC) + 4], "big") != FORMAT:
                return None
            checksum = hashlib.sha256()
            while chunk := file.read(1 << 20):
                checksum.update(chunk)
            if checksum.digest() != header[len(MAGIC) + 4:]:
                return None
            end = file.tell()
            file.seek(head)
            try:
                state = _read_pieces(file, end)
            except Exception:  # a checksum collision is not a reason to crash: start afresh
                return None
    except OSError:
        return None
    if not isinstance(state, dict) or state.get("code") != code:
        return None
    return state


# The state is a series of pickles, each of one entry or of a thousand entries of a large
# mapping: a pickler remembers every object it wrote until it is done, which for the whole
# state at once was tens of megabytes at the build's peak.
PIECE = 1000


def _write_pieces(state: dict, file) -> None:
    for name, value in state.items():
        if isinstance(value, dict) and len(value) > PIECE:
            items = list(value.items())
            for start in range(0, len(items), PIECE):
                pickle.dump((name, dict(items[start:start + PIECE])), file, protocol=pickle.HIGHEST_PROTOCOL)
        else:
            pickle.dump((name, value), file, protocol=pickle.HIGHEST_PROTOCOL)


def _read_pieces(file, end: int) -> dict:
    state: dict = {}
    while file.tell() < end:
        name, value = pickle.load(file)
        if isinstance(value, dict) and isinstance(state.get(name), dict):
            state[name].update(value)
        else:
            state[name] = value
    return state


class _HashingWriter:
    """A file that hashes what is written to it, so the state is checksummed as it is pickled."""

    def __init__(self, file):
        self.file, self.hash = file, hashlib.sha256()

    def write(self, data) -> int:
        self.hash.update(data)
        return self.file.write(data)


def save_state(path: Path, state: dict) -> None:
    """Write the state beside its final name and rename it into place; the pickle is streamed
    to the file (never held whole in memory) and its checksum filled in at the end."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        with open(temporary, "wb") as file:
            file.write(MAGIC + FORMAT.to_bytes(4, "big") + bytes(32))
            writer = _HashingWriter(file)
            _write_pieces(state, writer)
            file.seek(len(MAGIC) + 4)
            file.write(writer.hash.digest())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# --- input fingerprints -----------------------------------------------------------------------

def _stat_key(stat: os.stat_result) -> tuple:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


class FileDigests:
    """Content digests of input files, re-reading only files whose stat changed.

    `stats` are the stat keys input_listing took at the start of this build: a file listed
    there is not stat-ed again. They were taken after the build's start time was noted, so a
    file changed since has an mtime or ctime within the next build's racy window and is read
    again then, whatever digest this build records for it.
    """

    def __init__(self, previous: dict | None, previous_time_ns: int, stats: dict[str, tuple] | None = None):
        self.previous = previous or {}
        self.trust_before = previous_time_ns - RACY_NS
        self.stats = stats or {}
        self.now: dict[str, tuple[tuple, bytes]] = {}

    def of(self, path: str | Path, data: bytes | None = None) -> bytes:
        """The digest of a file's content; `data`, when given, is that content already read."""
        name = os.fspath(path)
        key = self.stats.get(name) or _stat_key(os.stat(name))
        known = self.previous.get(name)
        seen = self.now.get(name)
        if data is None and seen and seen[0] == key:
            digest = seen[1]  # read already in this build
        elif data is None and known and known[0] == key and key[1] < self.trust_before \
                and key[2] < self.trust_before:
            digest = known[1]
        else:
            if data is None:
                with open(name, "rb") as file:
                    data = file.read()
            digest = blake(data)
        self.now[name] = (key, digest)
        return digest


# --- recording what an output reads -----------------------------------------------------------

# An article's text is read by few outputs (its page, its JSON file, comparisons): an article's
# digest leaves the text out, and reading the text is noted apart, as ("body", slug).
BODY_FIELDS = ("body", "paragraphs")


def article_digest(article) -> bytes:
    """Digest of an article's fields but its text."""
    return blake(repr(dataclasses.replace(article, body="", paragraphs=())).encode())


MISSING_DIGEST = blake(b"missing")
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(field.name for field in dataclasses.fields(kind))
    return names


class Digester:
    """Digests of values of the Site, memoised for one build (values live as long as the Site).

    A value is written out as one unambiguous byte string (type tags and lengths before
    contents) and hashed once: hashing every small string and tuple on its own cost more
    than the rest of a rebuild's bookkeeping. Articles are not written out: the digest the
    parse made of each stands in for it."""

    def __init__(self, article_digests: dict[str, bytes]):
        self.article_digests = article_digests  # slug -> article_digest(), known from the parse
        self.memo: dict[int, bytes] = {}
        self.keep: list = []  # holds every digested value, so no id() is reused during the build

    def of(self, value) -> bytes:
        if value is MISSING:
            return MISSING_DIGEST
        known = self.memo.get(id(value))
        if known is not None:
            return known
        out: list[bytes] = []
        if dataclasses.is_dataclass(value) and type(value).__name__ != "Article":
            self._write_fields(value, out)
        else:
            self._write(value, out)
        digest = blake(b"".join(out))
        self.memo[id(value)] = digest
        self.keep.append(value)
        return digest

    def _write(self, value, out: list) -> None:
        kind = type(value)
        if kind is str:
            data = value.encode("utf-8", "surrogatepass")
            out.append(b"s%d:" % len(data))
            out.append(data)
        elif kind is tuple or kind is list:
            out.append(b"l%d:" % len(value))
            for item in value:
                self._write(item, out)
        elif kind is dict:
            out.append(b"d%d:" % len(value))
            for key, item in value.items():
                self._write(key, out)
                self._write(item, out)
        elif value is None or kind is int or kind is bool or kind is float or isinstance(value, Path):
            text = repr(value).encode()
            out.append(b"r%d:" % len(text))
            out.append(text)
        elif kind.__name__ == "Article":
            known = self.article_digests.get(value.slug)
            out.append(b"A")  # one the parse did not digest (made in a test) is digested here
            out.append(known if known is not None else article_digest(value))
        elif dataclasses.is_dataclass(value):
            # Records such as an Appearance are shared by several parts: digested once.
            out.append(b"D")
            out.append(self.of(value))
        elif isinstance(value, (set, frozenset)):
            items = sorted(value, key=repr)
            out.append(b"S%d:" % len(items))
            for item in items:
                self._write(item, out)
        elif isinstance(value, dict):
            self._write(dict(value), out)
        elif isinstance(value, (tuple, list)):
            self._write(list(value), out)
        elif value is MISSING:
            out.append(b"M")
        else:
            text = repr(value).encode()
            out.append(b"x%d:%s:" % (len(text), kind.__name__.encode()))
            out.append(text)

    def _write_fields(self, value, out: list) -> None:
        names = _field_names(type(value))
        out.append(b"D%d:%s:" % (len(names), type(value).__name__.encode()))
        for name in names:
            self._write(getattr(value, name), out)


class Tracker:
    """Stands in for the Site while one output is made, and notes every part of it read."""

    def __init__(self, site, extra: dict, reads: set):
        object.__setattr__(self, "_site", site)
        object.__setattr__(self, "_extra", extra)
        object.__setattr__(self, "_reads", reads)

    def __getattr__(self, name: str):
        if name in self._extra:
            value = self._extra[name]
        else:
            value = getattr(self._site, name)
        if isinstance(value, dict):
            return TrackedMapping(name, value, self._reads)
        if isinstance(value, (tuple, list)) and name in self._extra:
            return TrackedSequence(name, value, self._reads)
        self._reads.add((name,))
        return value

    def __setattr__(self, name, value):
        raise AttributeError("the site is read-only while outputs are made")

    def text_of(self, article):
        """The article, noting that its text (body, paragraphs) is read."""
        self._reads.add(("body", article.slug))
        return article


_reading: set | None = None  # the reads of the output being made, for templates' attribute access


def reading(reads: set | None) -> None:
    global _reading
    _reading = reads


def note_text_read(article) -> None:
    """Called by the template environment when a template reads an article's text."""
    if _reading is not None:
        _reading.add(("body", article.slug))


class _TrackedWhole:
    """A value given to outputs whose every look at the whole is noted as a read of `name`."""

    def __init__(self, name: str, value, reads: set):
        self._name, self._value, self._reads = name, value, reads

    def _all(self):
        self._reads.add((self._name,))
        return self._value

    def __iter__(self):
        return iter(self._all())

    def __len__(self):
        return len(self._all())

    def __bool__(self):
        return bool(self._all())


class TrackedMapping(_TrackedWhole):
    """A mapping of the Site: reading one key notes that key, looking at all of it notes all."""

    def __getitem__(self, key):
        self._reads.add((self._name, key))
        return self._value[key]

    def get(self, key, default=None):
        self._reads.add((self._name, key))
        return self._value.get(key, default)

    def __contains__(self, key):
        self._reads.add((self._name, key))
        return key in self._value

    def keys(self):
        return self._all().keys()

    def values(self):
        return self._all().values()

    def items(self):
        return self._all().items()


class TrackedSequence(_TrackedWhole):
    """A sequence given to templates beside the site (site_paths): any look at it is noted."""

    def __getitem__(self, index):
        return self._all()[index]

    def __contains__(self, item):
        return item in self._all()


def read_value(site, extra: dict, read: tuple):
    """The current value of a part of the site noted by a Tracker."""
    if read[0] == "body":
        article = site.article.get(read[1])
        return MISSING if article is None else article.body
    value = extra[read[0]] if read[0] in extra else getattr(site, read[0], MISSING)
    if len(read) == 1 or value is MISSING:
        return value
    return value.get(read[1], MISSING)


# --- what the state keeps of outputs and parsed articles ----------------------------------------
# Pickling costs per object far more than per byte. The state holds tens of thousands of
# outputs reading hundreds of thousands of parts, and ten thousand parsed articles; both are
# stored in columns of a few large objects, and put back together when the state is read.

class Made(NamedTuple):
    """What the build knows of an output it wrote: how it was made and what came out."""

    recipe: str
    reads: bytes  # the parts of the site it read, as numbers into the build's Parts (uint32)
    digest: bytes  # of the file's bytes
    searchable: bool  # a page Pagefind indexes


DIGEST_SIZE = 16


def numbers(reads: bytes):
    """The part numbers of a Made record."""
    return memoryview(reads).cast("I")


class Parts:
    """Every part of the site that outputs read, numbered, with the digest of its value.

    Records hold the numbers of the parts they read. The numbers stay the same from build to
    build, so a record kept from an earlier build is stored again as it was read; parts that
    no output reads any more are dropped when they make up a quarter of the table."""

    def __init__(self, keys: list | None = None, digests: bytes = b""):
        self.keys = keys or []
        self.number = {key: n for n, key in enumerate(self.keys)}
        self.digests = [digests[DIGEST_SIZE * n:DIGEST_SIZE * (n + 1)] for n in range(len(self.keys))]

    def numbered(self, reads, digests: dict) -> bytes:
        """The numbers of parts read by an output just made, given their digests now."""
        result = array("I")
        for key in reads:
            n = self.number.get(key)
            if n is None:
                n = self.number[key] = len(self.keys)
                self.keys.append(key)
                self.digests.append(digests[key])
            result.append(n)
        return result.tobytes()

    def packed(self, records: dict[str, Made]) -> tuple[dict, dict[str, Made]]:
        """The table for the state, and the records renumbered when it was compacted."""
        used: set[int] = set()
        for made in records.values():
            used.update(numbers(made.reads))
        if len(used) < len(self.keys) * 3 // 4:
            kept = sorted(used)
            new_number = {old: new for new, old in enumerate(kept)}
            records = {path: made._replace(reads=array("I", [new_number[n] for n in numbers(made.reads)]).tobytes())
                       for path, made in records.items()}
            self.keys = [self.keys[n] for n in kept]
            self.digests = [self.digests[n] for n in kept]
            self.number = {key: n for n, key in enumerate(self.keys)}
        digests = b"".join(self.digests)
        if len(digests) != DIGEST_SIZE * len(self.keys):
            raise ValueError("a part's digest has the wrong size")
        return {"keys": self.keys, "digests": digests}, records


def pack_outputs(records: dict[str, Made]) -> dict:
    """The records in columns: a few large objects pickle far faster than many small ones."""
    return {"paths": list(records), "recipes": [made.recipe for made in records.values()],
            "reads": [made.reads for made in records.values()],
            "digests": b"".join(made.digest for made in records.values()),
            "searchable": bytes(made.searchable for made in records.values())}


def unpack_outputs(packed: dict) -> dict[str, Made]:
    digests = packed["digests"]
    return {path: Made(recipe, reads, digests[DIGEST_SIZE * n:DIGEST_SIZE * (n + 1)], bool(searchable))
            for n, (path, recipe, reads, searchable) in enumerate(
                zip(packed["paths"], packed["recipes"], packed["reads"], packed["searchable"]))}


def pack_parsed(parsed: dict) -> dict:
    """Parsed articles as plain tuples: the path as text; the date, origin and claims as tuples
    of their fields; the paragraphs joined into one string with their lengths beside it; the
    line numbers of the front matter as JSON text, read only if a diagnostic needs one.
    Registries are kept as they are."""
    from .model import Article
    from .safeyaml import StoredLines

    packed = {}
    for key, entry in parsed.items():
        article = entry[1]
        if type(article) is Article:
            fields = [getattr(article, name) for name in _field_names(Article)]
            fields[_FIELD["path"]] = str(article.path)
            fields[_FIELD["date"]] = _fields_of(article.date)
            fields[_FIELD["original"]] = article.original and _fields_of(article.original)
            fields[_FIELD["archive"]] = article.archive and _fields_of(article.archive)
            fields[_FIELD["claims"]] = tuple(_fields_of(claim) for claim in article.claims)
            fields[_FIELD["paragraphs"]] = ("".join(article.paragraphs),
                                            array("I", map(len, article.paragraphs)).tobytes())
            key_, _, found, lines, summary = entry
            entry = (key_, ("article", tuple(fields)), found, StoredLines.text_of(lines), summary)
        packed[key] = entry
    return packed


def unpack_parsed(packed: dict) -> dict:
    from .model import Article, Claim, Original, PubDate, WebArchiveRecord
    from .safeyaml import StoredLines

    parsed = {}
    for key, entry in packed.items():
        article = entry[1]
        if type(article) is tuple and article and article[0] == "article":
            fields = list(article[1])
            fields[_FIELD["path"]] = Path(fields[_FIELD["path"]])
            fields[_FIELD["date"]] = PubDate(*fields[_FIELD["date"]])
            if fields[_FIELD["original"]] is not None:
                fields[_FIELD["original"]] = Original(*fields[_FIELD["original"]])
            if len(fields) > _FIELD["archive"] and fields[_FIELD["archive"]] is not None:
                fields[_FIELD["archive"]] = WebArchiveRecord(*fields[_FIELD["archive"]])
            fields[_FIELD["claims"]] = tuple(Claim(*claim) for claim in fields[_FIELD["claims"]])
            text, lengths = fields[_FIELD["paragraphs"]]
            sizes, paragraphs, at = array("I"), [], 0
            sizes.frombytes(lengths)
            for size in sizes:
                paragraphs.append(text[at:at + size])
                at += size
            fields[_FIELD["paragraphs"]] = tuple(paragraphs)
            key_, _, found, lines, summary = entry
            entry = (key_, Article(*fields), found, StoredLines(lines) if lines is not None else None, summary)
        parsed[key] = entry
    return parsed


def _fields_of(record) -> tuple:
    return tuple(getattr(record, name) for name in _field_names(type(record)))


def _article_fields() -> dict[str, int]:
    from .model import Article

    return {name: n for n, name in enumerate(_field_names(Article))}


_FIELD = _article_fields()


# --- the quick check: nothing changed at all -----------------------------------------------------

def input_listing(folders: list[Path], files: list[Path]) -> tuple[bytes, dict[str, tuple]]:
    """A digest of the name and stat of every input file, and each file's stat key (size,
    mtime, ctime, inode), which the build reuses rather than stat every file again.

    When the listing equals the last build's, no file was added, removed or touched since; the
    files changed so shortly before that build that their stat cannot be trusted (the racy
    window) are compared by content too. Then the build has nothing to do.
    """
    h = hashlib.blake2b(digest_size=16)
    stats: dict[str, tuple] = {}

    def add(path: str, stat: os.stat_result) -> None:
        h.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}\0{stat.st_ino}\n".encode())
        stats[path] = _stat_key(stat)

    def walk(folder: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            h.update(f"{folder}\0missing\n".encode())
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue  # lock files, editors' swap files: never read as input
            if entry.is_dir():
                walk(entry.path)
            else:
                try:
                    add(entry.path, entry.stat())
                except OSError:
                    h.update(f"{entry.path}\0gone\n".encode())

    for folder in folders:
        walk(str(folder))
    for path in files:
        try:
            add(str(path), os.stat(path))
        except OSError:
            h.update(f"{path}\0missing\n".encode())
    return h.digest(), stats


def racy_files(stats: dict[str, tuple], build_time_ns: int) -> list[str]:
    """Inputs changed within the racy window before a build started: their stat proves nothing."""
    return [path for path, (_, mtime, ctime, _) in stats.items() if max(mtime, ctime) >= build_time_ns - RACY_NS]


def same_content(path: str, digest: bytes | None) -> bool:
    try:
        return digest is not None and blake(Path(path).read_bytes()) == digest
    except OSError:
        return False


def outputs_unchanged(output: Path, stats: dict[str, tuple[int, int]]) -> bool:
    """Every file of the last build is still there as it was written."""
    root = str(output) + os.sep
    try:
        for path, (size, mtime) in stats.items():
            stat = os.stat(root + path)
            if stat.st_size != size or stat.st_mtime_ns != mtime:
                return False
    except OSError:
        return False
    return True
