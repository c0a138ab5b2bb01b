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
from pathlib import Path

MAGIC = b"newsarchive-build-state\n"
FORMAT = 1
MISSING = object()  # the value of a key a mapping does not hold
RACY_NS = 2_000_000_000  # files changed this close to the last build are read again


def blake(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def code_digest() -> bytes:
    """The generator's own source: new code never reuses outputs of the old."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    # Outputs that carry a time fall back to SOURCE_DATE_EPOCH; a new value is a new build.
    h.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    return h.digest()


def folder_digest(folder: Path) -> bytes:
    """Every file of a folder (templates, static), names and contents."""
    h = hashlib.blake2b(digest_size=16)
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                h.update(path.relative_to(folder).as_posix().encode() + b"\0" + blake(path.read_bytes()))
    return h.digest()


# --- the state file ---------------------------------------------------------------------------

def load_state(path: Path, code: bytes) -> dict | None:
    """The previous build's state, or None when there is none, it is damaged, or it is another version's."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + 4 + 32
    if len(data) < head or not data.startswith(MAGIC):
        return None
    version = int.from_bytes(data[len(MAGIC):len(MAGIC) + 4], "big")
    checksum, body = data[len(MAGIC) + 4:head], data[head:]
    if version != FORMAT or hashlib.sha256(body).digest() != checksum:
        return None
    try:
        state = pickle.loads(body)
    except Exception:  # a checksum collision is not a reason to crash: start afresh
        return None
    if not isinstance(state, dict) or state.get("code") != code:
        return None
    return state


def save_state(path: Path, state: dict) -> None:
    body = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(MAGIC + FORMAT.to_bytes(4, "big") + hashlib.sha256(body).digest() + body)
    os.replace(temporary, path)


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


class Digester:
    """Digests of values of the Site, memoised for one build (values live as long as the Site)."""

    def __init__(self, article_digests: dict[str, bytes]):
        self.article_digests = article_digests  # slug -> article_digest(), known from the parse
        self.memo: dict[int, bytes] = {}
        self.keep: list = []  # holds every digested value, so no id() is reused during the build

    def of(self, value) -> bytes:
        if type(value) is str:
            return blake(b"s" + value.encode("utf-8", "surrogatepass"))
        if value is None or isinstance(value, (int, float, bool, Path)):
            return blake(repr(value).encode())
        if type(value).__name__ == "Article" and value.slug in self.article_digests:
            return self.article_digests[value.slug]
        if value is MISSING:
            return b"missing"
        known = self.memo.get(id(value))
        if known is not None:
            return known
        h = hashlib.blake2b(digest_size=16)
        h.update(type(value).__name__.encode())
        if type(value).__name__ == "Article":  # one the parse did not digest (made in a test)
            h.update(article_digest(value))
        elif dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                h.update(self.of(getattr(value, field.name)))
        elif isinstance(value, dict):
            for key, item in value.items():
                h.update(self.of(key))
                h.update(self.of(item))
        elif isinstance(value, (tuple, list, set, frozenset)):
            items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
            for item in items:
                h.update(self.of(item))
        else:
            h.update(repr(value).encode())
        digest = h.digest()
        self.memo[id(value)] = digest
        self.keep.append(value)
        return digest


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
