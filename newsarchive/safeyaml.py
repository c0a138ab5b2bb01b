"""YAML reading that never constructs objects, rejects duplicate keys and remembers lines.

PyYAML's composer gives us nodes with their positions; we build plain Python values from
them ourselves so that every key keeps the line it was written on (counted in the file, not
in the YAML block) and so that no tag can run code.
"""

from __future__ import annotations

import datetime as _dt
import json
import re

import yaml

from .model import Diagnostic

# libyaml's parser when PyYAML has it (much faster on large registries); same nodes and marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# What the YAML spec refuses to read: C0 controls but tab, LF and CR; DEL; C1 but NEL; surrogates.
_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
MAX_NODES = 20_000  # far above any real front matter; stops alias bombs ("billion laughs")

_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


class Lines(dict):
    """Maps a key path such as ("claims", 0, "quote") to its 1-based line in the file."""

    def of(self, *path, default: int | None = None) -> int | None:
        while path:
            if path in self:
                return self[path]
            path = path[:-1]
        return self.get((), default)


class StoredLines(Lines):
    """Lines kept as JSON text (in the build state): decoded only when a diagnostic asks for
    a line, which for an article unchanged since the last build is almost never."""

    def __init__(self, text: str):
        super().__init__()
        self.text: str | None = text

    def undecoded(self) -> str | None:
        """The JSON text, while not decoded (a subclass may fetch it from where it is kept)."""
        return self.text

    def of(self, *path, default: int | None = None) -> int | None:
        text = self.undecoded()
        if text is not None:
            self.update((tuple(key), line) for key, line in json.loads(text))
            self.text = None
        return super().of(*path, default=default)

    @staticmethod
    def text_of(lines: Lines | None) -> str | None:
        if lines is None:
            return None
        if isinstance(lines, StoredLines) and (text := lines.undecoded()) is not None:
            return text
        return json.dumps([[list(key), line] for key, line in lines.items()])


class _TooBig(Exception):
    pass


def parse(text: str, path: str, first_line: int = 1) -> tuple[object, Lines, list[Diagnostic]]:
    """Parse one YAML document. Returns (value, lines, diagnostics); value is None on error."""
    offset = first_line - 1
    lines = Lines()
    problems: list[Diagnostic] = []
    bad = _UNREADABLE.search(text)
    if bad:  # a control character YAML does not allow
        line = text.count("\n", 0, bad.start()) + 1 + offset
        problems.append(Diagnostic(path, line, None, f"character {bad.group()!r} is not allowed in YAML",
                                   "remove the control character from this line"))
        return None, lines, problems
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 + offset if mark else first_line
        problems.append(
            Diagnostic(path, line, None, f"malformed YAML: {err.problem or err}",
                       "check indentation, colons and quoting on this line or the one before")
        )
        return None, lines, problems
    except yaml.YAMLError as err:
        problems.append(Diagnostic(path, first_line, None, f"malformed YAML: {err}"))
        return None, lines, problems
    finally:
        loader.dispose()
    if node is None:
        return None, lines, problems
    lines[()] = node.start_mark.line + 1 + offset
    budget = [MAX_NODES]
    try:
        value = _build(node, (), loader, lines, problems, path, offset, budget)
    except _TooBig:
        problems.append(
            Diagnostic(path, first_line, None,
                       f"YAML expands to more than {MAX_NODES} values",
                       "remove the anchors and aliases (& and *) that repeat large blocks")
        )
        return None, lines, problems
    return value, lines, problems


def _field(keypath) -> str | None:
    return ".".join(str(p) for p in keypath) or None


def _build(node, keypath, loader, lines, problems, path, offset, budget):
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig
    if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
        return node.value  # what the str constructor returns, without construct_object's bookkeeping
    line = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            problems.append(_bad_tag(path, line, _field(keypath), node.tag))
            return None
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Diagnostic(path, key_node.start_mark.line + 1 + offset, _field(keypath),
                                           "a key must be plain text", "write the key as a word"))
                continue
            key = key_node.value
            key_line = key_node.start_mark.line + 1 + offset
            sub = keypath + (key,)
            if key in result:
                problems.append(
                    Diagnostic(path, key_line, ".".join(str(p) for p in sub),
                               f"duplicate key '{key}' (first on line {lines[sub]})",
                               "keep one of the two entries")
                )
                continue
            lines[sub] = key_line
            result[key] = _build(value_node, sub, loader, lines, problems, path, offset, budget)
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            problems.append(_bad_tag(path, line, _field(keypath), node.tag))
            return None
        items = []
        for index, item in enumerate(node.value):
            lines[keypath + (index,)] = item.start_mark.line + 1 + offset
            items.append(_build(item, keypath + (index,), loader, lines, problems, path, offset, budget))
        return items
    if node.tag not in _PLAIN_TAGS:
        problems.append(_bad_tag(path, line, _field(keypath), node.tag))
        return None
    try:
        value = loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError) as err:
        problems.append(Diagnostic(path, line, _field(keypath), f"unreadable value {node.value!r}: {err}"))
        return None
    if isinstance(value, _dt.datetime):
        value = value.date() if value.time() == _dt.time() else value
    return value


def _bad_tag(path, line, field, tag) -> Diagnostic:
    return Diagnostic(path, line, field, f"YAML tag {tag!r} is not allowed",
                      "use plain text, numbers, lists and mappings; tags such as !!python/... are refused")
