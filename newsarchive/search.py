"""Build the Pagefind search index from the rendered pages, in memory, before publishing.

Pagefind (the PyPI package, with its bundled binary) reads the article pages' HTML: the
`data-pagefind-*` attributes in templates/article.html say what is indexed, which filters
exist (actor, source, year) and which metadata each result shows (date, publisher). The
index files come back as OutputFiles, so they are published with the rest of the site in
the same atomic swap.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
import hashlib
import logging

import cbor2

from .model import OutputFile

BUNDLE = "pagefind"  # folder of the search bundle in the output


def index_pages(pages: list[OutputFile]) -> list[OutputFile]:
    """Pagefind's files for the given HTML pages (only those marked data-pagefind-body count)."""
    # Pagefind's API is async; run it on its own thread and loop, so a caller that already
    # runs an event loop (an embedding program, a test harness) is not disturbed.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, _index(pages)).result()


async def _index(pages: list[OutputFile]) -> list[OutputFile]:
    from pagefind.index import PagefindIndex  # imported here: a build without pages never starts it

    logging.getLogger("pagefind").setLevel(logging.WARNING)
    config = {"output_path": BUNDLE, "force_language": "en", "keep_index_url": True}
    index = PagefindIndex(config=config)
    await index.__aenter__()
    try:
        for page in pages:
            if page.path.endswith(".html") and b"data-pagefind-body" in page.content:
                await index.add_html_file(content=page.content.decode("utf-8"), url="/" + page.path)
        files = await index.get_files()
    finally:
        # Leaving the context "with an error" closes the service without writing the index to
        # the working directory: we publish the files ourselves, in the atomic swap.
        await index.__aexit__(RuntimeError, None, None)
    result = {}
    for item in files:
        path = str(item["path"]).lstrip("/")
        if not path.startswith(BUNDLE + "/"):
            path = f"{BUNDLE}/{path}"
        if "/playground/" not in path:
            result[path] = bytes(item["content"])
    return [OutputFile(path, content) for path, content in sorted(_canonical(result).items())]


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
