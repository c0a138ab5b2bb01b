"""Where the templates and static files come from: the archive's own, then the package's.

The package carries a default theme, the repository's top-level `templates/` and `static/`
folders. There is one copy of them in git: pyproject.toml maps each folder into the package
(`newsarchive.templates` and `newsarchive.static`, data-only), so a wheel installs them as
`newsarchive/templates/` and `newsarchive/static/` beside this module; run from a source
checkout (`python build.py`, an editable install), the package finds them beside its own folder.

An archive's `templates/` and `static/` (config.yaml's `templates:` and `static:`) come first,
file by file: a template or static file the archive does not have comes from the package, as
Hugo and Zola themes work. For the repository's example archive both are the same folders.
"""

from __future__ import annotations

from pathlib import Path

from .model import Diagnostic

PACKAGE = Path(__file__).resolve().parent
KINDS = ("templates", "static")


def package_folder(kind: str) -> Path:
    """The package's own `templates` or `static` folder."""
    installed = PACKAGE / kind  # a wheel: the top-level folder, copied into the package
    if installed.is_dir():
        return installed
    checkout = PACKAGE.parent / kind  # a source checkout: the repository's own folder
    if checkout.is_dir() and (PACKAGE.parent / "pyproject.toml").is_file():
        return checkout
    return installed  # missing: pipeline.build reports it


def folders(config, kind: str) -> list[Path]:
    """The folders a build reads `kind` from, first one winning: the archive's (when it has
    one), then the package's; one folder when they are the same."""
    own = config.templates if kind == "templates" else config.static
    default = package_folder(kind)
    result = [own] if own.is_dir() else []
    if default.resolve() not in {folder.resolve() for folder in result}:
        result.append(default)
    return result


def package_folders(config) -> list[Path]:
    """The package's folders that are not the archive's own (inputs of the build as they are)."""
    return [folder for folder in map(package_folder, KINDS) if folder not in (config.templates, config.static)]


def missing(config) -> list[Diagnostic]:
    """A broken installation: a kind of file found neither in the archive nor in the package."""
    return [Diagnostic(str(package_folder(kind)), None, None, f"the package's {kind} folder is missing",
                       "reinstall newsarchive: its templates and static files come with it")
            for kind in KINDS if not any(folder.is_dir() for folder in folders(config, kind))]


def files(config, kind: str, hidden: bool = True) -> dict[str, Path]:
    """Each file of the theme by its name (relative, with "/"), from the folder that wins.
    Names of files starting with "." are left out unless `hidden`."""
    found: dict[str, Path] = {}
    for folder in folders(config, kind):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if name not in found and path.is_file() and (hidden or not path.name.startswith(".")):
                found[name] = path
    return found
