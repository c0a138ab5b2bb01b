"""Incremental builds: after any sequence of changes, the site equals a clean build, byte for byte.

The property test applies random sequences of changes to a copy of the archive (add, edit,
rename and delete articles; edit, add, rename and delete people; rename and delete outlets;
edit templates, static files and config),
rebuilds incrementally after each, and compares the output with a full build of the same
archive made from nothing in another folder.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import marshal
import os
import pickle
import random
import re
import shutil
import tempfile
import time
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import PROJECT, SEED_SLUGS, made_paths, minimal_front, run_build, search_postings, write_article
from newsarchive import buildstate, digests, pipeline, quickcheck, render, search, sitemodel, statefile, urls
from newsarchive.config import load_config
from newsarchive.model import Article

WORDS = ("arms", "talks", "Moscow", "Tripoli", "Benghazi", "embargo", "visit", "minister", "army", "deal",
         "statement", "council", "border", "oil", "ceasefire", "envoy")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def search_answers(site: Path) -> tuple[dict, dict]:
    """What the site's search index answers, read as the search page reads it: each word's
    pages (with the word's count there) and each filter value's pages, the large index's
    documents listed in recent.json left out and the small index's added."""
    recent = json.loads((site / search.RECENT_LIST).read_text(encoding="utf-8"))
    indexes = [(search.BASE, json.loads((site / search.BASE / "index.json").read_text(encoding="utf-8")),
                set(recent["hidden"]))]
    if recent["recent"]:
        indexes.append((search.RECENT, recent["recent"], set()))
    words: dict[str, set] = {}
    filters: dict[tuple[str, str], set] = {}
    for folder, manifest, hidden in indexes:
        def read(name):
            return json.loads((site / folder / name).read_text(encoding="utf-8"))

        def postings(text):
            return [(doc, count) for doc, count in search_postings(text) if doc not in hidden]

        urls = {number: read(f"docs/{number}.json")["url"] for number in range(manifest["documents"])}
        for number, first in enumerate(manifest["words"]):
            chunk = read(f"words/{number}.json")
            assert chunk["words"][0] == first  # the search page finds a word's file by the first words
            for word, text in zip(chunk["words"], chunk["postings"]):
                words.setdefault(word, set()).update((urls[doc], count) for doc, count in postings(text))
        for name, values in read("filters.json").items():
            for value, _, k in values:
                filters.setdefault((name, value), set()).update(urls[doc] for doc, _ in postings(read(f"filters/{k}.json")))
    return ({word: pages for word, pages in words.items() if pages},
            {key: pages for key, pages in filters.items() if pages})


def _without_search_index(files: dict[str, bytes]) -> dict[str, bytes]:
    """A site's files without its search index's, in the manifest of the site's files too."""
    def index_file(path: str) -> bool:
        return path.startswith("search/") and path != "search/index.html"

    kept = {path: content for path, content in files.items() if not index_file(path)}
    manifest = json.loads(kept[".newsarchive-manifest.json"])
    manifest["files"] = [path for path in manifest["files"] if not index_file(path)]
    kept[".newsarchive-manifest.json"] = manifest
    return kept


def copy_project(source: Path, target: Path) -> None:
    target.mkdir(parents=True)
    for name in ("articles", "templates", "static"):
        shutil.copytree(source / name, target / name)
    shutil.copy(source / "config.yaml", target / "config.yaml")


def clean_build(project: Path, scratch: Path) -> dict[str, bytes]:
    if scratch.exists():
        shutil.rmtree(scratch)
    copy_project(project, scratch)
    result = run_build(scratch, "--full")
    assert result.code == 0, result.err
    return snapshot(scratch / "_site")


# --- the changes ------------------------------------------------------------------------------

def _added(project: Path) -> list[Path]:
    return sorted((project / "articles").glob("extra-*.md"))


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
    return " ".join(words).capitalize() + "."


def _ids(project: Path, registry: str) -> list[str]:
    text = (project / "articles" / registry).read_text(encoding="utf-8")
    return re.findall(r"^([a-z0-9-]+):$", text, re.MULTILINE)


def _front_matters(project: Path):
    """Each article file with its front matter and the rest."""
    for path in sorted((project / "articles").glob("*.md")):
        _, front, rest = path.read_text(encoding="utf-8").split("---\n", 2)
        yield path, front, rest


def add_article(project: Path, rng: random.Random) -> None:
    slug = f"extra-{rng.randrange(10 ** 6)}"
    if (project / "articles" / f"{slug}.md").exists():
        return
    paragraphs = [" ".join(_sentence(rng) for _ in range(3)) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.5:  # copy a seed's paragraphs: a reprint the detector should find
        seed = (project / "articles" / f"{SEED_SLUGS['001']}.md").read_text(encoding="utf-8")
        body = seed.split("\n---\n", 1)[1].strip().split("\n\n")
        paragraphs += body[1:6]
    date = rng.choice(["2017-03-04", "2018-02-21", "2016-12", ""])
    people = rng.sample(_ids(project, "actors.yaml"), 2)
    precision = {"": "unknown", "2016-12": "month"}.get(date, "day")
    quote = paragraphs[0].split(".")[0] + "."
    front = (f"title: Extra article {slug}\nurl: https://www.libyanexpress.com/{slug}/\n"
             f"capture: captures/{slug}.txt\ndate: {date}\ndate_precision: {precision}\ndate_evidence: test\n"
             f"publisher: {rng.choice(_ids(project, 'sources.yaml'))}\n"
             f"people: [{', '.join(people)}]\n"
             f"claims:\n  - id: {rng.choice(['haftar-asked-russia-for-arms', 'extra-claim'])}\n"
             f"    speaker: {people[0]}\n    stance: asserts\n    statement: Something was said.\n"
             f"    quote: \"{quote}\"\n")
    body = "\n\n".join(paragraphs) + "\n"
    write_article(project, slug, front, body=body, capture_text=body)


def edit_body(project: Path, rng: random.Random) -> None:
    paths = _added(project) or sorted((project / "articles").glob("*.md"))
    path = rng.choice(paths)
    # A new last paragraph: claims quote earlier sentences, which must stay as they are.
    with open(path, "a", encoding="utf-8") as article:
        article.write(f"\n{_sentence(rng)}\n")


def edit_copied_text(project: Path, rng: random.Random) -> None:
    """Copy another article's paragraphs to the end of an article's text, or take those copied
    out again: the article's reprint relations change, its fields do not."""
    path = rng.choice(_added(project) or sorted((project / "articles").glob("*.md")))
    sources = [slug for slug in SEED_SLUGS.values() if slug != path.stem]
    seed = (project / "articles" / f"{rng.choice(sources)}.md").read_text(encoding="utf-8")
    copied = "\n" + "\n\n".join(seed.split("\n---\n", 1)[1].strip().split("\n\n")[1:5]) + "\n"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(copied, "") if copied in text else text + copied, encoding="utf-8")


def edit_title(project: Path, rng: random.Random) -> None:
    path = rng.choice(sorted((project / "articles").glob("*.md")))
    lines = path.read_text(encoding="utf-8").split("\n")
    lines = [f"title: \"Retitled {rng.randrange(1000)}\"" if line.startswith("title:") else line for line in lines]
    path.write_text("\n".join(lines), encoding="utf-8")


def rename_article(project: Path, rng: random.Random) -> None:
    if _added(project):
        path = rng.choice(_added(project))
        path.rename(path.with_name(f"extra-{rng.randrange(10 ** 6)}.md"))


def delete_article(project: Path, rng: random.Random) -> None:
    if _added(project):
        path = rng.choice(_added(project))
        path.unlink()


def edit_actor(project: Path, rng: random.Random) -> None:
    path = project / "articles" / "actors.yaml"
    text = path.read_text(encoding="utf-8")
    actor = rng.choice(_ids(project, "actors.yaml"))
    start = text.index(f"\n{actor}:\n")
    role = text.index("  role:", start)
    end = text.index("\n", role)
    path.write_text(text[:role] + f"  role: Role number {rng.randrange(1000)}" + text[end:], encoding="utf-8")


def add_actor(project: Path, rng: random.Random) -> None:
    number = rng.randrange(1000)
    with open(project / "articles" / "actors.yaml", "a", encoding="utf-8") as registry:
        registry.write(f"\nextra-person-{number}-{rng.randrange(10 ** 6)}:\n  name: Extra Person {number}\n"
                       "  role: Spokesman\n  affiliation: Nobody\n  description: Added by a test.\n")


def _rename_in_registry(project: Path, registry: str, old: str, new: str) -> None:
    path = project / "articles" / registry
    path.write_text(path.read_text(encoding="utf-8").replace(f"\n{old}:\n", f"\n{new}:\n"), encoding="utf-8")


def _rename(project: Path, registry: str, rng: random.Random) -> None:
    """Give a person or outlet a new id, in its registry and in every article naming it."""
    old = rng.choice(_ids(project, registry))
    new = f"{old.split('-r-')[0]}-r-{rng.randrange(1000)}"
    if new in _ids(project, registry):
        return
    _rename_in_registry(project, registry, old, new)
    for path, front, rest in _front_matters(project):
        renamed = re.sub(rf"(?<![\w./-]){re.escape(old)}(?![\w./-])", new, front)
        if renamed != front:
            path.write_text("---\n" + renamed + "---\n" + rest, encoding="utf-8")


def _delete_unnamed(project: Path, registry: str, rng: random.Random) -> None:
    """Delete a person or outlet that no article names."""
    fronts = "".join(front for _, front, _ in _front_matters(project))
    unnamed = [i for i in _ids(project, registry) if not re.search(rf"(?<![\w./-]){re.escape(i)}(?![\w./-])",
                                                                  fronts)]
    if unnamed:
        path = project / "articles" / registry
        text = path.read_text(encoding="utf-8")
        start = text.index(f"\n{rng.choice(unnamed)}:\n") + 1
        end = text.find("\n\n", start)
        path.write_text(text[:start] + (text[end + 2:] if end >= 0 else ""), encoding="utf-8")


def rename_actor(project: Path, rng: random.Random) -> None:
    _rename(project, "actors.yaml", rng)


def rename_source(project: Path, rng: random.Random) -> None:
    _rename(project, "sources.yaml", rng)


def delete_actor(project: Path, rng: random.Random) -> None:
    _delete_unnamed(project, "actors.yaml", rng)


def delete_source(project: Path, rng: random.Random) -> None:
    _delete_unnamed(project, "sources.yaml", rng)


def edit_template(project: Path, rng: random.Random) -> None:
    name = rng.choice(["base.html", "article.html", "actor.html", "macros.html", "source.html", "index.html"])
    with open(project / "templates" / name, "a", encoding="utf-8") as template:
        template.write(f"{{# edited {rng.randrange(1000)} #}}<!-- edit {rng.randrange(1000)} -->\n")


def edit_static(project: Path, rng: random.Random) -> None:
    with open(project / "static" / "style.css", "a", encoding="utf-8") as style:
        style.write(f"/* edit {rng.randrange(1000)} */\n")


def edit_config(project: Path, rng: random.Random) -> None:
    path = project / "config.yaml"
    lines = [line for line in path.read_text(encoding="utf-8").split("\n") if not line.startswith("title:")]
    path.write_text(f"title: Archive {rng.randrange(1000)}\n" + "\n".join(lines), encoding="utf-8")


def nothing(project: Path, rng: random.Random) -> None:
    pass


CHANGES = [add_article, edit_body, edit_copied_text, edit_title, rename_article, delete_article, edit_actor, add_actor,
           rename_actor, delete_actor, rename_source, delete_source, edit_template, edit_static, edit_config,
           nothing]


@settings(max_examples=int(os.environ.get("INCREMENTAL_EXAMPLES", "8")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # each example builds twice a step: no shrinking
@given(changes=st.lists(st.sampled_from(CHANGES), min_size=1, max_size=6), seed=st.integers(0, 2 ** 32),
       parallel=st.booleans(), warm=st.booleans(), large=st.booleans())
def test_incremental_build_equals_clean_build(changes, seed, parallel, warm, large):
    rng = random.Random(seed)
    # Half the examples are laid out as a large archive's site: a small search index of the
    # changed pages, as archives past search.WHOLE_MAX pages keep, merged past RECENT_MAX (their
    # search files differ from a clean build's between merges, and what they answer must not),
    # the sitemap in parts, as sites past render.SITEMAP_PART pages have, and the lists of
    # people's and outlets' articles in parts, as lists past sitemodel.LIST_SIZE are.
    with tempfile.TemporaryDirectory() as scratch, \
            mock.patch.object(search, "WHOLE_MAX", 0 if large else search.WHOLE_MAX), \
            mock.patch.object(search, "RECENT_MAX", 3 if large else search.RECENT_MAX), \
            mock.patch.object(render, "SITEMAP_PART", 8 if large else render.SITEMAP_PART), \
            mock.patch.object(sitemodel, "LIST_SIZE", 2 if large else sitemodel.LIST_SIZE):
        project = Path(scratch) / "project"
        copy_project(PROJECT, project)
        assert run_build(project).code == 0
        # Half the examples make their pages in worker processes, however few there are; half
        # build as `serve` does, the state of each build kept in memory for the next.
        parallel_min = 5 if parallel else 10 ** 9
        # Those also hear which files changed, as serve's watcher tells them.
        memory = pipeline.BuildMemory() if warm else None
        for change in changes:
            files = _input_files(project)
            change(project, rng)
            report = pipeline.build(load_config(project / "config.yaml"), workers=2, parallel_min=parallel_min,
                                    memory=memory, changed=_changed_files(files, _input_files(project)) if warm
                                    else None)
            assert not report.missed_changes
            built, clean = snapshot(project / "_site"), clean_build(project, Path(scratch) / "reference")
            if large:
                assert search_answers(project / "_site") == search_answers(Path(scratch) / "reference" / "_site"), \
                    f"after {[c.__name__ for c in changes]}"
                built, clean = (_without_search_index(files) for files in (built, clean))
            assert built == clean, f"after {[c.__name__ for c in changes]}"


def _input_files(project: Path) -> dict[str, tuple]:
    """Every input file (what serve watches) by absolute path: its stat and content."""
    files = [project / "config.yaml", *(path for folder in ("articles", "templates", "static")
                                        for path in (project / folder).rglob("*") if path.is_file())]
    return {str(path.resolve()): (path.stat().st_mtime_ns, path.read_bytes()) for path in files}


def _changed_files(before: dict, after: dict) -> frozenset[str]:
    """What a watcher reports between two listings: files added, removed or written."""
    return frozenset(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def test_an_added_article_rewrites_one_part_of_a_large_sitemap(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "SITEMAP_PART", 8)
    project = tmp_path / "project"
    copy_project(PROJECT, project)
    assert run_build(project).code == 0
    before = snapshot(project / "_site")
    add_article(project, random.Random(7))
    assert run_build(project).code == 0
    after = snapshot(project / "_site")
    parts = sorted(path for path in after if path.startswith("sitemaps/"))
    assert len(parts) >= 2 and parts == sorted(path for path in before if path.startswith("sitemaps/"))
    assert len([path for path in parts if before[path] != after[path]]) == 1
    assert after == clean_build(project, tmp_path / "reference")


# --- a process that builds again keeps the state in memory ----------------------------------

def _edit(project: Path, code: str, words: str) -> None:
    with open(project / "articles" / f"{SEED_SLUGS[code]}.md", "a", encoding="utf-8") as article:
        article.write(f"\n{words}\n")


def _counting_reads(monkeypatch) -> dict[str, int]:
    """Count the reads of the state and of the reprint caches from disk."""
    from newsarchive import fpcache

    counts = {"state": 0, "fingerprints": 0, "index": 0}
    for module, name, part in ((buildstate, "read", "state"), (fpcache, "load", "fingerprints"),
                               (fpcache, "load_index", "index")):
        def counted(*args, _real=getattr(module, name), _part=part):
            counts[_part] += 1
            return _real(*args)
        monkeypatch.setattr(module, name, counted)
    return counts


def test_a_build_that_remembers_reads_nothing_back_and_shows_the_site_first(project, built, tmp_path,
                                                                            monkeypatch):
    config = load_config(project / "config.yaml")
    memory = pipeline.BuildMemory()
    _edit(project, "004", "A first new paragraph.")
    pipeline.build(config, memory=memory)
    counts = _counting_reads(monkeypatch)
    state_path = pipeline.state_files(config)[0]
    shown = []
    _edit(project, "004", "A second new paragraph.")
    report = pipeline.build(config, memory=memory,
                            published=lambda: shown.append((state_path.stat().st_mtime_ns,
                                                            "second new" in (built / "articles" / SEED_SLUGS["004"]
                                                                             / "index.html").read_text())))
    assert report.made > 0 and counts == {"state": 0, "fingerprints": 0, "index": 0}
    # When the browser is told to reload, the page is new and the state not yet written.
    assert shown == [(shown[0][0], True)] and state_path.stat().st_mtime_ns != shown[0][0]
    assert snapshot(built) == clean_build(project, tmp_path / "reference")


def test_a_one_off_build_lets_go_of_the_reprint_caches_before_making_pages(project, monkeypatch):
    """Nothing waits to be shown the site: the caches are written, and their fingerprints
    and index freed, before the pages are made (a full build's memory at 100,000 articles)."""
    import gc
    import weakref

    from newsarchive import fpcache, render, reprints

    config = load_config(project / "config.yaml")
    index_file = config.cache_dir / fpcache.INDEX_FILE
    held, seen = [], []
    real_update, real_render = reprints.update, render.render

    def update(*args, **kwargs):
        found = real_update(*args, **kwargs)
        if not isinstance(found, str):
            held.append(weakref.ref(found[1]))
        return found

    def detect_indexed(*args, _real=reprints.detect_indexed, **kwargs):
        found = _real(*args, **kwargs)
        held.append(weakref.ref(found[1]))
        return found

    def render_pages(*args, **kwargs):
        gc.collect()
        seen.append((index_file.exists(), [ref() is None for ref in held]))
        return real_render(*args, **kwargs)

    monkeypatch.setattr(reprints, "update", update)
    monkeypatch.setattr(reprints, "detect_indexed", detect_indexed)
    monkeypatch.setattr(render, "render", render_pages)
    pipeline.build(config)
    assert seen == [(True, [True])]
    # A process that builds again keeps them, and shows the site first.
    index_file.unlink()
    seen.clear()
    pipeline.build(config, memory=pipeline.BuildMemory(), full=True)
    assert seen == [(False, [True, False])]
    assert index_file.exists()


def test_a_one_off_first_build_lets_go_of_the_site_before_writing_its_state(project, monkeypatch):
    """Where a first build's memory peaks (its state written), the Site and the lists kept
    for a next build are gone; a process that builds again keeps them for its next build."""
    import gc
    import weakref

    config = load_config(project / "config.yaml")
    made, alive = [], []
    real_build_site, real_write = sitemodel.build_site, buildstate.write

    def build_site(*args, **kwargs):
        site = real_build_site(*args, **kwargs)
        made.append(weakref.ref(site))
        return site

    def write(*args, **kwargs):
        gc.collect()
        alive.append(made[-1]() is not None)
        return real_write(*args, **kwargs)

    monkeypatch.setattr(sitemodel, "build_site", build_site)
    monkeypatch.setattr(buildstate, "write", write)
    pipeline.build(config)
    assert alive == [False]
    pipeline.build(config, memory=pipeline.BuildMemory(), full=True)
    assert alive == [False, True]


def test_a_build_told_what_changed_lists_nothing_else_and_checks_once_the_site_is_shown(project, built, tmp_path,
                                                                                      monkeypatch):
    config = load_config(project / "config.yaml")
    memory = pipeline.BuildMemory()
    pipeline.build(config, memory=memory)
    article = project / "articles" / f"{SEED_SLUGS['004']}.md"
    _edit(project, "004", "A paragraph the watcher saw.")
    listings, shown = [], []
    real_listing = quickcheck.input_listing
    monkeypatch.setattr(quickcheck, "input_listing", lambda *a: listings.append(len(shown)) or real_listing(*a))
    report = pipeline.build(config, memory=memory, changed=frozenset({str(article)}),
                            published=lambda: shown.append(True))
    # No input was listed before the site was shown; once, after, to check the watcher's word.
    assert listings == [1] and not report.missed_changes and report.made > 0
    assert snapshot(built) == clean_build(project, tmp_path / "reference")


def test_a_build_told_of_articles_added_and_deleted_reads_no_folder(project, built, tmp_path, monkeypatch):
    """The article files of a build told what changed are the last listing's, with the names
    the watcher gave put in or taken out: no folder is read before the site is shown."""
    from conftest import minimal_front
    from newsarchive.load import archive as loading

    config = load_config(project / "config.yaml")
    memory = pipeline.BuildMemory()
    pipeline.build(config, memory=memory)
    scanned, real = [], loading._article_files
    monkeypatch.setattr(loading, "_article_files", lambda folder, listed=None: scanned.append(
        listed is None or listed.entries(folder, ".md") is None) or real(folder, listed))
    added = write_article(project, "told-of", minimal_front("told-of", date="2019-03-04"))
    told = frozenset({str(added), str(project / "articles" / "captures" / "told-of.txt")})  # and its capture
    report = pipeline.build(config, memory=memory, changed=told)
    assert scanned == [False] and not report.missed_changes and (built / "articles" / "told-of").is_dir()
    assert snapshot(built) == clean_build(project, tmp_path / "reference-added")
    for path in told:
        os.unlink(path)
    scanned.clear()
    report = pipeline.build(config, memory=memory, changed=told)
    assert scanned == [False] and not report.missed_changes and not (built / "articles" / "told-of").exists()
    assert snapshot(built) == clean_build(project, tmp_path / "reference-deleted")


def test_changes_the_watcher_did_not_report_are_found_and_built_next(project, built, tmp_path):
    config = load_config(project / "config.yaml")
    memory = pipeline.BuildMemory()
    pipeline.build(config, memory=memory)
    told = project / "articles" / f"{SEED_SLUGS['004']}.md"
    _edit(project, "004", "A paragraph the watcher saw.")
    _edit(project, "001", "A paragraph it missed.")
    report = pipeline.build(config, memory=memory, changed=frozenset({str(told)}))
    assert report.missed_changes
    # The next build is not told: it lists every file, as a one-off build does.
    again = pipeline.build(config, memory=memory)
    assert not again.missed_changes and again.made > 0
    assert snapshot(built) == clean_build(project, tmp_path / "reference")


def test_an_output_changed_by_hand_while_serving_is_found_and_restored(project, built, tmp_path):
    config = load_config(project / "config.yaml")
    memory = pipeline.BuildMemory()
    pipeline.build(config, memory=memory)
    (built / "actors" / "khalifa-haftar" / "index.html").unlink()
    _edit(project, "004", "A paragraph the watcher saw.")
    report = pipeline.build(config, memory=memory,
                            changed=frozenset({str(project / "articles" / f"{SEED_SLUGS['004']}.md")}))
    assert report.missed_changes
    pipeline.build(config, memory=memory)
    assert snapshot(built) == clean_build(project, tmp_path / "reference")


def test_a_folder_among_the_changes_makes_the_build_list_every_file(project, built, tmp_path, monkeypatch):
    """A folder moved in is reported as the folder alone: its files are found by listing."""
    config = load_config(project / "config.yaml")
    memory = pipeline.BuildMemory()
    pipeline.build(config, memory=memory)
    (project / "static" / "extra").mkdir()
    (project / "static" / "extra" / "note.txt").write_text("a file in a new folder\n", encoding="utf-8")
    report = pipeline.build(config, memory=memory, changed=frozenset({str(project / "static" / "extra")}))
    assert not report.missed_changes and (built / "static" / "extra" / "note.txt").is_file()
    assert snapshot(built) == clean_build(project, tmp_path / "reference")


def test_memory_is_not_trusted_after_another_process_built(project, built, tmp_path, monkeypatch):
    from newsarchive import fpcache

    config = load_config(project / "config.yaml")
    memory = pipeline.BuildMemory()
    pipeline.build(config, memory=memory, full=True)
    _edit(project, "004", "Edited while serve ran.")
    assert run_build(project).code == 0  # another process: its state is not the one remembered
    _edit(project, "002", "Edited again.")
    counts = _counting_reads(monkeypatch)
    pipeline.build(config, memory=memory)
    # The other process rewrote the state; it left the reprint caches as they were (fpcache.
    # REWRITE_AFTER), so the ones in memory, which it did not change, still hold.
    assert counts == {"state": 1, "fingerprints": 0, "index": 0}
    assert snapshot(built) == clean_build(project, tmp_path / "reference")
    _edit(project, "003", "Edited once more.")
    with mock.patch.object(fpcache, "REWRITE_AFTER", 1):
        assert run_build(project).code == 0  # this one rewrites them
    _edit(project, "002", "And again.")
    before = dict(counts)
    pipeline.build(config, memory=memory)
    assert {part: counts[part] - before[part] for part in counts} == {"state": 1, "fingerprints": 1, "index": 1}
    assert snapshot(built) == clean_build(project, tmp_path / "reference")


def test_what_the_last_build_left_can_be_read_into_memory_before_a_change(project, built, tmp_path,
                                                                          monkeypatch):
    config = load_config(project / "config.yaml")
    memory = pipeline.BuildMemory()
    memory.load(config)  # as serve does while it waits for the first change
    _edit(project, "004", "The first change serve sees.")
    counts = _counting_reads(monkeypatch)
    assert pipeline.build(config, memory=memory).made > 0
    assert counts == {"state": 0, "fingerprints": 0, "index": 0}
    assert snapshot(built) == clean_build(project, tmp_path / "reference")


def test_values_are_kept_for_the_same_records_only():
    from newsarchive.memo import SameRecords

    made = []
    lengths = SameRecords(lambda record: made.append(record) or len(record))
    first, second = ("a", "bb"), ("c",)
    assert lengths.all([first, second]) == [2, 1] and made == [first, second]
    equal_but_new = tuple(list(first))
    assert lengths.all([second, equal_but_new]) == [1, 2] and made == [first, second, equal_but_new]
    assert lengths.all([first]) == [2] and made[-1] is first  # dropped when a call left it out


def test_a_failed_build_leaves_nothing_in_memory(project, built, tmp_path, monkeypatch):
    from newsarchive.model import BuildError

    config = load_config(project / "config.yaml")
    memory = pipeline.BuildMemory()
    pipeline.build(config, memory=memory, full=True)
    broken = project / "articles" / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    with pytest.raises(BuildError):
        pipeline.build(config, memory=memory)
    broken.unlink()
    _edit(project, "004", "After the failure.")
    counts = _counting_reads(monkeypatch)
    pipeline.build(config, memory=memory)
    assert counts["state"] == 1
    assert snapshot(built) == clean_build(project, tmp_path / "reference")


def test_an_edited_lead_paragraph_remakes_the_feeds_that_quote_it(project, built):
    slug = SEED_SLUGS["004"]
    path = project / "articles" / f"{slug}.md"
    front, body = path.read_text(encoding="utf-8").rsplit("\n---\n", 1)
    heading, rest = body.lstrip("\n").split("\n", 1)
    path.write_text(f"{front}\n---\n\n{heading}\n\nA new first paragraph, quoted by the feeds.\n{rest}",
                    encoding="utf-8")
    assert run_build(project).code == 0
    for feed in ("feed.xml", "sources/uawire/feed.xml", "actors/vladimir-putin/feed.xml"):
        assert "A new first paragraph, quoted by the feeds." in (built / feed).read_text(encoding="utf-8"), feed


# --- the cache is checked, never trusted ------------------------------------------------------

def test_unchanged_archive_makes_nothing(project, built):
    result = run_build(project)
    assert result.code == 0
    assert " 0 made," in result.out and " 0 written, 0 removed" in result.out


def test_one_edit_makes_only_the_pages_that_show_it(project, built):
    def mtimes():
        return {p.relative_to(built).as_posix(): p.stat().st_mtime_ns for p in built.rglob("*") if p.is_file()}

    before = mtimes()
    slug = SEED_SLUGS["004"]
    with open(project / "articles" / f"{slug}.md", "a", encoding="utf-8") as article:
        article.write("\nA new last paragraph.\n")
    result = run_build(project)
    assert result.code == 0
    changed = {path for path, mtime in mtimes().items() if before.get(path) != mtime}
    # The text shows on the article's page and in its JSON file, and the search index holds it; the
    # lists of articles (home, people, outlets, dates, feeds) show only titles and dates.
    assert {f"articles/{slug}/index.html", f"articles/{slug}/index.json"} <= changed
    # (The site's file list is the same: the search files keep their names.)
    assert {path for path in changed if not path.startswith("search/")} == {
        f"articles/{slug}/index.html", f"articles/{slug}/index.json"}


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "foreign", "empty"])
def test_damaged_state_is_detected_and_rebuilt(project, built, tmp_path, damage):
    state = next((project / ".cache").glob(f"*-{pipeline.STATE_FILE}"))
    data = state.read_bytes()
    damaged = {"truncated": data[: len(data) // 2],
               "flipped byte": data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],
               "foreign": b"not a state file",
               "empty": b""}[damage]
    state.write_bytes(damaged)
    # A page edited behind the generator's back is made again too.
    (built / "index.html").write_text("tampered", encoding="utf-8")
    result = run_build(project)
    assert result.code == 0, result.err
    assert "building everything" in result.err
    assert snapshot(built) == clean_build(project, tmp_path / "reference")


@pytest.mark.parametrize("damage", ["row bytes", "row removed", "foreign", "gone"])
def test_damaged_parsed_rows_are_detected_and_rebuilt(project, built, tmp_path, damage):
    import sqlite3

    rows = next((project / ".cache").glob(f"*-{pipeline.STATE_FILE}.parsed.sqlite"))
    if damage in ("foreign", "gone"):
        rows.write_bytes(b"not a database") if damage == "foreign" else rows.unlink()
    else:
        with sqlite3.connect(rows) as connection:
            if damage == "row bytes":  # one byte of a block of parsed articles, its checksum left as it was
                block, packed = connection.execute("SELECT block, packed FROM parsed_blocks LIMIT 1").fetchone()
                connection.execute("UPDATE parsed_blocks SET packed = ? WHERE block = ?",
                                   (packed[:-5] + bytes([packed[-5] ^ 1]) + packed[-4:], block))
            else:  # a whole block of them
                connection.execute("DELETE FROM parsed_blocks WHERE block IN (SELECT block FROM parsed_blocks LIMIT 1)")
        connection.close()
    (built / "index.html").write_text("tampered", encoding="utf-8")  # past the quick check
    result = run_build(project)
    assert result.code == 0, result.err
    # A missing block is no damage: its articles are parsed again.
    assert ("building everything" in result.err) == (damage != "row removed")
    assert snapshot(built) == clean_build(project, tmp_path / "reference")
    again = run_build(project)
    assert again.code == 0 and "building everything" not in again.err


@pytest.mark.parametrize("table, what", [("texts", "the text of"), ("folded", "the fields of")])
def test_a_damaged_text_or_fields_row_is_detected_when_read_and_rebuilt(project, built, tmp_path, table, what):
    import sqlite3

    rows = next((project / ".cache").glob(f"*-{pipeline.STATE_FILE}.parsed.sqlite"))
    with sqlite3.connect(rows) as connection:  # one byte of one article's row, its checksum left as it was
        path, packed = connection.execute(f"SELECT path, packed FROM {table} LIMIT 1").fetchone()
        connection.execute(f"UPDATE {table} SET packed = ? WHERE path = ?",
                           (packed[:-5] + bytes([packed[-5] ^ 1]) + packed[-4:], path))
    connection.close()
    with open(project / "templates" / "base.html", "a", encoding="utf-8") as template:
        template.write("\n")  # every page made again: every text and every field read
    result = run_build(project)
    assert result.code == 0, result.err
    assert "building everything" in result.err and what in result.err
    assert snapshot(built) == clean_build(project, tmp_path / "reference")


def test_rows_asked_for_by_the_many_are_read_a_window_at_a_time_and_still_checked(project, built, tmp_path,
                                                                                   monkeypatch):
    import sqlite3

    # After one row asked for alone, two at a time: the five seed articles' texts and fields
    # are read in windows when every page is made again.
    monkeypatch.setattr(buildstate._ArticleRows, "WINDOW_AFTER", 1)
    monkeypatch.setattr(buildstate._ArticleRows, "WINDOW", 2)
    queries = []
    real_connect = sqlite3.connect

    def connect(*args, **kwargs):
        connection = real_connect(*args, **kwargs)
        connection.set_trace_callback(queries.append)
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect)
    config = load_config(project / "config.yaml")
    template = project / "templates" / "base.html"
    with open(template, "a", encoding="utf-8") as file:
        file.write("\n")  # every page made again: every text and every field read
    report = pipeline.build(config)
    assert not any("building everything" in note for note in report.notes)
    assert any("LIMIT" in query and "FROM folded" in query for query in queries)
    assert any("LIMIT" in query and "FROM texts" in query for query in queries)
    assert snapshot(built) == clean_build(project, tmp_path / "reference")
    # A damaged row read in a window is found as one read alone is.
    rows = next((project / ".cache").glob(f"*-{pipeline.STATE_FILE}.parsed.sqlite"))
    with real_connect(rows) as connection:
        path, packed = connection.execute("SELECT path, packed FROM folded ORDER BY path DESC LIMIT 1").fetchone()
        connection.execute("UPDATE folded SET packed = ? WHERE path = ?",
                           (packed[:-5] + bytes([packed[-5] ^ 1]) + packed[-4:], path))
    connection.close()
    with open(template, "a", encoding="utf-8") as file:
        file.write("\n")
    report = pipeline.build(config)
    assert any("building everything" in note and "the fields of" in note for note in report.notes)
    assert snapshot(built) == clean_build(project, tmp_path / "reference2")


def test_rows_asked_for_across_the_table_go_back_to_one_at_a_time(tmp_path, monkeypatch):
    """Windows read while they serve the rows asked for next: asked for in order, a hundred rows
    take a few queries; asked for one in ten, a window serves two of its twenty, so the rows are
    read alone again, until as many as before a first window were (a window of 1,024 rows for
    each row was 0.17 s of an edit at 100,000 articles)."""
    import sqlite3

    database = tmp_path / "rows.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE folded (path TEXT PRIMARY KEY, key BLOB, checksum BLOB, packed BLOB)")
        packed = {f"a{n:03}": pickle.dumps((f"fields {n}".encode(), None)) for n in range(100)}
        connection.executemany("INSERT INTO folded VALUES (?, ?, ?, ?)", [
            (path, b"k", digests.checksum(data), data) for path, data in packed.items()])
    connection.close()
    monkeypatch.setattr(buildstate._ArticleRows, "WINDOW_AFTER", 2)
    monkeypatch.setattr(buildstate._ArticleRows, "WINDOW", 20)
    monkeypatch.setattr(buildstate._ArticleRows, "WINDOW_PAYS", 4)  # a window pays serving 5 of its 20
    queries, real_connect = [], sqlite3.connect

    def connect(*args, **kwargs):
        found = real_connect(*args, **kwargs)
        found.set_trace_callback(queries.append)
        return found
    monkeypatch.setattr(sqlite3, "connect", connect)
    for step in (1, 10):
        rows = buildstate._ArticleRows(database)
        queries.clear()
        for n in range(0, 100, step):
            assert rows.folded(f"a{n:03}", b"k") == pickle.loads(packed[f"a{n:03}"])
        rows.close()
        kinds = "".join("W" if "LIMIT" in query else "1" for query in queries)
        # In order: two alone, then five windows; one in ten: never a window after one.
        assert kinds == ("11WWWWW" if step == 1 else "11W11W11"), kinds


