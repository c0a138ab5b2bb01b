"""The package as a user installs it: a wheel built from this repository, installed into a
fresh virtual environment, its `newsarchive` command run in a new archive's folder.

Nothing is downloaded: pip builds the wheel with the setuptools (and wheel) of the environment
running the tests (--no-build-isolation) and installs only newsarchive (--no-deps, --no-index);
the other packages it needs are this environment's, which the new one sees through a .pth file.
The wheel is built from a copy of the files an install needs, so nothing is written into the
repository (setuptools builds in the source folder)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import PROJECT, run_build
from test_init import CAPTURE, CORPUS, corpus_entry, differing


def _can_build_wheels() -> bool:
    import setuptools
    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


@dataclass(frozen=True)
class Installed:
    python: Path
    command: Path
    site: Path  # the new environment's site-packages, where newsarchive is installed

    def run(self, *args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([str(self.command), *args], cwd=cwd, capture_output=True, text=True,
                                env=_clean_env(), timeout=300)
        if check:
            assert result.returncode == 0, f"newsarchive {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result


def _clean_env() -> dict:
    """The environment for the installed command: nothing that would import this checkout instead."""
    # (and output buffered as in a user's shell, where this environment may have it unbuffered)
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONUNBUFFERED")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INDEX"] = "1"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    if not _can_build_wheels():
        pytest.skip("building the wheel offline needs setuptools>=70.1 or the wheel package in this "
                    "environment: pip install -e '.[test]' (make test does) installs it")
    root = tmp_path_factory.mktemp("package")
    source = root / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT / name, source / name)
    for name in ("newsarchive", "templates", "static"):
        shutil.copytree(PROJECT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    parent = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (site / "parent-environment.pth").write_text("".join(f"{path}\n" for path in parent))
    env = _clean_env()
    if os.environ.get("PYTHONPATH"):  # where the tests' own environment finds setuptools or wheel, say
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    result = subprocess.run([str(python), "-m", "pip", "install", "--no-build-isolation", "--no-deps",
                             "--no-index", "--ignore-installed", str(source)],
                            cwd=root, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return Installed(python, venv / "bin" / "newsarchive", site)


def test_the_installed_command_starts_adds_builds_and_serves(installed, tmp_path):
    where = subprocess.run([str(installed.python), "-c", "import newsarchive.theme as t; print(t.__file__); "
                            "print(t.package_folder('templates')); print(t.package_folder('static'))"],
                           cwd=tmp_path, capture_output=True, text=True, env=_clean_env(), check=True).stdout.split()
    assert all(Path(path).is_relative_to(installed.site / "newsarchive") for path in where), where
    assert (installed.site / "newsarchive" / "templates" / "article.html").is_file()
    helped = installed.run("--help", cwd=tmp_path).stdout
    assert helped.startswith("usage: newsarchive")
    for command in ("init", "build", "add", "serve", "quality"):
        assert command in helped

    started = installed.run("init", "quake", "--title", "Nepal earthquake, 2015", cwd=tmp_path)
    archive = tmp_path / "quake"
    assert "made a new archive" in started.stdout and "cd quake" in started.stdout
    assert not (archive / "templates").exists()
    entry = corpus_entry(CAPTURE)
    added = installed.run("add", str(CORPUS / "captures" / f"{CAPTURE}.txt"), "--url", entry["url"], cwd=archive)
    (article,) = (archive / "articles").glob("*.md")
    assert f"articles/{article.name}" in added.stdout
    built = installed.run("build", cwd=archive)
    assert "built " in built.stdout and str(archive / "_site") in built.stdout
    page = (archive / "_site" / "articles" / article.stem / "index.html").read_text(encoding="utf-8")
    assert f"<title>{entry['title']} · Nepal earthquake, 2015</title>" in page
    assert entry["body_first"] in page
    assert 'href="../../static/style.css' in page
    assert (archive / "_site" / "static" / "style.css").read_bytes() == (PROJECT / "static" / "style.css").read_bytes()
    home = (archive / "_site" / "index.html").read_text(encoding="utf-8")
    assert f"articles/{article.stem}/" in home
    # No command: a build, as with build.py; nothing changed, so nothing is made.
    again = installed.run(cwd=archive)
    assert "0 made, 0 written, 0 removed" in again.stdout
    # The command ends its process without the interpreter's teardown: what it printed into a
    # pipe still arrives, and a failure still says so in its exit status.
    failed = installed.run("build", "--config", "elsewhere.yaml", cwd=archive, check=False)
    assert failed.returncode == 1 and "elsewhere.yaml" in failed.stdout + failed.stderr, failed

    out = tmp_path / "serve.out"
    with out.open("wb") as stdout:
        server = subprocess.Popen([str(installed.command), "serve", "--port", "0"], cwd=archive, stdout=stdout,
                                  stderr=subprocess.DEVNULL, env=_clean_env())
    try:
        url = None
        for _ in range(600):  # waits up to a minute for the address; no timing is checked
            url = next((line.split(" ", 1)[1] for line in out.read_text().splitlines()
                        if line.startswith("serving http://127.0.0.1:")), None)
            if url or server.poll() is not None:
                break
            time.sleep(0.1)
        assert url, out.read_text()
        with urllib.request.urlopen(f"{url}articles/{article.stem}/", timeout=30) as response:
            served = response.read().decode("utf-8")
        assert response.status == 200 and entry["body_first"] in served and "/__newsarchive/events" in served
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_the_example_archive_builds_the_same_with_the_installed_package(installed, project, tmp_path):
    """The package's templates and static files are the repository's: the example archive, without
    its templates/ and static/, builds byte for byte the site the repository builds."""
    run_build(project, "--output", str(tmp_path / "repository"))
    shutil.rmtree(project / "templates")
    shutil.rmtree(project / "static")
    installed.run("--output", str(tmp_path / "installed"), cwd=project)
    assert differing(tmp_path / "repository", tmp_path / "installed") == set()


def test_an_archive_template_changes_only_that_page_type(installed, tmp_path):
    archive = tmp_path / "quake"
    installed.run("init", str(archive), cwd=tmp_path)
    installed.run("add", str(CORPUS / "captures" / f"{CAPTURE}.txt"), "--url", corpus_entry(CAPTURE)["url"],
                  cwd=archive)
    installed.run("build", "--output", "before", cwd=archive)
    (archive / "templates").mkdir()
    template = (installed.site / "newsarchive" / "templates" / "article.html").read_text(encoding="utf-8")
    (archive / "templates" / "article.html").write_text(
        template.replace("{% block main %}\n", '{% block main %}\n<p class="note">Checked by the editors.</p>\n', 1),
        encoding="utf-8")
    installed.run("build", "--output", "after", cwd=archive)
    changed = differing(archive / "before", archive / "after")
    (article,) = (archive / "articles").glob("*.md")
    assert changed == {f"articles/{article.stem}/index.html"}
    assert "Checked by the editors." in (archive / "after" / "articles" / article.stem / "index.html").read_text()


def test_a_new_version_of_the_package_templates_is_noticed(installed, tmp_path):
    """An incremental build after the package's templates or static files changed (a new
    version of the generator) gives the site a clean build gives."""
    archive = tmp_path / "quake"
    installed.run("init", str(archive), cwd=tmp_path)
    installed.run("add", str(CORPUS / "captures" / f"{CAPTURE}.txt"), "--url", corpus_entry(CAPTURE)["url"],
                  cwd=archive)
    installed.run("build", cwd=archive)
    base = installed.site / "newsarchive" / "templates" / "base.html"
    style = installed.site / "newsarchive" / "static" / "style.css"
    saved = base.read_bytes(), style.read_bytes()
    try:
        base.write_text(saved[0].decode("utf-8").replace("</body>", "<p>new version</p>\n</body>", 1),
                        encoding="utf-8")
        with style.open("a") as file:
            file.write("/* new version */\n")
        installed.run("build", cwd=archive)
        installed.run("build", "--output", "clean", cwd=archive)
    finally:
        base.write_bytes(saved[0])
        style.write_bytes(saved[1])
    assert differing(archive / "_site", archive / "clean") == set()
    assert "<p>new version</p>" in (archive / "_site" / "index.html").read_text(encoding="utf-8")
    assert (archive / "_site" / "static" / "style.css").read_text().endswith("/* new version */\n")
