"""`init`: a new, empty archive that builds with the package's templates, and an archive's own
templates and static files used file by file over the package's (in this process; the
installed command is tested in test_package.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import PROJECT, run_cli
from newsarchive import theme
from newsarchive.config import load_config
from newsarchive.load import load_archive

CORPUS = PROJECT / "tests" / "corpus"
CAPTURE = "nepal-2015-cbc"  # an English capture of the team's corpus, its address in truth.yaml


def corpus_entry(capture_id: str) -> dict:
    entries = yaml.safe_load((CORPUS / "truth.yaml").read_text(encoding="utf-8"))
    return next(entry for entry in entries if entry["id"] == capture_id)


def site_files(output: Path) -> dict[str, bytes]:
    return {path.relative_to(output).as_posix(): path.read_bytes()
            for path in sorted(output.rglob("*")) if path.is_file()}


def differing(a: Path, b: Path) -> set[str]:
    left, right = site_files(a), site_files(b)
    return {name for name in left.keys() | right.keys() if left.get(name) != right.get(name)}


def init(*args: str):
    return run_cli(["init", *args])


def build(archive: Path, *args: str):
    result = run_cli(["--config", str(archive / "config.yaml"), *args])
    assert result.code == 0, result.err
    return result


def test_init_makes_an_empty_archive_that_builds(tmp_path):
    archive = tmp_path / "derna"
    result = init(str(archive), "--title", "Floods in Derna, 2023")
    assert result.code == 0, result.err
    for name in ("config.yaml", "articles/actors.yaml", "articles/sources.yaml", "README.md", ".gitignore"):
        assert name in result.out and (archive / name).is_file()
    assert (archive / "articles" / "captures").is_dir()
    assert not (archive / "templates").exists() and not (archive / "static").exists()
    assert "newsarchive add" in result.out and "newsarchive build" in result.out and "newsarchive serve" in result.out
    config = load_config(archive / "config.yaml")
    assert config.title == "Floods in Derna, 2023"
    # Every setting is explained in a comment, and the values are the defaults.
    text = (archive / "config.yaml").read_text(encoding="utf-8")
    for setting in ("title", "description", "output", "base_url", "articles", "templates", "static", "cache",
                    "reprint_min_shared_words", "reprint_min_share"):
        assert f"{setting}:" in text
    assert (config.output, config.reprint_min_shared_words, config.reprint_min_share) == (archive / "_site", 40, 0.15)
    # The registries are commented and empty; the archive loads without a problem.
    archived, problems = load_archive(config.articles, config.project)
    assert problems == [] and archived.actors == {} and archived.sources == {} and archived.articles == ()
    assert (archive / "articles" / "actors.yaml").read_text(encoding="utf-8").startswith("#")
    readme = (archive / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Floods in Derna, 2023\n")
    for step in ("newsarchive add", ".txt --url", ".html", ".warc.gz", "newsarchive build", "newsarchive serve",
                 "base_url", "templates/"):
        assert step in readme
    built = build(archive)
    assert "built " in built.out
    home = (archive / "_site" / "index.html").read_text(encoding="utf-8")
    assert "<title>Floods in Derna, 2023" in home or "Floods in Derna, 2023</title>" in home
    assert (archive / "_site" / "static" / "style.css").read_bytes() == (PROJECT / "static" / "style.css").read_bytes()


@pytest.mark.parametrize("title", ["L'affaire « Benalla »: 2018", "yes", "2023", "- a list?", "#1 story",
                                   'He said "no" & left', "Наводнение в Дерне"])
def test_any_title_is_kept_as_written(tmp_path, title):
    assert init(str(tmp_path / "a"), "--title", title).code == 0
    assert load_config(tmp_path / "a" / "config.yaml").title == title


@pytest.mark.parametrize("title", ["", "   ", "a\x07b"])
def test_a_bad_title_is_refused(tmp_path, title):
    result = init(str(tmp_path / "a"), "--title", title)
    assert result.code == 1 and "--title: error:" in result.err and "hint:" in result.err
    assert not (tmp_path / "a").exists()


def test_init_in_the_current_folder(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()  # a folder just made a git repository counts as empty
    monkeypatch.chdir(tmp_path)
    result = init()
    assert result.code == 0, result.err
    assert "cd " not in result.out
    assert load_config(tmp_path / "config.yaml").title == "News archive"


def test_a_folder_that_is_not_empty_is_refused(tmp_path):
    archive = tmp_path / "mine"
    archive.mkdir()
    (archive / "notes.txt").write_text("mine\n")
    result = init(str(archive))
    assert result.code == 1
    assert f"{archive}: error: the folder is not empty: it holds notes.txt" in result.err
    assert "--force" in result.err and "Traceback" not in result.err
    assert sorted(p.name for p in archive.iterdir()) == ["notes.txt"]


def test_force_writes_only_what_is_missing(tmp_path):
    archive = tmp_path / "mine"
    (archive / "articles").mkdir(parents=True)
    (archive / "config.yaml").write_text("title: Mine\n")
    (archive / "articles" / "actors.yaml").write_text("# my people\n")
    result = init(str(archive), "--force", "--title", "Other")
    assert result.code == 0, result.err
    kept = result.out.split("already there, left as they were:")[1].split("\n\n")[0]
    assert "config.yaml" in kept and "articles/actors.yaml" in kept and "README.md" not in kept
    assert (archive / "config.yaml").read_text() == "title: Mine\n"
    assert "--title was not used: config.yaml was already there" in result.err
    assert (archive / "articles" / "actors.yaml").read_text() == "# my people\n"
    assert (archive / "articles" / "sources.yaml").is_file() and (archive / "README.md").is_file()
    again = init(str(archive), "--force")
    assert again.code == 0 and "nothing to do" in again.out


def test_a_file_in_the_way_is_an_error_not_a_traceback(tmp_path):
    (tmp_path / "taken").write_text("x")
    result = init(str(tmp_path / "taken"))
    assert result.code == 1 and "exists and is not a folder" in result.err and "Traceback" not in result.err
    archive = tmp_path / "mine"
    archive.mkdir()
    (archive / "articles").write_text("not a folder")
    result = init(str(archive), "--force")
    assert result.code == 1 and "error:" in result.err and "Traceback" not in result.err
    assert (archive / "articles").read_text() == "not a folder"


def test_with_templates_copies_them_and_builds_the_same_site(tmp_path):
    plain, copied = tmp_path / "plain", tmp_path / "copied"
    assert init(str(plain), "--title", "Same").code == 0
    result = init(str(copied), "--title", "Same", "--with-templates")
    assert result.code == 0, result.err
    for kind in theme.KINDS:
        package = site_files(theme.package_folder(kind))
        assert package and site_files(copied / kind) == package
        assert f"{kind}/ ({len(package)} files)" in result.out
    build(plain)
    build(copied)
    assert differing(plain / "_site", copied / "_site") == set()


def test_commands_need_an_archive(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for argv in ([], ["build"], ["add", "page.txt", "--url", "https://example.org/a"], ["serve"], ["quality"]):
        result = run_cli(argv)
        assert result.code == 1, argv
        assert f"no config file config.yaml in {tmp_path}: this is not an archive's folder" in result.err
        assert "newsarchive init DIR" in result.err
    result = run_cli(["--config", str(tmp_path / "elsewhere.yaml")])
    assert result.code == 1 and f"no config file {tmp_path / 'elsewhere.yaml'}" in result.err
    assert not (tmp_path / "_site").exists()


def test_a_templates_folder_named_in_the_config_must_exist(tmp_path):
    assert init(str(tmp_path / "a")).code == 0
    config = tmp_path / "a" / "config.yaml"
    config.write_text(config.read_text().replace("# templates: templates", "templates: mytheme"))
    result = run_cli(["--config", str(config)])
    assert result.code == 1
    assert "field 'templates': no folder 'mytheme' next to config.yaml" in result.err


@pytest.fixture
def story(tmp_path) -> Path:
    """A new archive holding one capture of the team's corpus, added with `add`."""
    archive = tmp_path / "story"
    assert init(str(archive), "--title", "Nepal, 2015").code == 0
    entry = corpus_entry(CAPTURE)
    added = run_cli(["--config", str(archive / "config.yaml"), "add", str(CORPUS / "captures" / f"{CAPTURE}.txt"),
                     "--url", entry["url"]])
    assert added.code == 0, added.err
    return archive