@pytest.mark.parametrize("damage", ["output row", "value row", "readers row"])
def test_damaged_output_rows_are_detected_and_rebuilt(project, built, tmp_path, damage):
    import sqlite3

    rows = next((project / ".cache").glob(f"*-{pipeline.STATE_FILE}.parsed.sqlite"))
    slug = SEED_SLUGS["004"]
    with sqlite3.connect(rows) as connection:
        if damage == "output row":  # one byte of the block of outputs holding the home page's record
            (packed,) = connection.execute("SELECT packed FROM outputs WHERE block = 0").fetchone()
            at = packed.index(b"index.html") + len(b"index.html") + 8
            connection.execute("UPDATE outputs SET packed = ? WHERE block = 0",
                               (packed[:at] + bytes([packed[at] ^ 1]) + packed[at + 1:],))
        elif damage == "value row":  # the digest of the config as the pages read it
            connection.execute("UPDATE reads SET digest = zeroblob(16) WHERE key = 'config'")
        else:  # the pages that read the text edited below
            (n,) = connection.execute("SELECT n FROM reads WHERE key = ?", (f"text\x1f{slug}",)).fetchone()
            connection.execute("UPDATE readers SET outputs = zeroblob(4) WHERE n = ?", (n,))
    connection.close()
    with open(project / "articles" / f"{slug}.md", "a", encoding="utf-8") as article:
        article.write("\nA new last paragraph.\n")
    result = run_build(project)
    assert result.code == 0, result.err
    assert "building everything" in result.err
    assert snapshot(built) == clean_build(project, tmp_path / "reference")
    again = run_build(project)
    assert again.code == 0 and "building everything" not in again.err


