"""Write the built site into a staging folder and swap it into place only when all is written.

- The staging folder is a sibling of the output folder, so the swap is a rename on one file
  system. On Linux the two folders are exchanged atomically (renameat2 RENAME_EXCHANGE), so
  a reader or a SIGKILL sees the old site or the new one, never neither.
- The manifest records what the generator wrote. Anything else in the output folder (a .git
  folder, a CNAME file) is the user's: it is hard-linked into the new site before the swap, so
  it is never moved out of place and never deleted, even if the build dies half-way.
- Leftovers of a killed build are recognised by name and by our marker files, and removed by
  the next build; a previous site left aside by a killed swap is put back, not deleted.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
from collections.abc import Set
from pathlib import Path

from .model import BuildError, Diagnostic
from .paths import is_within

MANIFEST = ".newsarchive-manifest.json"
STAGING_MARK = ".newsarchive-staging"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_output_folder(output: Path, project: Path, sources: list[Path], force: bool) -> list[Diagnostic]:
    """Reasons to refuse writing to `output`; empty when it is safe."""
    shown = str(output)
    refuse = []
    home = Path.home().resolve()
    if output == Path(output.anchor) or output == home:
        refuse.append(f"{shown} is {'the home folder' if output == home else 'the file system root'}")
    if output == project or is_within(project, output):
        refuse.append(f"{shown} is or contains the project folder {project}")
    for folder in sources:
        if is_within(output, folder) or is_within(folder, output):
            refuse.append(f"{shown} overlaps the content folder {folder}")
    if not refuse and (output.exists() or output.is_symlink()):
        if not output.is_dir() or output.is_symlink():
            refuse.append(f"{shown} exists and is not a plain folder")
        elif any(output.iterdir()) and not (output / MANIFEST).is_file() and not force:
            refuse.append(f"{shown} is not empty and was not made by this generator "
                          "(use --force to build into it; files you put there are kept)")
    return [Diagnostic("config.yaml", None, "output", reason,
                       "choose another output folder with --output DIR or 'output:' in config.yaml")
            for reason in refuse]


def read_manifest(output: Path) -> frozenset[str]:
    """The files the manifest names. A rebuild asks twice (which outputs it may keep, then what
    to remove): the last one read or written is kept while its file is the same (a manifest is
    replaced by renaming a new one into place), 0.15 s a read at 100,000 articles."""
    global _last_manifest
    path = output / MANIFEST
    try:
        same = _file_stamp(path)
        if _last_manifest is not None and _last_manifest[0] == same:
            return _last_manifest[1]
        data = json.loads(path.read_text(encoding="utf-8"))
        listed = [p for p in data.get("files", []) if isinstance(p, str)]
    except (OSError, ValueError, AttributeError):
        return frozenset()
    files = frozenset(listed)
    _last_manifest = (same, files, listed if len(listed) == len(files) else sorted(files))  # each once
    return files


def _file_stamp(path: Path) -> tuple:
    stat = os.stat(path)
    return (str(path), stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _in_order(folder: Path, files: Set[str]) -> list[str]:
    """`files` sorted: from the list of the manifest last read or written in `folder`, as it
    is, with the few files that came added, which Timsort merges in linear time (sorting
    333,000 paths afresh was 0.15 s of each manifest written at 100,000 articles)."""
    last = _last_manifest
    if last is None or last[0][0] != str(folder / MANIFEST):
        return sorted(files)
    known, listed = last[1], last[2]
    went = known - files
    order = [path for path in listed if path not in went] if went else list(listed)
    order += files - known
    order.sort()
    return order


# The manifest last read or written: (its file's stamp, its files, its list as in the file).
_last_manifest: tuple[tuple, frozenset[str], list[str]] | None = None


def _ours(folder: Path) -> bool:
    return folder.is_dir() and not folder.is_symlink() and (
        (folder / STAGING_MARK).exists() or (folder / MANIFEST).exists())


def recover(output: Path) -> None:
    """Clean up after a build that was killed: drop its staging, restore a site set aside."""
    parent, name = output.parent, output.name
    if not parent.is_dir():
        return
    aside = sorted(p for p in parent.glob(f".{name}.old-*") if _ours(p))
    if aside and not output.exists():
        os.replace(aside.pop(), output)  # the swap was cut between its two renames
    inside = [*output.glob(f"{PATCH_PREFIX}*")] if output.is_dir() and not output.is_symlink() else []
    for leftover in [*parent.glob(f".{name}.staging-*"), *aside, *inside]:
        if _ours(leftover):
            shutil.rmtree(leftover)


def _link_or_copy(source: Path, target: Path) -> None:
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _folders_of(paths: set[str]) -> set[str]:
    """Every folder that holds one of `paths` ("a/b/c.html" -> {"a", "a/b"})."""
    folders = set()
    for path in paths:
        while "/" in path:
            path = path.rsplit("/", 1)[0]
            if path in folders:
                break
            folders.add(path)
    return folders


def _keep_user_files(old: Path, staging: Path, owned: set[str], new: set[str]) -> list[str]:
    """Link every entry of `old` the generator did not write into `staging`. Returns clashes."""
    owned_dirs, new_dirs = _folders_of(owned), _folders_of(new)
    clashes = []
    for current, folders, files in os.walk(old):
        rel_dir = Path(current).relative_to(old)
        for name in sorted(files) + sorted(f for f in folders if os.path.islink(os.path.join(current, f))):
            rel = (rel_dir / name).as_posix()
            if rel in owned or rel in (MANIFEST, STAGING_MARK):
                continue
            if rel in new or rel in new_dirs:
                clashes.append(rel)
                continue
            target = staging / rel
            if target.exists() or target.is_symlink():
                clashes.append(rel)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(Path(current) / name, target)
        for name in sorted(folders):
            rel = (rel_dir / name).as_posix()
            if not os.path.islink(os.path.join(current, name)) and rel not in owned_dirs:
                (staging / rel).mkdir(parents=True, exist_ok=True)  # keeps the user's empty folders too
    return clashes


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2). False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap_in(staging: Path, output: Path, files: set[str]) -> None:
    """Put a fully written staging folder in the place of `output`, keeping the user's files."""
    parent, name = output.parent, output.name
    try:
        written = sorted(files)
        (staging / MANIFEST).write_text(_manifest_text(written), encoding="utf-8")
        if output.exists():
            clashes = _keep_user_files(output, staging, read_manifest(output), set(written))
            if clashes:
                raise BuildError([Diagnostic(str(output / clash), None, None,
                                             "a file the generator did not write stands where the site needs one",
                                             "move or rename it; it was left untouched")
                                  for clash in clashes])
            if not _exchange(staging, output):
                aside = parent / f".{name}.old-{os.getpid()}"
                os.replace(output, aside)
                os.replace(staging, output)
                staging = aside
            # `staging` now holds the previous site; the user's files live on in the new one.
            shutil.rmtree(staging)
        else:
            os.replace(staging, output)
        (output / STAGING_MARK).unlink()
    except BaseException:
        if staging.exists() and _ours(staging):
            shutil.rmtree(staging)
        raise


