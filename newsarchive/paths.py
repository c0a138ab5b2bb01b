"""Where a path lies relative to a folder: the one "is this inside that folder" check, and how a
path is shown to the user (relative to the project when it lies there)."""

from __future__ import annotations

from pathlib import Path


def is_within(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or lies inside it. Path parts are compared, never string
    prefixes ("site" is not inside "site-src"); give resolved paths (absolute, with no symbolic
    link or "..") for an answer about the file system rather than about spellings."""
    return path == folder or folder in path.parents


def display_path(path: Path, project: Path) -> str:
    """`path` as messages show it: relative to the project when inside it, else as it is."""
    try:
        return str(path.relative_to(project))
    except ValueError:
        return str(path)
