"""Write the built site into a staging folder and swap it into place only when all is written.

The output folder may hold the user's own files (a .git folder, a CNAME file): the manifest
records what the generator wrote, and only those files are ever replaced or removed.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .model import BuildError, Diagnostic, OutputFile

MANIFEST = ".newsarchive-manifest.json"
STAGING_MARK = ".newsarchive-staging"


def _is_within(path: Path, folder: Path) -> bool:
    # Compare resolved path parts, never string prefixes: "site" is not inside "site-src".
    return path == folder or folder in path.parents


def check_output_folder(output: Path, project: Path, sources: list[Path], force: bool) -> list[Diagnostic]:
    """Reasons to refuse writing to `output`; empty when it is safe."""
    shown = str(output)
    refuse = []
    home = Path.home().resolve()
    if output == Path(output.anchor) or output == home:
        refuse.append(f"{shown} is {'the home folder' if output == home else 'the file system root'}")
    if output == project or _is_within(project, output):
        refuse.append(f"{shown} is or contains the project folder {project}")
    for folder in sources:
        if _is_within(output, folder) or _is_within(folder, output):
            refuse.append(f"{shown} overlaps the content folder {folder}")
    if not refuse and output.exists():
        if not output.is_dir() or output.is_symlink():
            refuse.append(f"{shown} exists and is not a folder")
        elif any(output.iterdir()) and not (output / MANIFEST).is_file() and not force:
            refuse.append(f"{shown} is not empty and was not made by this generator "
                          "(use --force to build into it; files you put there are kept)")
    return [Diagnostic("config.yaml", None, "output", reason,
                       "choose another output folder with --output DIR or 'output:' in config.yaml")
            for reason in refuse]


def _read_manifest(output: Path) -> set[str]:
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
        return {p for p in data.get("files", []) if isinstance(p, str)}
    except (OSError, ValueError, AttributeError):
        return set()


def _clear_debris(parent: Path, name: str) -> None:
    """Remove staging folders left by builds that were killed; only folders we marked."""
    for leftover in parent.glob(f".{name}.*-*"):
        if leftover.is_dir() and not leftover.is_symlink() and (leftover / STAGING_MARK).exists():
            shutil.rmtree(leftover)


def _carry_over_user_files(old: Path, staging: Path, owned: set[str], new: set[str], rel: str = "") -> list[str]:
    """Move into `staging` every entry of `old` the generator did not write. Returns clashes."""
    clashes = []
    for entry in sorted(os.scandir(old / rel if rel else old), key=lambda e: e.name):
        path = f"{rel}/{entry.name}" if rel else entry.name
        if path in (MANIFEST, STAGING_MARK):
            continue
        if entry.is_dir(follow_symlinks=False):
            if any(p.startswith(path + "/") for p in owned):
                clashes += _carry_over_user_files(old, staging, owned, new, path)
                continue
        elif path in owned:
            continue
        if path in new or any(p.startswith(path + "/") for p in new):
            clashes.append(path)
            continue
        target = staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(old / path, target)
    return clashes


def publish(files: list[OutputFile], output: Path) -> None:
    parent, name = output.parent, output.name
    parent.mkdir(parents=True, exist_ok=True)
    _clear_debris(parent, name)
    staging = parent / f".{name}.staging-{os.getpid()}"
    staging.mkdir()
    (staging / STAGING_MARK).touch()
    try:
        for item in files:
            target = staging / item.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(item.content)
        written = sorted(item.path for item in files)
        manifest = {"generator": "newsarchive", "files": written}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        if output.exists():
            clashes = _carry_over_user_files(output, staging, _read_manifest(output), set(written))
            if clashes:
                raise BuildError([Diagnostic(str(output / clash), None, None,
                                             "a file the generator did not write stands where the site needs one",
                                             "move or rename it; it was left untouched")
                                  for clash in clashes])
            old = parent / f".{name}.old-{os.getpid()}"
            os.replace(output, old)
            os.replace(staging, output)
            (old / STAGING_MARK).touch()
            shutil.rmtree(old)
        else:
            os.replace(staging, output)
        (output / STAGING_MARK).unlink()
    except BaseException:
        if staging.exists():
            _restore_carried(staging, output)
            shutil.rmtree(staging)
        raise


def _restore_carried(staging: Path, output: Path) -> None:
    """After a failure, put back any user file already moved into staging."""
    if not output.exists():
        return
    written = _read_manifest(staging)
    for path in sorted(staging.rglob("*")):
        rel = path.relative_to(staging).as_posix()
        if rel in written or rel in (MANIFEST, STAGING_MARK) or path.is_dir() and not path.is_symlink():
            continue
        target = output / rel
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
