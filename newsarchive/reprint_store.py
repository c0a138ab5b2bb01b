"""Reprint relations made outside the build (by the Spark job, spark_reprints.py), stored where
the build finds them.

The file is `.cache/reprints-spark.json` (beside the fingerprint cache; `cache:` in config.yaml
names the folder): {"digest": ..., "reprints": [the records of data/reprints.json]}. The digest
covers everything detection reads (each article's slug, text, date, publisher, credited
original, `reprint_of` and `not_reprint_of`; the outlets; the two thresholds) and the
generator's code, so relations made from other articles, or by other code, are never used:
the build then detects in-process and says why. No Spark is needed to read the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

from .model import Article, Passage, Reprint, Source

STORE_FILE = "reprints-spark.json"


def store_path(cache_dir: Path) -> Path:
    """The store in the build's cache folder (config.cache_dir), beside the fingerprint cache."""
    return cache_dir / STORE_FILE


def digest(articles: Iterable[Article], sources: Mapping[str, Source], min_shared_words: int,
           min_share: float, code: bytes) -> str:
    """What the relations are made from, in one SHA-256 (articles in slug order)."""
    h = hashlib.sha256()

    def add(value) -> None:
        h.update(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")

    add(["newsarchive reprints 1", code.hex(), min_shared_words, repr(float(min_share))])
    for s in sorted(sources.values(), key=lambda s: s.id):
        add([s.id, s.name, list(s.domains)])
    for a in sorted(articles, key=lambda a: a.slug):
        original = None if a.original is None else [a.original.source, a.original.article]
        add([a.slug, list(a.paragraphs), a.date.iso, a.date.precision, a.publisher, original,
             list(a.reprint_of), list(a.not_reprint_of)])
    return h.hexdigest()


def from_records(records: list[dict]) -> tuple[Reprint, ...]:
    """Relations from the records of data/reprints.json (export.reprint_records)."""
    return tuple(Reprint(
        copy=r["copy"], original=r["original"], kind=r["kind"], basis=r["basis"],
        copy_share=r["copy_share"], original_share=r["original_share"],
        passages=tuple(Passage(p["copy"][0], p["copy"][1], p["original"][0], p["original"][1], p["words"])
                       for p in r["passages"]))
        for r in records)


def save(path: Path, made_from: str, records: list[dict]) -> None:
    """Write the store whole (a temporary file moved into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"digest": made_from, "reprints": records}, out, ensure_ascii=False, separators=(",", ":"))
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def load(path: Path, made_from: str) -> tuple[tuple[Reprint, ...] | None, str]:
    """(relations, "") when the store at `path` was made from what `made_from` digests;
    (None, why not) otherwise ("" when there is no store at all)."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, ""
    except (OSError, ValueError) as failure:
        return None, f"{path} could not be read ({failure}); reprints were detected in-process"
    try:
        if stored["digest"] != made_from:
            return None, (f"{path} was made from other articles, settings or code (run `build.py reprints "
                          f"--engine spark` again); reprints were detected in-process")
        return from_records(stored["reprints"]), ""
    except (KeyError, TypeError, IndexError):
        return None, f"{path} is not a store of reprint relations; reprints were detected in-process"
