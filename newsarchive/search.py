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
import subprocess
import threading

import cbor2
from pagefind.service import get_executable

from .model import OutputFile

BUNDLE = "pagefind"  # folder of the search bundle in the output


def index_pages(pages: list[OutputFile]) -> list[OutputFile]:
    """Pagefind's files for the given HTML pages (only those marked data-pagefind-body count)."""
    service = _Service()
    try:
        index_id = service.call({"type": "NewIndex", "config": {"force_language": "en", "keep_index_url": True}})[
            "index_id"]
        articles = [page for page in pages
                    if page.path.endswith(".html") and b"data-pagefind-body" in page.content]
        # Send every page before reading the answers: the service indexes while we send.
        answers = service.call_many([{"type": "AddFile", "index_id": index_id, "url": "/" + page.path,
                                      "file_contents": page.content.decode("utf-8"), "file_path": None}
                                     for page in articles] + [{"type": "GetFiles", "index_id": index_id}])
    finally:
        service.close()
    result = {}
    for item in answers[-1]["files"]:
        path = f"{BUNDLE}/{str(item['path']).lstrip('/')}"
        if "/playground/" not in path:
            result[path] = base64.b64decode(item["content"])
    return [OutputFile(path, content) for path, content in sorted(_canonical(result).items())]


class _Service:
    """A client of `pagefind --service`: base64 JSON messages, each ended by a comma.

    The pagefind package's own async client waits 0.1 s before reading each answer, which
    costs minutes on a large archive; this one reads answers as soon as they come.
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

    def call(self, payload: dict) -> dict:
        return self.call_many([payload])[0]

    def call_many(self, payloads: list[dict]) -> list[dict]:
        first = self.next_id
        self.next_id += len(payloads)
        # Encoded one at a time as they are sent, so only one page's message is held at once.
        messages = (base64.b64encode(json.dumps({"message_id": first + n, "payload": payload}).encode()) + b","
                    for n, payload in enumerate(payloads))
        writer = threading.Thread(target=self._send, args=(messages,), daemon=True)
        writer.start()
        answers: dict[int, dict] = {}
        while len(answers) < len(payloads):
            answer = self._receive()
            payload = answer.get("payload", {})
            if payload.get("type") == "Error":
                raise RuntimeError(f"Pagefind: {payload.get('message')}")
            answers[answer["message_id"]] = payload
        writer.join()
        return [answers[first + n] for n in range(len(payloads))]

    def _send(self, messages) -> None:
        for message in messages:
            self.process.stdin.write(message)
        self.process.stdin.flush()

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
        if self.process.stdin:
            self.process.stdin.close()
        self.process.kill()
        self.process.wait()


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
