"""`build.py add` end to end: what it writes, what it refuses, and that the build takes it."""

import hashlib
import io
import contextlib
from pathlib import Path

import pytest

from conftest import SEED_SLUGS, run_build
from newsarchive.cli import main
from newsarchive.load import load_archive

FIXTURES = Path(__file__).parent / "fixtures" / "captures"
URL = "https://cyrenaicatoday.ly/2019/03/05/derna-commanders-reject-russian-mediation/"


def run(project: Path, *args: str):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--config", str(project / "config.yaml"), *args])
    return code, out.getvalue(), err.getvalue()


def snapshot(project: Path) -> dict[str, bytes]:
    return {str(p.relative_to(project)): p.read_bytes()
            for p in sorted((project / "articles").rglob("*")) if p.is_file()}


def test_add_writes_capture_article_and_proposals_then_builds(project):
    before = snapshot(project)
    code, out, err = run(project, "add", str(FIXTURES / "comments.txt"), "--url", URL)
    assert code == 0, err
    after = snapshot(project)
    added = sorted(set(after) - set(before))
    slug = "militia-commanders-in-derna-reject-russian-mediation-offer"
    assert f"articles/{slug}.md" in added
    captures = [name for name in added if name.startswith("articles/captures/")]
    assert len(captures) == 1
    assert after[captures[0]] == (FIXTURES / "comments.txt").read_bytes()
    assert hashlib.sha256(after[captures[0]]).hexdigest()[:16] in captures[0]
    # The registries keep every old byte; new entries are appended with a review line.
    for registry in ("articles/actors.yaml", "articles/sources.yaml"):
        assert after[registry].startswith(before[registry].rstrip(b"\n"))
        assert b"review:" in after[registry][len(before[registry]):]
    # The summary names each field, flags what is uncertain and the new entries.
    for words in ("title", "date", "publisher", "original", "people", "claims", "NEW SOURCE cyrenaica-today",
                  "NEW ACTOR", "! publisher", "2019-03-05 (day)"):
        assert words in out, words
    build = run_build(project)
    assert build.code == 0, build.err
    assert "not yet reviewed" in build.err  # the proposals are warnings until a person checks them
    assert (project / "_site" / "articles" / slug / "index.html").exists()
    assert run_build(project, "--strict").code == 1  # a strict build wants them reviewed


def test_review_line_deleted_means_reviewed(project):
    assert run(project, "add", str(FIXTURES / "no-date.txt"), "--url",
               "https://sabrathavoice.net/interviews/coast-guard-russian-boats")[0] == 0
    for name in ("actors.yaml", "sources.yaml"):
        path = project / "articles" / name
        text = "".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                       if not line.lstrip().startswith("review:"))
        path.write_text(text, encoding="utf-8")
    result = run_build(project, "--strict")
    assert result.code == 0, result.err


def test_dry_run_writes_nothing(project):
    before = snapshot(project)
    code, out, _ = run(project, "add", str(FIXTURES / "chrome-date.txt"), "--dry-run", "--url",
                       "https://fezzanpost.com/news/2019-01/14/southern-tribes-sabha-airport.html")
    assert code == 0
    assert "dry run: nothing was written" in out
    assert "title: Southern tribes ask Moscow to help rebuild Sabha airport" in out  # the file it would write
    assert snapshot(project) == before


def test_same_capture_or_address_twice_changes_nothing(project):
    capture = project / "articles" / "captures" / "000_3820fc1b798e6c9e.txt"
    copy = project / "again.txt"
    copy.write_bytes(capture.read_bytes())
    before = snapshot(project)
    code, out, _ = run(project, "add", str(copy), "--url", "https://elsewhere.example/some-other-page")
    assert code == 0 and "already archived" in out and SEED_SLUGS["000"] in out
    code, out, _ = run(project, "add", str(FIXTURES / "no-date.txt"), "--url",
                       "http://libyanexpress.com/russian-official-haftar-and-tripoli-government-requested-"
                       "arming-by-moscow-haftar-denies")
    assert code == 0 and "address is already archived" in out
    assert snapshot(project) == before
    # Adding a fixture twice: the second time is refused the same way.
    assert run(project, "add", str(FIXTURES / "comments.txt"), "--url", URL)[0] == 0
    once = snapshot(project)
    code, out, _ = run(project, "add", str(FIXTURES / "comments.txt"), "--url", URL + "?ref=home")
    assert code == 0 and "already archived" in out
    assert snapshot(project) == once


