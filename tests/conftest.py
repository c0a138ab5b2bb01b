"""Shared fixtures: every test builds its own copy of the archive under tmp_path."""

from __future__ import annotations

import contextlib
import os
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsarchive.cli import main
from newsarchive.model import Article, Claim, Original, PubDate

PROJECT = Path(__file__).resolve().parent.parent
SEED_SLUGS = {
    "000": "russian-official-haftar-and-tripoli-requested-arming",
    "001": "libya-prompts-russia-for-military-defense-cooperation",
    "002": "libyan-army-asks-russia-for-weapons",
    "003": "moscow-wants-hafter-in-political-process-but-no-arms",
    "004": "putin-asked-to-intervene-in-libya",
}


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the real archive (articles, templates, static, config) to build or break."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("articles", "templates", "static"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copy(PROJECT / "config.yaml", root / "config.yaml")
    return root


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(argv: list[str]) -> Result:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return Result(code, out.getvalue(), err.getvalue())


def run_build(project: Path, *args: str) -> Result:
    return run_cli(["--config", str(project / "config.yaml"), *args])


@pytest.fixture
def built(project) -> Path:
    """The real archive built once into project/_site; returns the output folder."""
    result = run_build(project)
    assert result.code == 0, result.err
    return project / "_site"


def make_article(slug: str, text: str, date: str | None = None, precision: str | None = None,
                 publisher: str = "outlet", original: Original | None = None,
                 claims: tuple[Claim, ...] = (), people: tuple[str, ...] = (),
                 reprint_of: tuple[str, ...] = (), not_reprint_of: tuple[str, ...] = ()) -> Article:
    """An in-memory article for unit tests; paragraphs are split on blank lines."""
    paragraphs = tuple(p.strip() for p in text.split("\n\n") if p.strip())
    if precision is None:
        precision = "unknown" if date is None else {10: "day", 7: "month", 4: "year"}[len(date)]
    return Article(
        slug=slug, path=Path(f"{slug}.md"), title=slug.replace("-", " "), url=f"https://example.org/{slug}",
        capture=f"captures/{slug}.txt", date=PubDate(date, precision, "test"), publisher=publisher,
        original=original, credit="", people=people, claims=claims, reprint_of=reprint_of,
        not_reprint_of=not_reprint_of, body="\n\n".join(paragraphs) + "\n", paragraphs=paragraphs,
    )


def write_article(project: Path, slug: str, front: str, body: str = "Some body text.\n",
                  capture_text: str = "Some body text.\n") -> Path:
    """Write articles/<slug>.md (and its capture) with the given front matter lines."""
    capture = project / "articles" / "captures" / f"{slug}.txt"
    capture.write_text(capture_text, encoding="utf-8")
    path = project / "articles" / f"{slug}.md"
    path.write_text(f"---\n{front.strip()}\n---\n\n{body}", encoding="utf-8")
    return path


def minimal_front(name: str, **fields: str) -> str:
    """Front matter that passes validation, with any field replaced or added."""
    values = {
        "title": f"Test article {name}",
        "url": f"https://www.libyanexpress.com/{name}/",
        "capture": f"captures/{name}.txt",
        "date": "2017-05-01",
        "date_precision": "day",
        "date_evidence": "test",
        "publisher": "libyan-express",
        "people": "[khalifa-haftar]",
    }
    values.update(fields)
    return "\n".join(f"{key}: {value}" for key, value in values.items() if value is not None)


def quiet(fn, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return fn(*args, **kwargs)


# Hypothesis: a bounded run by default (CI), many more examples with HYPOTHESIS_PROFILE=nightly.


def search_postings(text: str) -> list[tuple[int, int]]:
    """A postings string of the search index as the search page reads it: (document, count) pairs."""
    doc, out = 0, []
    for value in map(int, text.split(",")):
        doc += value >> 2
        out.append((doc, (value & 3) + 1))
    return out


def assert_paragraphs_in_capture(project: Path, article) -> None:
    """Every body paragraph of an added article can be found in its capture's text (white space folded)."""
    from newsarchive.capture.html import fold, page_text

    kept = project / "articles" / article.capture
    text = fold(page_text(kept.read_bytes(), str(kept)))
    assert article.paragraphs
    for paragraph in article.paragraphs:
        assert fold(paragraph) in text, paragraph[:80]


from hypothesis import settings as _settings  # noqa: E402

_settings.register_profile("ci", max_examples=60, deadline=None)
_settings.register_profile("nightly", max_examples=3000, deadline=None)
_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run, driven by Playwright (see tests/browser.py)."""
    from browser import CHROMIUM, LAUNCH_ARGS, require_browser

    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


def spark_missing() -> str:
    """What the Spark tests lack on this machine ("" when PySpark and Java are there)."""
    import os
    import shutil

    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -e '.[spark]')"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "no Java (apt-get install openjdk-17-jre-headless)"
    return ""


def made_paths(monkeypatch) -> list[str]:
    """The outputs each build run in this process makes (not only those whose bytes changed),
    in the order made."""
    from newsarchive import render

    made = []

    def make(job, lo, hi, _real=render._Job.make):
        made.extend(spec.path for spec in job.todo[lo:hi])
        return _real(job, lo, hi)
    monkeypatch.setattr(render._Job, "make", make)
    return made
