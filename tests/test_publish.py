"""publish: refuse dangerous output folders, never delete what we did not write, swap atomically."""

from pathlib import Path

import pytest

from conftest import run_build, write_article
from newsarchive import publish
from newsarchive.model import BuildError, OutputFile


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


def test_clash_with_a_user_file_keeps_the_old_site(tmp_path):
    out = tmp_path / "out"
    publish.publish([OutputFile("index.html", b"v1")], out)
    (out / "data").mkdir()
    (out / "data" / "mine.json").write_text("{}", encoding="utf-8")
    (out / "about.html").write_text("user page", encoding="utf-8")
    with pytest.raises(BuildError):
        publish.publish([OutputFile("index.html", b"v2"), OutputFile("about.html", b"ours")], out)
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
    publish.publish([OutputFile("index.html", b"v1")], tmp_path / "out")
    assert not debris.exists()
    assert unrelated.exists()  # not ours: no staging mark