def test_what_a_rebuild_reads_of_the_last_build_is_set_apart_from_the_collector_until_it_ends(project, built,
                                                                                            monkeypatch):
    import gc

    seen, real_render = [], render.render
    monkeypatch.setattr(render, "render", lambda *a, **k: seen.append(gc.get_freeze_count()) or real_render(*a, **k))
    with open(project / "articles" / f"{SEED_SLUGS['004']}.md", "a", encoding="utf-8") as article:
        article.write("\nOne more paragraph.\n")
    frozen_before = gc.get_freeze_count()
    pipeline.build(load_config(project / "config.yaml"))
    # The state's objects were frozen (young collections walk them no more), and given back.
    assert seen and seen[0] > frozen_before + 1000
    assert gc.get_freeze_count() == frozen_before == 0


def test_a_rebuild_rewrites_only_the_parsed_rows_that_changed(project, built, monkeypatch):
    import marshal
    import sqlite3

    rows = next((project / ".cache").glob(f"*-{pipeline.STATE_FILE}.parsed.sqlite"))

    def blocks():  # block -> (its bytes, the files whose entries it holds)
        with sqlite3.connect(rows) as connection:
            found = {block: (packed, {entry[0] for entry in marshal.loads(packed)}) for block, packed in
                     connection.execute("SELECT block, packed FROM parsed_blocks")}
        connection.close()
        return found

    def text_row_ids():
        with sqlite3.connect(rows) as connection:
            found = dict(connection.execute("SELECT path, rowid FROM texts"))
        connection.close()
        return found

    before, texts_before = blocks(), text_row_ids()
    path = project / "articles" / f"{SEED_SLUGS['004']}.md"
    with open(path, "a", encoding="utf-8") as article:
        article.write("\nOne more paragraph.\n")
    written, real_block_row = [], buildstate._block_row
    monkeypatch.setattr(buildstate, "_block_row", lambda block, *rest: written.append(block) or real_block_row(block, *rest))
    assert run_build(project).code == 0
    after, texts_after = blocks(), text_row_ids()
    assert written == [block for block, (_, files) in after.items() if str(path) in files]
    assert set().union(*(files for _, files in after.values())) == set().union(*(files for _, files in before.values()))
    assert str(path) in set().union(*(files for _, files in before.values()))
    # Only the block holding the edited article is written again, and its text's row.
    assert {block for block in after if after[block][0] != before[block][0]} == \
        {block for block, (_, files) in after.items() if str(path) in files}
    # INSERT OR REPLACE gives a replaced row a new rowid: only the edited article's changed.
    assert {key for key in texts_after if texts_after[key] != texts_before[key]} == {str(path)}


