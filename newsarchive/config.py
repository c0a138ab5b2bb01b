"""Read and validate config.yaml into a frozen Config, reporting every bad key at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import safeyaml
from .model import BuildError, Diagnostic

MAX_CONFIG_BYTES = 1_000_000


@dataclass(frozen=True)
class Config:
    project: Path  # folder holding config.yaml
    title: str
    description: str
    base_url: str  # where the site is published, ending in "/"; "" when not known
    output: Path
    articles: Path
    templates: Path
    static: Path
    cache_dir: Path  # the folder `cache:` names: what a build keeps for the next (fpcache.py, build state)
    # Reprint detection: a pair is a reprint when it shares at least `min_shared_words` words
    # in aligned passages and those cover at least `min_share` of one of the two texts.
    reprint_min_shared_words: int
    reprint_min_share: float
    file: Path | None = None  # the config file itself, an input of the build like the articles


_DEFAULTS = {
    "title": "News archive",
    "description": "",
    "base_url": "",
    "output": "_site",
    "articles": "articles",
    "templates": "templates",
    "static": "static",
    "cache": ".cache",
    "reprint_min_shared_words": 40,
    "reprint_min_share": 0.15,
}

_TYPES = {
    "title": str,
    "description": str,
    "base_url": str,
    "output": str,
    "articles": str,
    "templates": str,
    "static": str,
    "cache": str,
    "reprint_min_shared_words": int,
    "reprint_min_share": float,
}


def load_config(path: Path, output_override: str | None = None) -> Config:
    project = path.parent.resolve()
    shown = path.name
    problems: list[Diagnostic] = []
    values = dict(_DEFAULTS)
    if path.exists():
        raw = path.read_bytes()
        if len(raw) > MAX_CONFIG_BYTES:
            raise BuildError([Diagnostic(shown, None, None, "config file is too large")])
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BuildError([Diagnostic(shown, None, None, "config file is not UTF-8 text",
                                         "save it as UTF-8")])
        data, lines, problems = safeyaml.parse(text, shown)
        if data is None and not problems:
            data = {}
        if data is not None and not isinstance(data, dict):
            problems.append(Diagnostic(shown, lines.of(), None, "config must be a mapping of keys",
                                       "write lines such as 'title: My archive'"))
            data = {}
        for key, value in (data or {}).items():
            line = lines.of(key)
            if key not in _TYPES:
                problems.append(Diagnostic(shown, line, key, "unknown setting",
                                           "known settings: " + ", ".join(sorted(_TYPES))))
                continue
            want = _TYPES[key]
            if want is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, want) or isinstance(value, bool):
                problems.append(Diagnostic(shown, line, key,
                                           f"expected {want.__name__}, got {value!r}"))
                continue
            if want is str and key not in ("description", "base_url") and not value.strip():
                problems.append(Diagnostic(shown, line, key, "must not be empty"))
                continue
            values[key] = value
        base = values["base_url"].strip()
        if base and (urlsplit(base).scheme not in ("http", "https") or not urlsplit(base).netloc):
            problems.append(Diagnostic(shown, lines.of("base_url"), "base_url",
                                       f"expected the site's http(s) address, got {base!r}",
                                       "e.g. base_url: https://example.org/archive/ (or leave it out)"))
        values["base_url"] = base + ("/" if base and not base.endswith("/") else "")
        if values["reprint_min_shared_words"] < 1:
            problems.append(Diagnostic(shown, lines.of("reprint_min_shared_words"),
                                       "reprint_min_shared_words", "must be at least 1"))
        if not 0 < values["reprint_min_share"] <= 1:
            problems.append(Diagnostic(shown, lines.of("reprint_min_share"), "reprint_min_share",
                                       "must be between 0 and 1"))
        # Without its own folder an archive uses the package's templates and static files; one
        # named in the config must be there (a misspelt name would silently use the package's).
        for key in ("templates", "static"):
            if (data or {}).get(key) == values[key] and not (project / Path(values[key]).expanduser()).is_dir():
                problems.append(Diagnostic(shown, lines.of(key), key, f"no folder {values[key]!r} next to {shown}",
                                           f"create it, or remove the '{key}:' line to use the package's {key} only"))
    if problems:
        raise BuildError(problems)
    def resolve(name: str) -> Path:
        return (project / Path(values[name]).expanduser()).resolve()

    return Config(
        project=project,
        title=values["title"],
        description=values["description"],
        base_url=values["base_url"],
        # --output is a path typed at the shell, so it is relative to the working directory
        output=(Path(output_override).expanduser().resolve() if output_override is not None
                else resolve("output")),
        articles=resolve("articles"),
        templates=resolve("templates"),
        static=resolve("static"),
        cache_dir=resolve("cache"),
        reprint_min_shared_words=values["reprint_min_shared_words"],
        reprint_min_share=values["reprint_min_share"],
        file=path.resolve(),
    )