# --- staging: where a build writes, before anything is put in place ---------------------------

PATCH_PREFIX = ".newsarchive-staging-"


def _write(root: Path, shown: Path, path: str, content: bytes) -> None:
    target = root / path
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    except OSError as failure:  # name the file: a full disk fails in write(), which has no name
        raise OSError(failure.errno, failure.strerror, str(shown / path)) from failure


# Both stages have one interface: write(path, content) and read(path) while the build makes the
# site, then commit(files, written) to put it in place (`files`: every file of the new site,
# `written`: those written into the stage), or abort() to drop it.

class FullStage:
    """A whole new site, written beside the output folder and swapped in at the end."""

    def __init__(self, output: Path):
        self.output = output
        output.parent.mkdir(parents=True, exist_ok=True)
        recover(output)
        self.root = output.parent / f".{output.name}.staging-{os.getpid()}"
        self.root.mkdir()
        (self.root / STAGING_MARK).touch()

    def write(self, path: str, content: bytes) -> None:
        _write(self.root, self.output, path, content)

    def read(self, path: str) -> bytes:
        return (self.root / path).read_bytes()

    def commit(self, files: set[str], written: set[str]) -> None:
        """Swap the new site in; every one of its files was written (`written` is all of them)."""
        _swap_in(self.root, self.output, files)

    def abort(self) -> None:
        if self.root.exists() and _ours(self.root):
            shutil.rmtree(self.root)


class PatchStage:
    """Only the changed files of a site, written in a hidden folder inside it, then renamed
    into place one by one. A reader sees each page whole, old or new; a build killed while
    renaming leaves pages of both builds, and the next build, finding them not as its state
    says, makes them again."""

    def __init__(self, output: Path):
        self.output = output
        recover(output)
        self.root = output / f"{PATCH_PREFIX}{os.getpid()}"
        self.root.mkdir()
        (self.root / STAGING_MARK).touch()
        self.written: set[str] = set()

    def write(self, path: str, content: bytes) -> None:
        _write(self.root, self.output, path, content)

    def read(self, path: str) -> bytes:
        staged = self.root / path
        return staged.read_bytes() if staged.exists() else (self.output / path).read_bytes()

    def commit(self, files: set[str], written: set[str]) -> None:
        """Rename the written files into place and remove the old site's files not in `files`."""
        output = self.output
        owned = read_manifest(output)
        new = written - owned  # the folders of the others already hold them: a rebuild looks at few
        clashes = sorted(p for p in new if (output / p).exists() or (output / p).is_symlink())
        clashes += sorted(d for d in _folders_of(new) if (output / d).exists() and not (output / d).is_dir())
        if clashes:
            raise BuildError([Diagnostic(str(output / clash), None, None,
                                         "a file the generator did not write stands where the site needs one",
                                         "move or rename it; it was left untouched") for clash in clashes])
        # The manifest names old and new files while both may be present, so that whatever
        # happens next, no file of ours is taken for the user's (unchanged: not written again).
        both = owned | files
        if both != owned:
            _write_manifest(output, both)
        for path in sorted(written):
            (output / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.root / path, output / path)
        gone = sorted(owned - files)
        for path in gone:
            try:
                (output / path).unlink()
            except FileNotFoundError:
                pass
        for folder in sorted(_folders_of(set(gone)), key=lambda d: (-d.count("/"), d)):
            try:
                (output / folder).rmdir()  # only when empty: a file of the site's, or a user's, keeps it
            except OSError:
                pass
        if files != both:
            _write_manifest(output, files)
        shutil.rmtree(self.root)

    def abort(self) -> None:
        if self.root.exists() and _ours(self.root):
            shutil.rmtree(self.root)


def _manifest_text(order: list[str]) -> str:
    """The manifest: the files of the site, sorted (`order`), a line each, written by json's C
    encoder (with indent, json writes in Python: a tenth of a second a rebuild at 10,000 articles)."""
    return json.dumps({"generator": "newsarchive", "files": order}, separators=(",\n", ": ")) + "\n"


def _write_manifest(folder: Path, files: set[str]) -> None:
    global _last_manifest
    temporary = folder / f"{MANIFEST}.{os.getpid()}"
    order = _in_order(folder, files)
    temporary.write_text(_manifest_text(order), encoding="utf-8")
    os.replace(temporary, folder / MANIFEST)
    _last_manifest = (_file_stamp(folder / MANIFEST), frozenset(files), order)