def test_output_edited_behind_our_back_is_restored(project, built, tmp_path):
    (built / "index.html").write_text("tampered", encoding="utf-8")
    (built / "actors" / "khalifa-haftar" / "index.html").unlink()
    result = run_build(project)
    assert result.code == 0, result.err
    assert snapshot(built) == clean_build(project, tmp_path / "reference")


def test_outputs_checked_in_a_process_of_their_own_find_what_changed_by_hand(project, built, tmp_path,
                                                                          monkeypatch):
    # Large sites have their outputs checked by a forked process while the inputs are listed.
    monkeypatch.setattr(quickcheck, "CHECK_APART_MIN", 1)
    forks = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    result = run_build(project)
    assert " 0 made," in result.out and forks == [1]
    (built / "index.html").write_text("tampered", encoding="utf-8")
    (built / "actors" / "khalifa-haftar" / "index.html").unlink()
    result = run_build(project)
    assert result.code == 0, result.err
    assert " 0 made," not in result.out and forks == [1, 1]
    assert snapshot(built) == clean_build(project, tmp_path / "reference")
    # An edit: the outputs found unchanged by that process are kept, the edited article's remade.
    before = {p: p.stat().st_mtime_ns for p in built.rglob("*.html")}
    slug = SEED_SLUGS["004"]
    with open(project / "articles" / f"{slug}.md", "a", encoding="utf-8") as article:
        article.write("\nA new last paragraph.\n")
    assert run_build(project).code == 0
    assert {p.relative_to(built).as_posix() for p, mtime in before.items() if p.stat().st_mtime_ns != mtime} \
        == {f"articles/{slug}/index.html"}


