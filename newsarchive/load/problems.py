"""The problems found in one input file, each with its line, and the hints they carry."""

from __future__ import annotations

import datetime as _dt
import difflib

from .. import safeyaml
from ..model import Diagnostic


class Report:
    """Collects diagnostics for one file, so each check reads as one line."""

    def __init__(self, path: str, lines: safeyaml.Lines, sink: list[Diagnostic]):
        self.path, self.lines, self.sink = path, lines, sink

    def error(self, field, message, hint="", *keys):
        key_path = keys or ((field,) if field else ())
        self.sink.append(Diagnostic(self.path, self.lines.of(*key_path), field, message, hint))

    def warn(self, field, message, hint="", *keys):
        key_path = keys or ((field,) if field else ())
        self.sink.append(Diagnostic(self.path, self.lines.of(*key_path), field, message, hint,
                                    severity="warning"))


def did_you_mean(value: str, known) -> str:
    close = difflib.get_close_matches(str(value), sorted(known), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def type_hint(value) -> str:
    """Why YAML turned what looks like text into something else."""
    if isinstance(value, bool):
        return "YAML reads yes/no/on/off/true/false as true or false: put the value in quotes"
    if isinstance(value, (int, float, _dt.date)):
        return "YAML read this as a number or date: put the value in quotes"
    return ""