def test_the_same_story_from_two_outlets_is_two_articles(project):
    text = (project / "articles" / "captures" / "001_b035ea844ac36d91.txt").read_text(encoding="utf-8")
    mirror = project / "mirror.txt"
    mirror.write_text(text + "\nShared from our partners.\n", encoding="utf-8")
    code, out, err = run(project, "add", str(mirror), "--url",
                         "https://www.mirror-news.example/2018/02/21/libya-prompts-russia/")
    assert code == 0, err
    archive, _ = load_archive(project / "articles", project)
    titles = [a for a in archive.articles if a.title.startswith("Libya Prompts Russia")]
    assert len(titles) == 2 and len({a.slug for a in titles}) == 2
    assert run_build(project).code == 0


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"   \n\n  \t\n", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8"),
    ("caf\u00e9 article".encode("latin-1"), "not UTF-8"),
    (b"text with a NUL\x00 byte in it", "NUL"),
    (b"\x01\x02\x03\x04\x05\x06 binary-ish \x07\x08\x0e\x0f" * 20, "binary"),
])
def test_bad_captures_are_refused_clearly(project, tmp_path, content, message):
    bad = tmp_path / "capture.txt"
    bad.write_bytes(content)
    before = snapshot(project)
    code, out, err = run(project, "add", str(bad), "--url", "https://example.org/a-page")
    assert code == 1
    assert str(bad) in err and message in err and "hint:" in err
    assert "Traceback" not in err + out
    assert snapshot(project) == before


def test_missing_capture_bad_address_and_no_article_text(project, tmp_path):
    code, _, err = run(project, "add", str(tmp_path / "nothing.txt"), "--url", "https://example.org/x")
    assert code == 1 and "missing" in err
    good = FIXTURES / "no-date.txt"
    code, _, err = run(project, "add", str(good), "--url", "not-an-address")
    assert code == 1 and "not a web address" in err and "hint:" in err
    menu = tmp_path / "menu.txt"
    menu.write_text("Home\nNews\nSport\nContact us\n", encoding="utf-8")
    code, _, err = run(project, "add", str(menu), "--url", "https://example.org/menu")
    assert code == 1 and "no article text" in err


def test_a_broken_archive_is_reported_not_added_to(project):
    (project / "articles" / "broken.md").write_text("---\ntitle: [unclosed\n---\ntext\n", encoding="utf-8")
    before = snapshot(project)
    code, _, err = run(project, "add", str(FIXTURES / "no-date.txt"), "--url", "https://example.org/page")
    assert code == 1 and "articles/broken.md" in err and "nothing was added" in err
    assert snapshot(project) == before


def test_build_is_still_the_default_and_accepts_options_after_the_command(project, tmp_path):
    assert run(project)[0] == 0
    code, out, _ = run(project, "build", "--output", str(tmp_path / "elsewhere"))
    assert code == 0 and (tmp_path / "elsewhere" / "index.html").exists()


def test_quality_command_prints_the_table(project):
    code, out, _ = run(project, "quality")
    assert code == 0
    assert "people P/R" in out and "targets" in out
    for slug in SEED_SLUGS.values():
        assert slug[:40] in out


def test_a_capture_saved_into_captures_first_keeps_its_name(project):
    saved = project / "articles" / "captures" / "derna.txt"
    saved.write_bytes((FIXTURES / "comments.txt").read_bytes())
    code, out, err = run(project, "add", str(saved), "--url", URL)
    assert code == 0, err
    article = (project / "articles" / "militia-commanders-in-derna-reject-russian-mediation-offer.md").read_text()
    assert "capture: captures/derna.txt" in article
    assert sorted(p.name for p in (project / "articles" / "captures").iterdir()).count("derna.txt") == 1
    assert len(list((project / "articles" / "captures").iterdir())) == 6