def test_the_outputs_missing_or_not_as_written_are_found(tmp_path, monkeypatch):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    for name in ("same.html", "a/resized.html", "a/touched.html", "gone.html"):
        (site / name).write_text("page", encoding="utf-8")
    written = {path: (stat.st_size, stat.st_mtime_ns) for path in ("same.html", "a/resized.html", "a/touched.html",
                                                                  "gone.html") if (stat := (site / path).stat())}
    (site / "a/resized.html").write_text("a longer page", encoding="utf-8")
    os.utime(site / "a/touched.html", ns=(1, 1))
    (site / "gone.html").unlink()
    assert quickcheck.changed_outputs(site, written) == ["a/resized.html", "a/touched.html", "gone.html"]
    # Packed beside no input, half the outputs are checked here while the other process checks the
    # rest; beside many, all of them there.
    packed = [quickcheck.PackedStats.of(written, inputs) for inputs in (0, 10 ** 6)]
    assert [len(marshal.loads(stats.here)) for stats in packed] == [2, 0]
    for apart, stats in itertools.product((1, 10 ** 6), (written, *packed)):
        monkeypatch.setattr(quickcheck, "CHECK_APART_MIN", apart)  # in a forked process, or here
        check = quickcheck.OutputCheck(site, stats, 0, workers=2)
        assert (check._child is not None) == (apart == 1)
        assert check.changed() == {"a/resized.html", "a/touched.html", "gone.html"}
    assert quickcheck.changed_outputs(tmp_path / "no site", written) == list(written)


def test_state_of_other_code_is_not_used(project, built, monkeypatch):
    monkeypatch.setattr(digests, "code_digest", lambda: b"another version of the generator")
    result = run_build(project)
    assert result.code == 0
    assert " 0 made" not in result.out and "search index: 1 of 1 indexes redone" in result.out


