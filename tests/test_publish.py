"""publish: refuse dangerous output folders, never delete what we did not write, swap atomically."""

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_build, write_article
from newsarchive import publish
from newsarchive.model import BuildError


def _refusals(output, project):
    sources = [project / "articles", project / "templates", project / "static"]
    return publish.check_output_folder(output.resolve(), project.resolve(), sources, force=False)


@pytest.mark.parametrize("where", [".", "..", "articles", "articles/site", "templates", "static"])
def test_refuses_project_and_content_folders(project, where):
    assert _refusals(project / where, project)


def test_refuses_home_and_root(project):
    assert _refusals(Path.home(), project)
    assert _refusals(Path("/"), project)


def test_sibling_with_common_prefix_is_not_inside(project, tmp_path):
    # "static-site" only shares a string prefix with "static": it is a different folder.
    assert _refusals(project / "static-site", project) == []
    assert _refusals(project / "_site", project) == []


def test_non_empty_foreign_folder_needs_force_and_keeps_its_files(project):
    out = project / "_site"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_build(project)
    assert result.code == 1 and "not empty" in result.err
    assert run_build(project, "--force").code == 0
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "index.html").exists()


def test_user_files_and_dot_folders_survive_rebuilds(built):
    (built / ".git").mkdir()
    (built / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    (built / "CNAME").write_text("example.org", encoding="utf-8")
    assert run_build(built.parent).code == 0
    assert (built / ".git" / "HEAD").read_text(encoding="utf-8") == "ref"
    assert (built / "CNAME").exists()


def test_removed_article_page_is_removed(project, built):
    write_article(project, "extra", "title: Extra\nurl: https://www.uawire.org/extra\ncapture: captures/extra.txt\n"
                  "date_precision: unknown\ndate_evidence: none\npublisher: uawire")
    assert run_build(project).code == 0
    assert (built / "articles" / "extra" / "index.html").exists()
    (project / "articles" / "extra.md").unlink()
    assert run_build(project).code == 0
    assert not (built / "articles" / "extra").exists()


def test_failed_build_leaves_previous_site_untouched(project, built):
    before = {p: p.read_bytes() for p in built.rglob("*") if p.is_file()}
    (project / "articles" / "broken.md").write_text("---\ntitle: [\n---\nx\n", encoding="utf-8")
    assert run_build(project).code == 1
    after = {p: p.read_bytes() for p in built.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in project.glob("._site.*")] in ([], ["._site.lock"])  # no staging debris


def test_ctrl_c_during_a_build_says_so_leaves_the_previous_site_and_the_next_build_finishes(
        project, built, monkeypatch):
    from newsarchive import render

    before = {p: p.read_bytes() for p in built.rglob("*") if p.is_file()}
    write_article(project, "extra", "title: An extra article\nurl: https://www.libyanexpress.com/extra/\n"
                  "capture: captures/extra.txt\ndate_precision: unknown\ndate_evidence: none\n"
                  "publisher: libyan-express",
                  body="An extra article, stopped while its site is made.\n",
                  capture_text="An extra article, stopped while its site is made.\n")

    def pressed_ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(render, "render", pressed_ctrl_c)
        stopped = run_build(project)
    assert stopped.code == 130
    assert "stopped (Ctrl-C) before it finished" in stopped.err and "Traceback" not in stopped.err
    assert {p: p.read_bytes() for p in built.rglob("*") if p.is_file()} == before
    assert [p.name for p in project.glob("._site.*")] in ([], ["._site.lock"])  # no staging debris
    assert run_build(project).code == 0
    assert (built / "articles" / "extra" / "index.html").is_file()


def _publish(files: dict[str, bytes], output: Path) -> None:
    """A whole site put in place as a first build does: staged, then swapped in."""
    stage = publish.FullStage(output)
    for path, content in files.items():
        stage.write(path, content)
    stage.commit(set(files), set(files))


def test_clash_with_a_user_file_keeps_the_old_site(tmp_path):
    out = tmp_path / "out"
    _publish({"index.html": b"v1"}, out)
    (out / "data").mkdir()
    (out / "data" / "mine.json").write_text("{}", encoding="utf-8")
    (out / "about.html").write_text("user page", encoding="utf-8")
    with pytest.raises(BuildError):
        _publish({"index.html": b"v2", "about.html": b"ours"}, out)
    assert (out / "index.html").read_bytes() == b"v1"
    assert (out / "about.html").read_text(encoding="utf-8") == "user page"
    assert (out / "data" / "mine.json").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_debris_of_a_killed_build_is_cleared(tmp_path):
    debris = tmp_path / ".out.staging-99999"
    debris.mkdir()
    (debris / publish.STAGING_MARK).touch()
    (debris / "half.html").write_text("x", encoding="utf-8")
    unrelated = tmp_path / ".out.staging-notes"
    unrelated.mkdir()
    _publish({"index.html": b"v1"}, tmp_path / "out")
    assert not debris.exists()
    assert unrelated.exists()  # not ours: no staging mark


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _edit_an_article(project: Path) -> None:
    article = project / "articles" / "putin-asked-to-intervene-in-libya.md"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "title: Putin asked to intervene in the war in Libya", "title: Putin asked to intervene (edited)"),
        encoding="utf-8")


