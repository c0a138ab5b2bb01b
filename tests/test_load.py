"""load: articles and registries are validated, and each problem names file, line and field."""

import os

import pytest

from conftest import minimal_front, run_build, run_cli, write_article
from newsarchive.load import load_archive


def _errors(project):
    archive, problems = load_archive(project / "articles", project)
    return archive, [p for p in problems if p.severity == "error"]


def test_the_archive_loads_cleanly(project):
    archive, problems = load_archive(project / "articles", project)
    assert problems == []
    assert len(archive.articles) == 5


def test_a_valid_extra_article_loads(project):
    write_article(project, "extra", minimal_front("extra"))
    archive, errors = _errors(project)
    assert errors == [] and len(archive.articles) == 6


def test_malformed_front_matter_names_file_and_line(project):
    write_article(project, "broken", minimal_front("broken") + "\npeople: [unclosed\n")
    result = run_build(project)
    assert result.code == 1
    assert "articles/broken.md:" in result.err and "malformed YAML" in result.err
    assert "nothing was published" in result.err
    assert not (project / "_site").exists()


def test_unknown_actor_id_suggests_the_right_one(project):
    path = write_article(project, "typo", minimal_front("typo", people="[khalifa-hafter]"))
    result = run_build(project)
    assert result.code == 1
    line = path.read_text().splitlines().index("people: [khalifa-hafter]") + 1
    assert f"articles/typo.md:{line}: error: field 'people': unknown actor id 'khalifa-hafter'" in result.err
    assert "did you mean 'khalifa-haftar'?" in result.err


def test_duplicate_slug_names_both_files(project):
    write_article(project, "first", minimal_front("first", slug="same-slug"))
    write_article(project, "second", minimal_front("second", slug="same-slug"))
    result = run_build(project)
    assert result.code == 1
    assert "articles/second.md:" in result.err
    assert "duplicate slug 'same-slug'" in result.err and "articles/first.md" in result.err


@pytest.mark.parametrize("field, value, message", [
    ("title", "2024", "field 'title': expected text"),
    ("publisher", "NO", "field 'publisher': expected a source id"),
    ("publisher", "sputnk", "did you mean 'sputnik'?"),
    ("date", "2018-13-01", "field 'date'"),
    ("date", "'2018-02-30'", "field 'date': invalid date"),
    ("date", "2999-01-01", "is in the future"),
    ("date", "'\uff12\uff10\uff11\uff17-05-01'", "field 'date': invalid date"),  # full-width digits
    ("date_precision", "week", "field 'date_precision': expected one of"),
    ("date_precision", "month", "does not match the date"),
    ("url", "not-an-address", "field 'url'"),
    ("capture", "captures/missing.txt", "capture file is missing"),
    ("capture", "../config.yaml", "capture must be a file under captures/"),
    ("slug", "'../escape'", "does not give a valid slug"),
    ("slug", "'a%2fb'", "does not give a valid slug"),
])
def test_bad_field_values(project, field, value, message):
    write_article(project, "bad", minimal_front("bad", **{field: value}))
    archive, errors = _errors(project)
    assert archive is None
    text = "\n".join(e.format() for e in errors)
    assert message in text
    assert all(e.path == "articles/bad.md" for e in errors)
    assert all(e.line for e in errors)


def test_missing_required_field(project):
    write_article(project, "nodate", minimal_front("nodate", date_evidence=None))
    _, errors = _errors(project)
    assert [(e.field, e.message) for e in errors] == [("date_evidence", "missing required field")]


def test_all_errors_are_collected(project):
    write_article(project, "one", minimal_front("one", publisher="nowhere"))
    write_article(project, "two", minimal_front("two", people="[nobody]"))
    _, errors = _errors(project)
    assert {e.path for e in errors} == {"articles/one.md", "articles/two.md"}


def test_claim_quote_must_occur_in_the_body(project):
    claims = ("\nclaims:\n  - id: c\n    speaker: khalifa-haftar\n    stance: asserts\n"
              "    statement: s\n    quote: words that are not there")
    write_article(project, "q", minimal_front("q") + claims)
    _, errors = _errors(project)
    assert errors[0].field == "claims[0].quote" and "does not occur" in errors[0].message


