"""Reading an input file safely: no symbolic link leading out of the project, no file too large,
only UTF-8 text (or a saved page in its own encoding), every refusal reported."""

from __future__ import annotations

import os
from pathlib import Path

from ..model import Diagnostic
from ..paths import display_path, is_within

MAX_FILE_BYTES = 2_000_000  # a long article is ~100 kB; anything far bigger is a mistake


def link_leaves_project(path: Path, project: Path) -> Path | None:
    """Where a symbolic link at `path` leads when that is outside the project, else None."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    return None if is_within(target, project) else target


def check_links(folder: Path, project: Path, problems: list[Diagnostic]) -> None:
    """Report every symbolic link under `folder` that leads outside the project."""
    if not folder.is_dir():
        return
    for current, folders, files in os.walk(folder):
        for name in sorted(folders + files):
            path = Path(current) / name
            target = link_leaves_project(path, project)
            if target is not None:
                problems.append(Diagnostic(display_path(path, project), None, None,
                                           f"symbolic link leading outside the project ({target}); not followed",
                                           "copy the file into the project instead of linking to it"))


def read_text_file(path: Path, shown: str, problems: list[Diagnostic], what: str,
                   project: Path | None) -> str | None:
    """Read a UTF-8 text file, or report why not. With a project, a symbolic link leading
    outside it is refused; a file named on the command line (project None) may be anywhere."""
    outside = link_leaves_project(path, project) if project is not None else None
    if outside is not None:
        problems.append(Diagnostic(shown, None, None,
                                   f"{what} is a symbolic link leading outside the project ({outside}); "
                                   "not followed", "copy the file into the project instead of linking to it"))
        return None
    if not path.is_file():
        problems.append(Diagnostic(shown, None, None, f"{what} is missing"))
        return None
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.append(Diagnostic(shown, None, None,
                                   f"{what} is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",
                                   "is this really one article?"))
        return None
    raw = path.read_bytes()
    if not raw.strip():
        problems.append(Diagnostic(shown, None, None, f"{what} is empty"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        problems.append(Diagnostic(shown, None, None, f"{what} is not UTF-8 text (byte {err.start})",
                                   "save the file as UTF-8"))
        return None
    if "\x00" in text:
        problems.append(Diagnostic(shown, None, None, f"{what} contains NUL bytes; it looks binary"))
        return None
    return text


def read_page_capture(path: Path, shown: str, problems: list[Diagnostic], project: Path) -> tuple[str, bytes] | None:
    """A saved page kept as the capture (.html, .html.gz): its HTML, read in its own encoding, and
    its bytes (for the `archive:` payload digest check); None, with the problem reported, when
    it cannot be read."""
    from ..capture import CaptureError
    from ..capture.html import MAX_PAGE_BYTES, decode, unpack

    outside = link_leaves_project(path, project)
    if outside is not None:
        problems.append(Diagnostic(shown, None, None, f"capture file is a symbolic link leading outside the project "
                                   f"({outside}); not followed", "copy the file into the project instead"))
        return None
    if not path.is_file():
        problems.append(Diagnostic(shown, None, None, "capture file is missing"))
        return None
    if path.stat().st_size > MAX_PAGE_BYTES:
        problems.append(Diagnostic(shown, None, None, f"capture file is over the {MAX_PAGE_BYTES:,}-byte limit"))
        return None
    data = path.read_bytes()
    try:
        html = decode(unpack(data, shown), shown)[0]
    except CaptureError as failure:
        problems.append(Diagnostic(shown, None, None, f"capture file: {failure.message}", failure.hint))
        return None
    return html, data