def _debris(project: Path) -> list[str]:
    return sorted(p.name for p in project.glob("._site.*") if not p.name.endswith(".lock"))


@pytest.mark.parametrize("point", ["writing", "before-swap", "after-swap", "between-renames"])
def test_sigkill_at_any_point_leaves_old_or_new_site_and_next_build_cleans_up(project, built, tmp_path, point):
    (built / ".git").mkdir()
    (built / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (built / "CNAME").write_text("archive.example.org\n", encoding="utf-8")
    old = _snapshot(built)
    _edit_an_article(project)
    reference = tmp_path / "reference"
    assert run_build(project, "--output", str(reference)).code == 0
    new = _snapshot(reference)
    new.update({".git/HEAD": old[".git/HEAD"], "CNAME": old["CNAME"]})
    assert new != old

    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    # --full: the whole new site is written aside and swapped in (incremental builds: below).
    killed = subprocess.run([sys.executable, str(Path(__file__).parent / "killpoint.py"), point,
                             str(project / "config.yaml"), "--full"], env=env, capture_output=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    after_kill = _snapshot(built) if built.exists() else {}
    if point == "between-renames":
        assert after_kill == {}  # the old site is set aside, not lost: the next build restores it
    else:
        assert after_kill in (old, new) or after_kill == {**new, publish.STAGING_MARK: b""}

    assert run_build(project).code == 0
    assert _debris(project) == []
    assert _snapshot(built) == new


@pytest.mark.parametrize("point", ["writing", "patch-renaming"])
def test_sigkill_during_an_incremental_build_leaves_whole_files_and_the_next_build_finishes(
        project, built, tmp_path, point):
    (built / "CNAME").write_text("archive.example.org\n", encoding="utf-8")
    old = _snapshot(built)
    _edit_an_article(project)
    # The expected site, from a copy of the project (its own cache, its own output).
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("articles", "templates", "static"):
        shutil.copytree(project / name, copy / name)
    shutil.copy(project / "config.yaml", copy / "config.yaml")
    assert run_build(copy).code == 0
    new = {**_snapshot(copy / "_site"), "CNAME": old["CNAME"]}

    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    killed = subprocess.run([sys.executable, str(Path(__file__).parent / "killpoint.py"), point,
                             str(project / "config.yaml")], env=env, capture_output=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    after_kill = {path: data for path, data in _snapshot(built).items()
                  if not path.startswith(publish.PATCH_PREFIX) and path != publish.MANIFEST}
    if point == "writing":
        assert after_kill == {p: d for p, d in old.items() if p != publish.MANIFEST}  # nothing was put in place
    else:  # every page is whole: the old one or the new one
        assert after_kill["CNAME"] == old["CNAME"]
        for path, data in after_kill.items():
            assert data in (old.get(path), new.get(path)), path
        assert after_kill != {p: d for p, d in old.items() if p != publish.MANIFEST}

    assert run_build(project).code == 0
    assert _snapshot(built) == new
    assert not list(built.glob(f"{publish.PATCH_PREFIX}*"))


@pytest.mark.parametrize("change", ["full rebuild", "one article edited"])
def test_full_disk_leaves_previous_site(project, built, monkeypatch, change):
    before = _snapshot(built)
    args = ["--full"]
    if change == "one article edited":  # an incremental build: only changed files are written
        args = []
        _edit_an_article(project)
    original, count = Path.write_bytes, [0]

    def write_until_full(self, data):
        count[0] += 1
        if count[0] > 5:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_until_full)
    result = run_build(project, *args)
    monkeypatch.undo()
    assert result.code == 1
    assert "No space left on device" in result.err and "previous site is unchanged" in result.err
    assert "Traceback" not in result.err
    assert _snapshot(built) == before
    assert _debris(project) == []


@pytest.fixture
def small_disk(tmp_path):
    """A real 3 MB file system, where the generator can run out of space for real."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount_point)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield mount_point
    subprocess.run(["umount", str(mount_point)], check=True)


def test_really_full_disk_leaves_previous_site(project, small_disk):
    output = small_disk / "site"
    assert run_build(project, "--output", str(output)).code == 0
    before = _snapshot(output)
    # Grow the archive until the new site and the old one no longer fit side by side.
    body = ("Padding sentence number {n} that makes this article long enough to fill the disk. " * 40)
    for n in range(120):  # (a rebuild writes only the search files that changed: 60 was not enough)
        write_article(project, f"big-{n}", f"title: Big {n}\nurl: https://www.uawire.org/big-{n}\n"
                      f"capture: captures/big-{n}.txt\ndate_precision: unknown\ndate_evidence: none\n"
                      "publisher: uawire", body=body.format(n=n) + "\n", capture_text=body.format(n=n))
    result = run_build(project, "--output", str(output))
    assert result.code == 1, result.out
    assert "No space left on device" in result.err
    assert _snapshot(output) == before
    assert sorted(p.name for p in small_disk.iterdir() if not p.name.endswith(".lock")) == ["site"]


def test_each_manifest_written_lists_its_files_sorted_whatever_the_last_one_listed(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    listed = lambda: json.loads((site / publish.MANIFEST).read_text(encoding="utf-8"))["files"]  # noqa: E731
    sets = [{"b.html", "a/index.html", "z.xml"}, {"b.html", "a/index.html", "z.xml", "a/b.html", "c.html"},
            {"a/b.html", "c.html", "d/e.json"}, {"a/b.html", "c.html", "d/e.json"}, set()]
    for files in sets:  # files that came, went, both, neither; the manifest's list is what sorts them from
        publish._write_manifest(site, set(files))
        assert listed() == sorted(files) and publish.read_manifest(site) == files
    # A manifest whose list is out of order (edited by hand) is no reason to write one out of order.
    (site / publish.MANIFEST).write_text(json.dumps({"generator": "newsarchive", "files": ["z", "b", "a", "b"]}))
    assert publish.read_manifest(site) == {"z", "b", "a"}
    publish._write_manifest(site, {"z", "b", "c"})
    assert listed() == ["b", "c", "z"]


def test_the_manifest_is_read_again_once_replaced(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    publish._write_manifest(site, {"index.html", "a/index.html"})
    first = publish.read_manifest(site)
    assert first == {"index.html", "a/index.html"} and publish.read_manifest(site) is first
    publish._write_manifest(site, {"index.html"})  # a build's commit: a new file renamed into place
    assert publish.read_manifest(site) == {"index.html"}
    (site / publish.MANIFEST).write_text("not json", encoding="utf-8")
    assert publish.read_manifest(site) == set()
    assert publish.read_manifest(tmp_path / "no site") == set()