def test_same_size_edit_with_old_mtime_is_seen(project, built):
    path = project / "articles" / f"{SEED_SLUGS['004']}.md"
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    assert "Putin" in text
    path.write_text(text.replace("Putin", "PUTIN"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as a tool that keeps mtimes would
    assert run_build(project).code == 0
    assert "PUTIN" in (built / "articles" / SEED_SLUGS["004"] / "index.html").read_text(encoding="utf-8")


# FileDigests takes each file's stat from the listing made at the start of the build, not anew.

def _listing_and_digests(folder: Path, previous: digests.FileDigests | None, previous_time: int):
    stats = quickcheck.input_listing([folder], []).stats
    return stats, digests.FileDigests(previous.now if previous else None, previous_time, stats=stats)


def test_the_listing_names_every_file_of_nested_and_linked_folders_by_its_path(tmp_path):
    (tmp_path / "in" / "captures" / "deep").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    files = ["in/a.md", "in/captures/a.txt", "in/captures/deep/b.txt", "elsewhere/c.txt"]
    for name in files + ["in/.a.md.swp"]:
        (tmp_path / name).write_text(name, encoding="utf-8")
    (tmp_path / "in" / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    folders = [tmp_path / "in", tmp_path / "missing", tmp_path / "in" / "a.md"]
    listing, stats, _ = quickcheck.input_listing(folders, [tmp_path / "elsewhere" / "c.txt"])
    assert sorted(stats) == sorted(str(tmp_path / name) for name in
                                   ["in/a.md", "in/captures/a.txt", "in/captures/deep/b.txt", "in/linked/c.txt",
                                    "elsewhere/c.txt"])
    assert stats[str(tmp_path / "in/captures/deep/b.txt")] == digests.stat_key(os.stat(tmp_path / "in/captures/deep/b.txt"))
    assert quickcheck.input_listing(folders, [tmp_path / "elsewhere" / "c.txt"])[0] == listing
    (tmp_path / "in/captures/deep/b.txt").write_text("changed", encoding="utf-8")
    assert quickcheck.input_listing(folders, [tmp_path / "elsewhere" / "c.txt"])[0] != listing


def test_file_digests_take_the_listings_stats(tmp_path, monkeypatch):
    path = tmp_path / "a.md"
    path.write_text("one", encoding="utf-8")
    old = os.stat(path).st_mtime_ns - 10 * digests.RACY_NS
    os.utime(path, ns=(old, old))
    stats, first = _listing_and_digests(tmp_path, None, 0)
    assert first.of(path) == digests.blake(b"one") and first.now[str(path)][0] == stats[str(path)]
    later = time.time_ns() + 10 * digests.RACY_NS  # the last build was long after the file changed
    _, second = _listing_and_digests(tmp_path, first, later)

    def no_looking(*_args, **_kwargs):
        raise AssertionError("a listed file with an old, unchanged stat was stat-ed or read again")

    monkeypatch.setattr(os, "stat", no_looking)
    monkeypatch.setattr("builtins.open", no_looking)
    assert second.of(str(path)) == digests.blake(b"one")


def test_a_file_changed_during_a_build_is_read_again_next_time(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("one", encoding="utf-8")
    started = time.time_ns()  # a build notes its start, then lists its inputs
    stats, first = _listing_and_digests(tmp_path, None, 0)
    assert first.of(path) == digests.blake(b"one")
    path.write_text("two", encoding="utf-8")  # changed after the build read it
    # Next build: even were the stat the same (a coarse clock, a tool restoring times), the
    # file changed within the racy window before the last build started, so it is read again;
    # and with the stat it has now, it is read again as well.
    assert digests.FileDigests(first.now, started, stats=stats).of(path) == digests.blake(b"two")
    assert _listing_and_digests(tmp_path, first, started)[1].of(path) == digests.blake(b"two")


def test_a_file_is_kept_as_the_last_build_read_it_only_when_its_stat_proves_it(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("one", encoding="utf-8")
    stats, first = _listing_and_digests(tmp_path, None, 0)
    first.of(path)
    # The last build started long after the file changed: the same stat, the same file.
    later = digests.FileDigests(first.now, time.time_ns() + 10 * digests.RACY_NS, stats=stats)
    assert str(path) in later.unchanged() and later.now[str(path)] == first.now[str(path)]
    assert str(tmp_path / "new.md") not in later.unchanged()  # unknown to the last build
    # It started just after the file changed: a change in the same instant keeps the stat.
    assert str(path) not in digests.FileDigests(first.now, time.time_ns(), stats=stats).unchanged()
    # Told by a watcher what changed, a file it did not name is kept even in the racy window.
    told = digests.FileDigests(first.now, time.time_ns(), stats=stats, changed=frozenset({"other.md"}))
    assert str(path) in told.unchanged()
    named = digests.FileDigests(first.now, time.time_ns(), stats=stats, changed=frozenset({str(path)}))
    assert str(path) not in named.unchanged() and str(path) not in named.now
    unlisted = digests.FileDigests(first.now, time.time_ns(), stats={}, changed=frozenset({"other.md"}))
    assert str(path) not in unlisted.unchanged()  # no longer listed, whatever the watcher said
    path.write_text("two!", encoding="utf-8")
    assert str(path) not in _listing_and_digests(tmp_path, first, time.time_ns() + 10 * digests.RACY_NS)[1].unchanged()


def test_a_file_missing_from_the_listing_is_stat_ed(tmp_path):
    stats, files = _listing_and_digests(tmp_path, None, 0)
    path = tmp_path / ".hidden.md"  # the listing leaves out dot files
    path.write_text("one", encoding="utf-8")
    assert str(path) not in stats and files.of(path) == digests.blake(b"one")
    assert files.now[str(path)][0][0] == 3  # its own stat: three bytes
    with pytest.raises(OSError):
        files.of(tmp_path / "gone.md")


def test_source_date_epoch_is_honoured(project, tmp_path, monkeypatch):
    # With no dated article, the feed's <updated> is SOURCE_DATE_EPOCH.
    for path in (project / "articles").glob("*.md"):
        path.unlink()
    write_article(project, "undated", "title: Undated\nurl: https://www.libyanexpress.com/undated/\n"
                  "capture: captures/undated.txt\ndate_precision: unknown\ndate_evidence: none\n"
                  "publisher: libyan-express")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert run_build(project).code == 0
    feed = (project / "_site" / "feed.xml").read_text(encoding="utf-8")
    assert "<updated>2023-11-14T22:13:20Z</updated>" in feed
    first = snapshot(project / "_site")
    assert run_build(project, "--full").code == 0
    assert snapshot(project / "_site") == first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert run_build(project).code == 0
    assert "<updated>2027-01-15T08:00:00Z</updated>" in (project / "_site" / "feed.xml").read_text(encoding="utf-8")


def test_the_racy_files_are_those_modified_or_whose_inode_changed_within_the_window():
    start = 10 ** 18
    since = start - digests.RACY_NS
    stats = {"old": (1, since - 1, since - 1, 1), "modified": (1, since, since - 5, 2),
             "inode changed": (1, since - 9, since + 3, 3), "older": (1, 5, 5, 4)}
    assert quickcheck.racy_files(stats, start) == ["modified", "inode changed"]
    assert quickcheck.racy_files({path: stats[path] for path in ("old", "inode changed")}, start) == ["inode changed"]
    assert quickcheck.racy_files({path: stats[path] for path in ("old", "older")}, start) == []
    assert quickcheck.racy_files({}, start) == []


def test_no_change_after_a_fresh_edit_is_seen_at_once(project, built):
    # The edited file is within the racy window of the build that follows it; the next build
    # still knows it by content and has nothing to do.
    path = project / "articles" / f"{SEED_SLUGS['004']}.md"
    with open(path, "a", encoding="utf-8") as article:
        article.write("\nA fresh paragraph.\n")
    first = run_build(project)
    assert first.code == 0 and " 0 made" not in first.out
    again = run_build(project)
    assert again.code == 0 and " 0 made, 0 written, 0 removed" in again.out
    # A change after that, even within the same second, is seen.
    with open(path, "a", encoding="utf-8") as article:
        article.write("\nAnother paragraph.\n")
    assert "Another paragraph." in (run_build(project), (built / "articles" / SEED_SLUGS["004"] / "index.html")
                                    .read_text(encoding="utf-8"))[1]


def test_outputs_and_what_they_read_come_back_from_the_state(tmp_path):
    from newsarchive.outputrows import ReadIndex, numbers

    SEARCH_STATE = buildstate.SearchIndexState({"a.html": (b"k" * 16, "en_1")}, {})

    def state_of(records, reads, stored_outputs):
        return buildstate.BuildState(code=b"c", time=1, inputs={}, parsed={}, outputs=records, reads=reads,
                                     search=SEARCH_STATE,
                                     output_stats={path: (1, 2) for path in records},
                                     relations={("a", "b"): b"r" * 16}, stored_outputs=stored_outputs)

    reads = ReadIndex()
    digest = {("actor", name): digests.blake(name.encode()) for name in "abcdefgh"}
    records = {f"{name}.html": buildstate.MadeOutput("template:x", reads.numbered([("actor", name), ("config",)],
                                                                                 {**digest, ("config",): b"c" * 16}),
                                                     b"d" * 16, False) for name in "abcdefgh"}
    assert list(numbers(records["c.html"].reads)) == [3, 1]  # numbered as first read: a, config, b, c
    buildstate.write(tmp_path / "state.bin", state_of(records, reads, {}))
    back = buildstate.read(tmp_path / "state.bin", b"c")
    assert back.outputs == records and back.search == SEARCH_STATE
    assert back.output_stats == {path: (1, 2) for path in records} and back.time == 1
    assert back.relations == {("a", "b"): b"r" * 16}
    # A value read changed: its readers are found through the reverse index.
    now = {**digest, ("actor", "c"): b"new" + b"x" * 13, ("config",): b"c" * 16}
    changed = back.reads.changed({("actor", "c"), ("config",), ("actor", "nobody")}, now.get)
    assert back.reads.readers(changed) == {"c.html"}
    assert back.reads.readers(back.reads.changed(None, lambda key: b"z" * 16)) == set(records)
    # Six outputs are gone, one is made again reading something new: the rows follow.
    kept = {path: back.outputs[path] for path in ("h.html",)}
    kept["c.html"] = buildstate.MadeOutput("template:x", back.reads.numbered([("actor", "c"), ("actor", "z")], {
        ("actor", "c"): now[("actor", "c")], ("actor", "z"): b"z" * 16}), b"e" * 16, True)
    buildstate.write(tmp_path / "state.bin", state_of(kept, back.reads, back.stored_outputs))
    again = buildstate.read(tmp_path / "state.bin", b"c")
    assert again.outputs == kept
    assert again.reads.readers(again.reads.changed({("actor", "z")}, lambda key: b"?" * 16)) == {"c.html"}
    assert again.reads.readers(again.reads.changed({("actor", "c")}, now.get)) == set()
    assert buildstate.read(tmp_path / "state.bin", b"other code") is None


def test_a_rebuild_rewrites_only_the_blocks_of_the_outputs_it_made_or_removed(tmp_path, monkeypatch):
    import sqlite3

    from newsarchive import outputrows
    from newsarchive.outputrows import ReadIndex

    monkeypatch.setattr(outputrows, "BLOCK_BITS", 1)  # two outputs a block
    reads = ReadIndex()
    records = {f"{name}.html": buildstate.MadeOutput(f"template:{name}", reads.numbered([("actor", name)], {
        ("actor", name): digests.blake(name.encode())}), digests.blake(name.encode() * 2), name < "d")
        for name in "abcdefg"}
    stats = {path: (len(path), 7) for path in records}
    state = buildstate.BuildState(code=b"c", time=1, inputs={}, parsed={}, outputs=records, reads=reads,
                                  search=None, output_stats=stats)
    path = tmp_path / "state.bin"
    buildstate.write(path, state)

    def blocks():
        with sqlite3.connect(buildstate.rows_path(path)) as connection:
            found = dict(connection.execute("SELECT block, packed FROM outputs"))
        connection.close()
        return found

    before, back = blocks(), buildstate.read(path, b"c")
    assert sorted(before) == [0, 1, 2, 3]  # a.html and b.html in block 0 ... g.html alone in block 3
    assert back.outputs == records and back.output_stats == stats
    assert back.outputs["a.html"].searchable is True and back.outputs["e.html"].searchable is False
    # c.html made again, f.html and g.html gone, h.html new (id 7, beside g's 6): blocks 1 (c, d),
    # 2 (e, f) and 3 (g, then h) rewritten.
    now = {path: record for path, record in back.outputs.items() if path not in ("f.html", "g.html")}
    for name in "ch":
        now[f"{name}.html"] = buildstate.MadeOutput(f"template:{name}", back.reads.numbered([("actor", name)], {
            ("actor", name): b"n" * 16}), b"e" * 16, True)
    buildstate.write(path, dataclasses.replace(back, outputs=now, reads=back.reads,
                                               output_stats={path: stats.get(path, (9, 9)) for path in now}))
    after = blocks()
    assert sorted(after) == [0, 1, 2, 3] and after[0] == before[0]
    assert after[1] != before[1] and after[2] != before[2] and after[3] != before[3]
    assert b"h.html" in after[3] and b"g.html" not in after[3]
    again = buildstate.read(path, b"c")
    assert again.outputs == now and set(again.reads.paths.values()) == set(now)
    assert again.reads.readers(again.reads.changed({("actor", "h"), ("actor", "g")}, lambda key: b"?" * 16)) \
        == {"h.html"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.integers(0, 30), unique=True, max_size=12), min_size=1, max_size=25))
def test_every_value_read_finds_its_readers_in_a_state_written_afresh(tmp_path, reading):
    """The reverse index a first build writes (value -> the outputs reading it), for outputs
    reading any values in any order."""
    from newsarchive.outputrows import ReadIndex

    reads = ReadIndex()
    digest = {("actor", str(n)): digests.blake(str(n).encode()) for n in range(31)}
    records = {f"p{k}.html": buildstate.MadeOutput("template:x", reads.numbered([("actor", str(n)) for n in values],
                                                                                digest), b"d" * 16, False)
               for k, values in enumerate(reading)}
    path = tmp_path / f"state-{len(list(tmp_path.iterdir()))}.bin"
    buildstate.write(path, buildstate.BuildState(code=b"c", time=1, inputs={}, parsed={}, outputs=records,
                                                 reads=reads, search=None,
                                                 output_stats={page: (1, 2) for page in records}))
    back = buildstate.read(path, b"c")
    for n in range(31):
        key = ("actor", str(n))
        changed = back.reads.changed({key}, lambda _: b"new" * 5 + b"!")
        assert back.reads.readers(changed) == {f"p{k}.html" for k, values in enumerate(reading) if n in values}


def test_parsed_articles_come_back_from_the_state_whole(project, built, tmp_path):
    from newsarchive.config import load_config
    from newsarchive.load import load_archive
    from newsarchive.outputrows import ReadIndex

    config = load_config(project / "config.yaml")
    archive, _ = load_archive(config.articles, project, inputs=digests.FileDigests(None, 0), parsed={})
    assert any(len(article.paragraphs) > 1 for article in archive.articles)
    assert any(article.original for article in archive.articles) and any(a.claims for a in archive.articles)

    def round_trip(parsed):
        state = buildstate.BuildState(code=b"c", time=0, inputs={}, parsed=parsed, outputs={},
                                      reads=ReadIndex(), search=None, output_stats={})
        buildstate.write(tmp_path / "state.bin", state)
        return buildstate.read(tmp_path / "state.bin", b"c").parsed

    back = round_trip(archive.parsed)
    assert back.keys() == archive.parsed.keys()
    for key, entry in archive.parsed.items():
        if isinstance(entry, buildstate.ParsedRegistry):
            assert back[key] == entry
            continue
        # The text comes from its own row when first asked for (comparing the articles asks).
        assert isinstance(back[key].article, buildstate.StoredArticle)
        assert (back[key].key, back[key].article, back[key].problems, back[key].digest, back[key].text_key,
                back[key].lead) == (entry.key, entry.article, entry.problems, entry.digest, entry.text_key, entry.lead)
    for key, entry in archive.parsed.items():
        if isinstance(entry, buildstate.ParsedRegistry):
            continue
        # Written again before any line was asked for, the lines are kept as they came.
        again = round_trip({key: back[key]})[key]
        entry.lines.of("title")  # parsed lines are kept as the state keeps them: read them all
        assert all(back[key].lines.of(*path) == line for path, line in entry.lines.items()) and len(entry.lines) > 5
        assert all(again.lines.of(*path) == line for path, line in entry.lines.items())


@dataclasses.dataclass
class _Record:
    code: bytes
    big: dict
    small: dict
    numbers: list


@dataclasses.dataclass
class _PlainRecord(_Record):
    PLAIN_FIELDS = ("big", "small")  # marshalled, in pieces or whole


@pytest.mark.parametrize("kind", [_Record, _PlainRecord])
def test_state_file_round_trip_in_pieces(tmp_path, kind):
    big = {f"k{n}": ((n, n + 1), b"x" * n) for n in range(2 * statefile.PIECE + 7)}
    record = kind(b"c", big, {"a": 1}, list(range(5)))
    path = tmp_path / "state.bin"
    statefile.save(path, record)
    assert statefile.load(path, kind, b"c") == record
    assert statefile.load(path, kind, b"other code") is None
    data = bytearray(path.read_bytes())
    data[-3] ^= 1
    path.write_bytes(bytes(data))
    assert statefile.load(path, kind, b"c") is None


@dataclasses.dataclass
class _LazyRecord(_Record):
    LAZY_FIELDS = ("big", "numbers")  # read back as their pickles, unpickled when asked for


def test_a_lazy_field_is_read_as_its_pickle_and_written_back_as_it_was_read(tmp_path, monkeypatch):
    record = _LazyRecord(b"c", {"a": (1, 2)}, {"b": 3}, [4, 5])
    path, again = tmp_path / "state.bin", tmp_path / "again.bin"
    statefile.save(path, record)
    loaded = statefile.load(path, _LazyRecord, b"c")
    assert isinstance(loaded.big, statefile.Pickled) and loaded.small == {"b": 3}
    assert statefile.unpickled(loaded.big) == {"a": (1, 2)} and statefile.unpickled(loaded.small) == {"b": 3}
    # Saved again, a lazy field not replaced is written as read, unpickled or not, never pickled again.
    monkeypatch.setattr(statefile.pickle, "dumps", lambda *a, **k: pytest.fail("pickled again"))
    statefile.save(again, loaded)
    assert again.read_bytes() == path.read_bytes()
    monkeypatch.undo()
    loaded.numbers = [6]  # replaced: pickled now
    statefile.save(again, loaded)
    assert statefile.unpickled(statefile.load(again, _LazyRecord, b"c").numbers) == [6]
    # Orders that cannot be unpickled are no orders: the Site sorts the articles again.
    assert pipeline._moved_orders(statefile.Pickled(b"not a pickle"), set(), None, None) is None


def test_unchanged_article_naming_a_deleted_one_is_reported_at_its_line(project, built):
    from conftest import minimal_front

    naming = write_article(project, "names-another", minimal_front("names-another", reprint_of="[named-one]"))
    write_article(project, "named-one", minimal_front("named-one"), body="Other text.\n", capture_text="Other text.\n")
    assert run_build(project).code == 0
    (project / "articles" / "named-one.md").unlink()
    (project / "articles" / "captures" / "named-one.txt").unlink()
    # names-another.md comes from the state unchanged: its line numbers too.
    result = run_build(project)
    line = next(n for n, text in enumerate(naming.read_text().splitlines(), 1) if text.startswith("reprint_of"))
    assert result.code != 0 and f"names-another.md:{line}" in result.err and "named-one" in result.err


def test_references_are_checked_again_where_a_change_can_break_them(project, built):
    """A rebuild checks the slugs named by the articles it parses again, and by every article
    once a slug the last build knew is gone (here: given another by an edit); captures shared
    with an unchanged article are found as in a full build."""
    from conftest import minimal_front

    naming = write_article(project, "names-another", minimal_front("names-another", reprint_of="[named-one]"))
    named = write_article(project, "named-one", minimal_front("named-one"), body="Other text.\n",
                          capture_text="Other text.\n")
    crediting = write_article(project, "credits-another", minimal_front(
        "credits-another", original="\n  source: sputnik\n  article: named-one\n  relation: reprint\n  evidence: credited"),
        body="A text of its own.\n", capture_text="A text of its own.\n")
    assert run_build(project).code == 0
    line = next(n for n, text in enumerate(naming.read_text().splitlines(), 1) if text.startswith("reprint_of"))
    credit_line = next(n for n, text in enumerate(crediting.read_text().splitlines(), 1) if "article: named-one" in text)
    # An article added names a slug nobody has.
    write_article(project, "added", minimal_front("added", not_reprint_of="[nobody-has-it]"),
                  body="Third text.\n", capture_text="Third text.\n")
    result = run_build(project)
    assert result.code != 0 and "added.md" in result.err and "'nobody-has-it'" in result.err
    (project / "articles" / "added.md").unlink()
    # The named article's own slug changes: names-another.md, unchanged, now names nothing.
    named.write_text(named.read_text(encoding="utf-8").replace("---\ntitle:", "---\nslug: renamed-one\ntitle:", 1),
                     encoding="utf-8")
    result = run_build(project)
    assert result.code != 0 and f"names-another.md:{line}" in result.err and "'named-one'" in result.err
    assert f"credits-another.md:{credit_line}" in result.err  # unchanged too: its original names it
    named.write_text(named.read_text(encoding="utf-8").replace("slug: renamed-one\n", ""), encoding="utf-8")
    assert run_build(project).code == 0
    # An article added with the capture of an unchanged one (later in file order: reported on it).
    write_article(project, "one-more", minimal_front("one-more", capture="captures/named-one.txt"))
    result = run_build(project)
    assert result.code != 0 and "one-more.md" in result.err and "already belongs to named-one" in result.err


def test_an_added_article_remakes_only_its_own_periods_pages(project, built):
    from conftest import minimal_front

    before = {path: path.stat().st_mtime_ns for path in (built / "archive").rglob("index.html")}
    write_article(project, "a-new-one", minimal_front("a-new-one", date="2017-05-01"))
    result = run_build(project)
    assert result.code == 0, result.err
    remade = sorted(str(path.relative_to(built)) for path in (built / "archive").rglob("index.html")
                    if before.get(path) != path.stat().st_mtime_ns)
    # The archive's own index counts the articles of each period; the year and month list it.
    assert remade == ["archive/2017/05/index.html", "archive/2017/index.html", "archive/index.html"]


def _summaries(feed: Path) -> dict[str, str]:
    import xml.etree.ElementTree as ET
    atom = "{http://www.w3.org/2005/Atom}"
    return {entry.find(f"{atom}id").text: entry.find(f"{atom}summary").text
            for entry in ET.parse(feed).getroot().findall(f"{atom}entry")}


def test_a_feed_shows_each_lead_paragraph_and_is_not_made_again_for_an_edit_below_it(project, built, monkeypatch):
    from newsarchive.load import load_archive

    archive, _ = load_archive(project / "articles", project)
    edited = archive.articles[[a.slug for a in archive.articles].index(SEED_SLUGS["001"])]
    summary = _summaries(built / "feed.xml")[edited.url]
    assert summary.endswith(" " + edited.paragraphs[1]) and len(edited.paragraphs) > 2
    made = made_paths(monkeypatch)
    _edit(project, "001", "A last paragraph added below the lead.")
    assert run_build(project).code == 0
    assert f"articles/{edited.slug}/index.html" in made
    assert not [path for path in made if path.endswith("feed.xml")]
    assert _summaries(built / "feed.xml")[edited.url] == summary


def test_an_archives_own_feed_template_may_still_show_the_paragraphs(project, built, monkeypatch):
    feed = project / "templates" / "feed.xml"
    feed.write_text(feed.read_text(encoding="utf-8").replace(
        "{{ site.lead[article.slug] }}", "{{ article.paragraphs[-1] }}"), encoding="utf-8")
    assert run_build(project).code == 0
    made = made_paths(monkeypatch)
    _edit(project, "001", "A last paragraph shown by the archive's own feed.")
    assert run_build(project).code == 0
    assert "feed.xml" in made  # it showed the text, so its change makes it again
    assert any(summary.endswith("shown by the archive's own feed.") for summary in _summaries(built / "feed.xml").values())


def test_an_article_read_back_from_the_state_digests_as_the_article_it_stands_for(project, built):
    from newsarchive.dependencies import Digester

    config = load_config(project / "config.yaml")
    state = buildstate.read(pipeline.state_files(config)[0], digests.code_digest())
    stored = [entry for entry in state.parsed.values() if isinstance(entry, buildstate.ParsedArticle)]
    assert stored and all(isinstance(entry.article, buildstate.StoredArticle) for entry in stored)
    for entry in stored:
        fresh = Article(**{field.name: getattr(entry.article, field.name) for field in dataclasses.fields(Article)})
        assert type(fresh) is Article and fresh == entry.article
        assert Digester({}).of(entry.article) == Digester({}).of(fresh)


def test_a_relations_digest_moves_with_each_of_its_fields_and_passages():
    from newsarchive.changes import relation_digest
    from newsarchive.model import Passage, Reprint

    passage = Passage(copy_start=1, copy_end=20, original_start=3, original_end=22, words=4)
    relation = Reprint(copy="a", original="b", kind="copy", copy_share=0.5, original_share=0.25,
                       passages=(passage,), basis="overlap")
    other = {str: lambda value: value + "x", int: lambda value: value + 1, float: lambda value: value + 0.001}
    variants = [dataclasses.replace(relation, passages=(dataclasses.replace(passage, **{
        field.name: other[type(getattr(passage, field.name))](getattr(passage, field.name))}),))
        for field in dataclasses.fields(Passage)]
    variants += [dataclasses.replace(relation, **{field.name: other[type(getattr(relation, field.name))](
        getattr(relation, field.name))}) for field in dataclasses.fields(Reprint) if field.name != "passages"]
    variants += [dataclasses.replace(relation, passages=()), dataclasses.replace(relation, passages=(passage, passage))]
    found = {relation_digest(variant) for variant in variants}
    assert relation_digest(dataclasses.replace(relation)) == relation_digest(relation)
    assert len(found) == len(variants) and relation_digest(relation) not in found


def test_an_appearances_digest_moves_with_its_article_its_claim_and_its_mark():
    """A claim's appearance is digested as its article (the parse's digest of its fields), which
    of its claims and whether it is the earliest: any of them changed, the digest changes."""
    from conftest import make_article
    from newsarchive.dependencies import Digester
    from newsarchive.model import Claim
    from newsarchive.sitemodel import Appearance, ArticleInfo

    claims = tuple(Claim(f"claim-{n}", "speaker", "", "asserts", "said", "quoted") for n in range(2))
    info = ArticleInfo.of(make_article("a", "quoted", date="2017-01-01", claims=claims))

    def digest(appearance, article_digest=b"1" * 16):
        return Digester({"a": article_digest}).of(appearance)
    first = Appearance(info.claims[0], info, True)
    assert digest(Appearance(info.claims[0], info, True)) == digest(first)
    others = [digest(Appearance(info.claims[1], info, True)), digest(Appearance(info.claims[0], info, False)),
              digest(first, article_digest=b"2" * 16)]
    assert len({digest(first), *others}) == 4


def test_a_rebuild_lists_no_output_but_those_of_what_came_or_went(project, built, tmp_path, monkeypatch):
    """While what decides which outputs the site has (its shape, relations, people and outlets)
    is the same, a rebuild makes the outputs to make again from their paths alone; an article
    added or deleted lists the outputs of what came or went (its pages, a new month's, the
    sitemap's parts when more or fewer), never all of them, and moves the articles' orders
    kept by the state without sorting them; an output gone from disk makes it list them all.
    Each site is the clean build's, byte for byte."""
    listed, moved, sorted_orders, sitemaps = [], [], [], []
    real, real_moved, real_orders = render._templated, render._moved_outputs, sitemodel.ArchiveOrders.of
    real_sitemap = render._sitemap_of
    monkeypatch.setattr(render, "_templated", lambda site: listed.append(1) or real(site))
    monkeypatch.setattr(render, "_sitemap_of", lambda *a: sitemaps.append(1) or real_sitemap(*a))
    unpickled, real_value = [], statefile.Pickled.value
    monkeypatch.setattr(statefile.Pickled, "value", lambda self: unpickled.append(1) or real_value(self))
    monkeypatch.setattr(render, "_moved_outputs", lambda *a: moved.append(real_moved(*a)) or moved[-1])
    monkeypatch.setattr(sitemodel.ArchiveOrders, "of", lambda listed: sorted_orders.append(1) or real_orders(listed))
    monkeypatch.setattr(render, "SITEMAP_PART", 8)  # the sitemap in parts, more of them as pages come

    def rebuild() -> int:
        listed.clear()
        sorted_orders.clear()
        result = run_build(project)
        assert result.code == 0, result.err
        assert sorted_orders == []  # the orders moved
        times = len(listed)
        assert snapshot(built) == clean_build(project, tmp_path / f"reference-{len(os.listdir(tmp_path))}")
        return times

    assert rebuild() == 0 and (built / "sitemaps").is_dir()  # the sitemap in parts now: those came
    moved.clear()
    sitemaps.clear()
    unpickled.clear()
    _edit(project, "004", "A new paragraph, the outputs as they were.")
    assert rebuild() == 0 and "A new paragraph" in (built / "articles" / SEED_SLUGS["004"] / "index.html").read_text()
    assert moved == [] and sitemaps == []  # nor the sitemap's pages listed
    assert unpickled == []  # nor the orders kept by the state read: written back as they were
    # Every page and the sitemap's parts made again, its pages listed for them (once).
    config = project / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "base_url: https://example.org/archive/\n", encoding="utf-8")
    assert rebuild() == 0 and moved == [] and sitemaps == [1]
    assert all("<loc>https://example.org/archive/" in part.read_text(encoding="utf-8") for part in (built / "sitemaps").iterdir())
    (built / "articles" / SEED_SLUGS["002"] / "index.json").unlink()  # the outputs kept are not all of them
    assert rebuild() == 1 and (built / "articles" / SEED_SLUGS["002"] / "index.json").exists()
    from conftest import minimal_front
    sitemap_parts = len(list((built / "sitemaps").iterdir()))
    for number in range(6):  # a month of its own for the first: its pages come too
        slug = f"added-{number}"
        write_article(project, slug, minimal_front(slug, date=f"2019-0{1 + number % 2}-0{1 + number}"))
        assert rebuild() == 0 and (built / "articles" / slug / "index.html").exists()
        went, came = moved[-1]
        assert went == set() and {urls.article(slug), urls.article_data(slug)} <= {o.path for o in came}
        assert len(came) <= 4  # the article's two, maybe its month's and year's
    assert (built / "archive" / "2019" / "02" / "index.html").exists()
    assert len(list((built / "sitemaps").iterdir())) > sitemap_parts  # more parts: made, listed in the index
    (project / "articles" / "added-1.md").unlink()
    (project / "articles" / "captures" / "added-1.txt").unlink(missing_ok=True)
    assert rebuild() == 0 and not (built / "articles" / "added-1").exists()
    assert moved[-1][0] == {urls.article("added-1"), urls.article_data("added-1")}


def test_every_output_is_made_alike_from_its_path_alone(project, monkeypatch, request):
    """render._output_at makes each output of the list of every output from its path: the same
    recipe and, made, the same bytes (lists in parts among them)."""
    from newsarchive import memo
    from newsarchive.dependencies import BuildFacts, Reads, SiteView

    monkeypatch.setattr(sitemodel, "LIST_SIZE", 1)
    request.addfinalizer(memo.forget_all)  # the lists this process keeps (memo.py) were cut at 1
    sites = []
    real = render._templated
    monkeypatch.setattr(render, "_templated", lambda site: sites.append(site) or real(site))
    config = load_config(project / "config.yaml")
    pipeline.build(config, memory=pipeline.BuildMemory())  # which keeps the texts in memory for this test
    site = sites[0]
    specs, pages, parts = real(site)
    assert any("/parts/" in spec.path for spec in specs) and any(spec.recipe.startswith("data:") for spec in specs)
    env = render.make_environment(list(render.theme.folders(config, "templates")))
    facts = BuildFacts(site_paths=pages, templates=b"", static_files={}, sitemap_parts=parts)
    for spec in specs:
        again = render._output_at(spec.path)
        assert (again.path, again.recipe) == (spec.path, spec.recipe)
        assert again.make(SiteView(site, facts, Reads()), env) == spec.make(SiteView(site, facts, Reads()), env), spec.path
    assert render._output_at("articles/no-such/extra/index.html") is None


def _claims_counted(site: Path, actor: str) -> int:
    """The claims the list of people counts for one person (its last column)."""
    page = (site / "actors" / "index.html").read_text(encoding="utf-8")
    row = re.search(rf'href="[^"]*actors/{actor}/index.html"(.*?)</tr>', page, re.DOTALL).group(1)
    return int(re.findall(r"<td>(\d+)</td>", row)[-1])


def _stored_digest(project: Path, key: tuple) -> bytes | None:
    """The digest the last build stored of a value its outputs read."""
    config = load_config(project / "config.yaml")
    state = buildstate.read(pipeline.state_files(config)[0], digests.code_digest())
    found = state.reads.stored_digests([key]).get(key)
    state.reads.close()
    return found


def _write_claim_of_lavrovs(project: Path, slug: str, date: str, speaker: str) -> None:
    """An article (naming Haftar) that gives Lavrov's claim (first carried on 2016-12-03) to `speaker`."""
    from conftest import minimal_front

    quote = "Haftar must be part of the talks."
    claim = (f"claims:\n  - id: haftar-must-be-in-political-process\n    speaker: {speaker}\n"
             f"    stance: asserts\n    statement: Haftar must take part.\n    quote: {quote}")
    write_article(project, slug, f"{minimal_front(slug, date=date)}\n{claim}", body=quote + "\n",
                  capture_text=quote + "\n")


def test_a_claim_carried_again_looks_at_its_other_speakers_lists_only_when_its_earliest_day_moves(
        project, built, monkeypatch):
    """Lavrov's claim, first carried on 2016-12-03: a later article giving it to Putin makes
    Putin's page again and leaves Lavrov's list of claims alone (not even digested: at 100,000
    articles those lists were 2 s a rebuild); an earlier one giving it to Shoigu moves the
    claim's earliest appearance, which Lavrov's list marks: digested again, and stored as a
    clean build stores it."""
    from newsarchive import changes

    made, affected = made_paths(monkeypatch), []
    monkeypatch.setattr(changes, "affected_keys", lambda *args, _real=changes.affected_keys: affected.append(
        _real(*args)) or affected[-1])
    lavrov = ("claims_by", "sergey-lavrov")
    before = _stored_digest(project, lavrov)
    counted = {speaker: _claims_counted(built, speaker) for speaker in ("vladimir-putin", "sergei-shoigu")}
    for slug, date, speaker, moved in (("later-one", "2017-05-01", "vladimir-putin", False),
                                       ("earlier-one", "2016-01-05", "sergei-shoigu", True)):
        _write_claim_of_lavrovs(project, slug, date, speaker)
        made.clear()
        assert run_build(project).code == 0
        assert {f"actors/{speaker}/index.html", "claims/haftar-must-be-in-political-process/index.html"} <= set(made)
        assert (lavrov in affected[-1]) is moved
        assert _claims_counted(built, speaker) == counted[speaker] + 1  # the list of people counts it
        assert ("actors/sergey-lavrov/index.html" in made) is moved
        assert (_stored_digest(project, lavrov) != before) is moved
    after = _stored_digest(project, lavrov)
    assert run_build(project, "--full").code == 0
    assert _stored_digest(project, lavrov) == after


def test_the_list_of_people_counts_a_claim_given_to_another_speaker(project, built):
    """An edit that changes a claim's speaker alone (the article names the same people) moves the
    claim from one person's count to the other's on the list of people."""
    counted = {speaker: _claims_counted(built, speaker) for speaker in ("vladimir-putin", "mikhail-bogdanov")}
    _write_claim_of_lavrovs(project, "given-on", "2017-05-01", "vladimir-putin")
    assert run_build(project).code == 0
    _write_claim_of_lavrovs(project, "given-on", "2017-05-01", "mikhail-bogdanov")
    assert run_build(project).code == 0
    assert _claims_counted(built, "vladimir-putin") == counted["vladimir-putin"]
    assert _claims_counted(built, "mikhail-bogdanov") == counted["mikhail-bogdanov"] + 1


def test_an_edit_that_moves_a_relation_makes_no_periods_lists(project, built, monkeypatch):
    """The copy's text grows by a paragraph its original does not carry: the relation's shares
    move, and the pages showing it are made again: its outlets' (which read their lists of
    articles), its people's (which read their claims), the home page; no period's list is made
    (each part of the lists is made when a page first reads it: 0.4 s at 100,000 articles)."""
    from newsarchive import memo

    memo.forget_all()
    made = {"owners": 0, "periods": 0}
    for part, maker in (("owners", sitemodel._OWNERS), ("periods", sitemodel._PERIODS)):
        def counted(*args, _real=maker.make, _part=part):
            made[_part] += 1
            return _real(*args)
        monkeypatch.setattr(maker, "make", counted)
    before = json.loads((built / "data" / "reprints.json").read_text(encoding="utf-8"))
    _edit(project, "000", "A paragraph the original does not carry, added to the copy of it alone.")
    assert run_build(project).code == 0
    after = json.loads((built / "data" / "reprints.json").read_text(encoding="utf-8"))
    assert [r["copy_share"] for r in after] != [r["copy_share"] for r in before]  # the relation moved
    assert made == {"owners": 1, "periods": 0}


def test_an_article_gone_has_the_references_to_it_checked_and_no_others(project, built, monkeypatch):
    """A rebuild after a delete checks the references of the articles naming the gone slug, as
    the last builds left them (not as the first build found them), and of no other article."""
    from newsarchive.load import archive as loading

    write_article(project, "extra-a", minimal_front("extra-a"))
    write_article(project, "extra-b", minimal_front("extra-b"))
    write_article(project, "extra-c", minimal_front("extra-c", not_reprint_of="[extra-a]"))
    assert run_build(project).code == 0
    # extra-c now names extra-b instead, in a rebuild: the index of who names whom is moved by it.
    write_article(project, "extra-c", minimal_front("extra-c", not_reprint_of="[extra-b]"))
    assert run_build(project).code == 0
    checked = []
    monkeypatch.setattr(loading, "_check_references",
                        lambda article, *args, _real=loading._check_references: (checked.append(article.slug),
                                                                                 _real(article, *args))[1])
    (project / "articles" / "extra-b.md").unlink()
    result = run_build(project)
    assert result.code != 0
    assert "articles/extra-c.md" in result.err and "not_reprint_of" in result.err
    assert "no archived article has the slug 'extra-b'" in result.err
    assert checked == ["extra-c"]
    # extra-a, named by no article any more, goes without a check of anyone's references.
    write_article(project, "extra-b", minimal_front("extra-b"))
    assert run_build(project).code == 0
    checked.clear()
    (project / "articles" / "extra-a.md").unlink()
    assert run_build(project).code == 0
    assert checked == []