def test_capture_not_utf8_and_empty(project):
    write_article(project, "latin", minimal_front("latin"))
    (project / "articles" / "captures" / "latin.txt").write_bytes(b"caf\xe9\n")
    write_article(project, "empty", minimal_front("empty"), capture_text="  \n")
    _, errors = _errors(project)
    text = "\n".join(e.format() for e in errors)
    assert "not UTF-8" in text and "is empty" in text


def test_symlinked_article_is_not_followed(project, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: x\n---\nbody\n", encoding="utf-8")
    os.symlink(outside, project / "articles" / "linked.md")
    _, errors = _errors(project)
    assert any("symbolic link" in e.message and e.path == "articles/linked.md" for e in errors)


def test_unknown_field_is_a_warning_and_strict_makes_it_fail(project):
    write_article(project, "extra", minimal_front("extra", auther="someone"))
    archive, problems = load_archive(project / "articles", project)
    assert archive is not None
    assert [p.severity for p in problems] == ["warning"]
    assert run_build(project).code == 0
    assert run_build(project, "--strict").code == 1


def test_two_actors_whose_names_slug_the_same(project):
    with open(project / "articles" / "actors.yaml", "a", encoding="utf-8") as registry:
        registry.write("\nkhalifa-haftar-2:\n  name: Khalifa  HAFTAR\n  role: r\n  description: d\n")
    _, errors = _errors(project)
    assert any("same slug" in e.message and e.path == "articles/actors.yaml" for e in errors)


JOSE_CAPTURE = """Port board raises fees by a third

The port board voted on Tuesday to raise fees for container ships by a third from May, the first increase \
in eleven years, its chairman Jos\u00e9 N\u00fa\u00f1ez said.

"We have held the fees for eleven years while our costs doubled," Jos\u00e9 N\u00fa\u00f1ez told reporters \
after the vote.
"""


def test_an_accented_name_gets_one_slug_from_add_to_the_actor_page(project, tmp_path):
    capture = tmp_path / "port.txt"
    capture.write_text(JOSE_CAPTURE, encoding="utf-8")
    added = run_cli(["--config", str(project / "config.yaml"), "add", str(capture),
                     "--url", "https://portnews.example/2023/04/12/port-board-raises-fees"])
    assert added.code == 0, added.err
    assert run_build(project).code == 0
    page = project / "_site" / "actors" / "jose-nunez" / "index.html"
    assert "Jos\u00e9 N\u00fa\u00f1ez" in page.read_text(encoding="utf-8")
    # The same rule tells that an unaccented spelling of the name is the same person.
    with open(project / "articles" / "actors.yaml", "a", encoding="utf-8") as registry:
        registry.write("\njose-nunez-2:\n  name: Jose Nunez\n  role: r\n  description: d\n")
    _, errors = _errors(project)
    assert any("gives the same slug as actor 'jose-nunez'" in e.message for e in errors)


def test_duplicate_actor_id_in_registry(project):
    with open(project / "articles" / "actors.yaml", "a", encoding="utf-8") as registry:
        registry.write("\nlev-dengov:\n  name: Someone\n  role: r\n  description: d\n")
    _, errors = _errors(project)
    assert any("duplicate key 'lev-dengov'" in e.message for e in errors)


def test_yaml_boolean_gets_a_hint(project):
    write_article(project, "no", minimal_front("no", publisher="NO"))
    _, errors = _errors(project)
    assert errors[0].field == "publisher" and "got False" in errors[0].message
    assert "put the value in quotes" in errors[0].hint


@pytest.mark.parametrize("slug", ["'a\\\\b'", '"a\\0b"', "'..'", "'a/b'", "'%2e%2e'"])
def test_slugs_that_could_escape_the_output(project, slug):
    write_article(project, "esc", minimal_front("esc", slug=slug))
    _, errors = _errors(project)
    assert errors and errors[0].field == "slug" and "valid slug" in errors[0].message


def test_over_large_files_are_refused(project):
    big = "x" * 2_100_000
    write_article(project, "huge", minimal_front("huge"), capture_text=big)
    (project / "articles" / "bloat.md").write_text("---\ntitle: x\n---\n" + big, encoding="utf-8")
    _, errors = _errors(project)
    text = "\n".join(e.format() for e in errors)
    assert "articles/bloat.md: error: article file is 2,100,017 bytes" in text
    assert "capture file is 2,100,000 bytes" in text


def test_yaml_tags_and_alias_bombs_in_front_matter(project, tmp_path):
    marker = tmp_path / "ran"
    write_article(project, "tag", minimal_front("tag", title=f"!!python/object/apply:os.system ['touch {marker}']"))
    bomb = "\n".join([minimal_front("bomb"), 'x0: &x0 ["a","a","a","a","a","a","a","a","a","a"]'] +
                     [f"x{n}: &x{n} [" + ",".join([f"*x{n - 1}"] * 10) + "]" for n in range(1, 8)])
    write_article(project, "bomb", bomb)
    result = run_build(project)
    assert result.code == 1 and not marker.exists()
    assert "articles/tag.md:" in result.err and "is not allowed" in result.err
    assert "articles/bomb.md:" in result.err and "expands to more than" in result.err


def test_capture_symlink_outside_the_project_is_not_followed(project, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Some body text.\n", encoding="utf-8")
    write_article(project, "linked", minimal_front("linked"))
    capture = project / "articles" / "captures" / "linked.txt"
    capture.unlink()
    os.symlink(secret, capture)
    _, errors = _errors(project)
    assert any("leading outside the project" in e.message for e in errors)


def test_symlink_inside_the_project_is_followed(project):
    write_article(project, "inside", minimal_front("inside"))
    capture = project / "articles" / "captures" / "inside.txt"
    real = project / "articles" / "captures" / "real.txt"
    capture.rename(real)
    os.symlink(real, capture)
    archive, errors = _errors(project)
    assert errors == []


def test_template_symlink_outside_the_project_fails_the_build(project, tmp_path):
    outside = tmp_path / "evil.html"
    outside.write_text("{{ 1 }}", encoding="utf-8")
    os.symlink(outside, project / "templates" / "evil.html")
    result = run_build(project)
    assert result.code == 1 and "templates/evil.html" in result.err and "not followed" in result.err


def test_bad_config_is_reported_by_the_build(project):
    (project / "config.yaml").write_text("title: [\n", encoding="utf-8")
    result = run_build(project)
    assert result.code == 1 and "config.yaml:" in result.err and "malformed YAML" in result.err


def test_parsing_in_workers_gives_what_parsing_in_order_gives(project):
    from newsarchive.load import load_archive

    config = project / "articles"
    in_order, problems_in_order = load_archive(config, project, workers=1)
    in_workers, problems_in_workers = load_archive(config, project, workers=2, parallel_min=1)
    assert in_order is not None and in_workers == in_order and problems_in_workers == problems_in_order
    # A broken article among them is reported the same way, in the same place.
    (config / "zz-broken.md").write_text("---\ntitle: [unclosed\n---\n\nText.\n", encoding="utf-8")
    _, expected = load_archive(config, project, workers=1)
    _, found = load_archive(config, project, workers=2, parallel_min=1)
    assert found == expected and any("zz-broken.md" in str(p) for p in found)


def test_the_article_files_are_those_the_inputs_listing_found_as_a_scan_of_the_folder_finds_them(tmp_path):
    from newsarchive import quickcheck
    from newsarchive.load import archive as loading

    folder = tmp_path / "articles"
    (folder / "folder.md").mkdir(parents=True)
    for name in ("b.md", "a.md", "notes.txt", ".draft.md"):
        (folder / name).write_text("x", encoding="utf-8")
    (folder / "linked.md").symlink_to(folder / "a.md")
    (folder / ".linked-draft.md").symlink_to(folder / "a.md")
    (folder / "dangling.md").symlink_to(tmp_path / "gone.md")
    scanned = loading._article_files(folder)
    assert scanned == [(".draft.md", False), (".linked-draft.md", True), ("a.md", False), ("b.md", False),
                       ("dangling.md", True), ("folder.md", False), ("linked.md", True)]
    listed = quickcheck.input_listing([folder], [])
    assert loading._article_files(folder, listed) == scanned
    assert listed.entries(tmp_path / "elsewhere", ".md") is None  # a folder not listed: scanned instead