def test_a_sites_furniture_learned_from_its_other_captures_stays_out_of_the_body(project, tmp_path):
    about = ("The Harbour Courier has reported on the city's port, its ships and the people who work "
             "there since 1881, from its office on the old quay.")
    stories = {
        "ferry": ["The ferry to the island will run twice a day from June, the operator said on Monday, after a "
                  "winter of cancelled crossings and angry letters from islanders.",
                  "Tickets will cost the same as last year, the operator added, although fuel prices have "
                  "risen by a fifth since the autumn."],
        "lighthouse": ["The old lighthouse will open to visitors in the summer after ten years of repairs, the "
                       "city's heritage office announced on Tuesday.",
                       "Visitors will be able to climb the 190 steps to the lamp room, which was restored with "
                       "money from a national lottery fund."],
        "tariffs": ["The harbour board voted on Wednesday to raise tariffs for container ships by a third from "
                    "May, the first rise in eleven years.",
                    "Shipping lines had warned that a steep rise would send cargo to the rival port across the "
                    "bay, where fees were cut last spring."],
    }
    for name, paragraphs in stories.items():
        capture = tmp_path / f"{name}.txt"
        capture.write_text("Harbour Courier\n\n" + "\n\n".join(paragraphs) + "\n\n" + about + "\n", encoding="utf-8")
        code, _, err = run(project, "add", str(capture), "--url", f"https://harbourcourier.example/2023/04/{name}")
        assert code == 0, err
    articles = {path.name: path.read_text(encoding="utf-8") for path in (project / "articles").glob("*.md")}
    tariffs = next(text for text in articles.values() if "container ships" in text)
    ferry = next(text for text in articles.values() if "island" in text)
    assert "since 1881" not in tariffs  # printed on the site's two other archived pages
    assert "since 1881" in ferry  # the site's first capture: nothing to learn from yet



def test_a_claim_id_that_reads_as_a_number_stays_text_in_the_front_matter():
    import frontmatter
    from newsarchive import extract as ex
    from newsarchive.compose import compose_article

    capture = (FIXTURES / "comments.txt").read_text(encoding="utf-8")
    result = ex.extract(ex.Page(capture, URL), ex.Registry({}, {}, ()))
    numeric = ex.ClaimDraft("2016", "unnamed", "a harbour official", "asserts", "The deal was signed in 2016.",
                            "In 2016", "a harbour official said; new proposition", False)
    fields = dict(result.fields, claims=ex.Found((numeric,), "one claim", confident=False))
    written = frontmatter.loads(compose_article(ex.Extraction(fields), URL, "005_test.txt"))
    assert written["claims"][0]["id"] == "2016"  # YAML would read a bare 2016 as a number


def test_the_language_of_an_added_article_is_recorded_and_shown(project, tmp_path):
    import json

    capture = tmp_path / "hafen.txt"
    capture.write_text(
        "Hafenrat erh\u00f6ht die Geb\u00fchren um ein Drittel\n\n"
        "Der Hafenrat hat am Dienstag beschlossen, die Geb\u00fchren f\u00fcr Containerschiffe ab Mai um ein Drittel "
        "zu erh\u00f6hen, zum ersten Mal seit elf Jahren.\n\n"
        "Die Reedereien hatten gewarnt, dass eine starke Erh\u00f6hung die Fracht in den Nachbarhafen treiben "
        "werde, wo die Geb\u00fchren im Fr\u00fchjahr gesenkt wurden.\n", encoding="utf-8")
    code, out, err = run(project, "add", str(capture), "--url",
                         "https://hafenkurier.example/2023/04/12/hafenrat-erhoeht-gebuehren")
    assert code == 0, err
    article = next(p for p in (project / "articles").glob("*.md") if "Hafenrat" in p.read_text(encoding="utf-8"))
    assert "\nlanguage: de\n" in article.read_text(encoding="utf-8")
    assert run_build(project).code == 0
    page = project / "_site" / "articles" / article.stem
    assert json.loads((page / "index.json").read_text(encoding="utf-8"))["language"] == "de"
    assert '<h1 lang="de">' in (page / "index.html").read_text(encoding="utf-8")