def test_an_archive_template_replaces_only_that_page_type(story):
    build(story, "--output", str(story / "before"))
    (story / "templates").mkdir()
    mine = (theme.package_folder("templates") / "article.html").read_text(encoding="utf-8")
    mine = mine.replace("{% block main %}\n", '{% block main %}\n<p class="note">Checked by the editors.</p>\n', 1)
    (story / "templates" / "article.html").write_text(mine, encoding="utf-8")
    build(story, "--output", str(story / "after"))
    changed = differing(story / "before", story / "after")
    assert changed and all(name.startswith("articles/") and name.endswith("/index.html") for name in changed)
    (page,) = changed
    assert "Checked by the editors." in (story / "after" / page).read_text(encoding="utf-8")
    # A static file of the archive's own replaces the package's; the others still come from it.
    (story / "static").mkdir()
    (story / "static" / "style.css").write_text("body { color: black; }\n")
    build(story, "--output", str(story / "styled"))
    assert differing(story / "after", story / "styled") == {"static/style.css"}
    assert (story / "styled" / "static" / "search.js").read_bytes() == \
        (theme.package_folder("static") / "search.js").read_bytes()


def test_incremental_build_notices_an_archive_template(story):
    build(story)
    original = (story / "_site" / "robots.txt").read_bytes()
    (story / "templates").mkdir()
    (story / "templates" / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    result = build(story)
    assert " 1 written," in result.out
    assert (story / "_site" / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    build(story, "--output", str(story / "clean"))
    assert differing(story / "_site", story / "clean") == set()
    (story / "templates" / "robots.txt").unlink()
    build(story)
    assert (story / "_site" / "robots.txt").read_bytes() == original


def test_add_makes_the_captures_folder_a_clone_of_an_empty_archive_lacks(tmp_path):
    archive = tmp_path / "cloned"
    assert init(str(archive)).code == 0
    for kept in (archive / "articles" / "captures").iterdir():
        kept.unlink()
    (archive / "articles" / "captures").rmdir()  # git keeps no empty folder
    entry = corpus_entry(CAPTURE)
    added = run_cli(["--config", str(archive / "config.yaml"), "add", str(CORPUS / "captures" / f"{CAPTURE}.txt"),
                     "--url", entry["url"]])
    assert added.code == 0, added.err
    assert len(list((archive / "articles" / "captures").iterdir())) == 1
    build(archive)
