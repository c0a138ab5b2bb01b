"""What a build may reuse of the previous build's loading: an article or registry is parsed
again only when a file it was read from changed."""

from __future__ import annotations

import os
from collections.abc import Container
from hashlib import blake2b
from pathlib import Path

from ..buildstate import ParsedArticle, ParsedRegistry
from ..model import Diagnostic

REGISTRY_KEY = "registry:"  # how registries are told apart from articles in Archive.parsed


def parsed_again(location: str, is_link: bool, known: ParsedArticle | None, inputs, registries: bytes,
                 capture: str | None = None, unchanged: Container[str] = frozenset()):
    """The digest of what an article is parsed from (its file, its capture: the known parse's,
    else `capture`), and its earlier parse when that still holds. `unchanged`: the files as the
    previous build read them (digests.FileDigests.unchanged), when the registries are too."""
    if known is not None and location in unchanged \
            and (not known.article.capture or _capture_path(location, known.article.capture) in unchanged):
        return known.key, known  # none of its files changed: the key is the same
    try:
        digest = inputs.of(location)
        capture = known.article.capture if known else capture
        parts = [location.encode(), digest, registries, b"link" if is_link else b"file"]
        if capture:
            parts.append(inputs.of(_capture_path(location, capture)))
    except OSError:
        return None, None  # gone or unreadable: load_article says what is wrong
    key = blake2b(b"\0".join(parts), digest_size=16).digest()
    return key, (known if known and known.key == key else None)


def _capture_path(location: str, capture: str) -> str:
    """os.path.join(os.path.dirname(location), capture), for the usual relative capture at a
    third of the cost (a rebuild asks it of every article)."""
    if os.sep != "/" or capture.startswith("/"):
        return os.path.join(os.path.dirname(location), capture)
    folder = location[:location.rfind("/") + 1]
    return folder + capture if folder else capture


def registry_key(path: Path) -> str:
    """How Archive.parsed knows the registry read from `path`."""
    return REGISTRY_KEY + str(path)


def registry(loader, path: Path, project: Path, problems: list[Diagnostic], inputs, parsed, now_parsed):
    """A registry, read again only when its content changed since the previous build."""
    if inputs is None or not path.is_file():
        return loader(path, project, problems)
    key = registry_key(path)
    digest = inputs.of(path)
    known = (parsed or {}).get(key)
    if known is not None and known.digest == digest:
        result, found = known.value, known.problems
        problems.extend(found)
    else:
        before = len(problems)
        result = loader(path, project, problems)
        found = tuple(problems[before:])
    now_parsed[key] = ParsedRegistry(digest, result, found)
    return result
