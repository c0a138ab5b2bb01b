"""reprints.update: relations brought up to date after adds, edits and deletes are those a detection
from scratch finds, and a stored index that is damaged or another version's is not used."""

import dataclasses
import os
import random
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import PROJECT, make_article, run_build
from newsarchive import buildstate, digests, fpcache, reprints

sys.path.insert(0, str(PROJECT / "bench"))
import synth  # noqa: E402

# A paragraph most articles carry: its marks' groups straddle the size above which only the
# earliest carriers are paired (candidates.ALL_PAIRS_GROUP) as articles come and go.
BOILERPLATE = ("This report was compiled by the regional desk from statements by officials, witnesses and "
               "agencies, and it will be updated as more information about the events becomes available to us.")


def cluster(name: str, carriers: int, seed: int) -> list:
    """Articles that share one passage and nothing else. Each mark counts for less the more
    articles carry it: for the two seeds used, 11 carriers make every pair weigh enough to be
    compared and 12 none, so one article added or deleted makes or unmakes the relations of the
    others."""
    rng = random.Random(seed)
    syllables = "ka ro mi ta ve lo sa dri ne bu qo ha zi el an or us ti pe fa go mu li kor".split()

    def sentence(words: int) -> str:
        return " ".join("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(words)) + "."

    passage = sentence(60)
    return [make_article(f"{name}-{n:02}", "\n\n".join([sentence(90), passage, sentence(90)]),
                         date=f"2020-01-{n + 1:02}", publisher=f"outlet{n % 3}") for n in range(carriers)]


def base(articles: int = 48, carriers: int = 34):
    made = synth.make_archive(articles, seed=3)
    arts = [dataclasses.replace(a, paragraphs=a.paragraphs + (BOILERPLATE,)) if n < carriers else a
            for n, a in enumerate(made.articles)]
    return arts + cluster("eleven", 11, 5) + cluster("twelve", 12, 7), made.sources


ARTICLES, SOURCES = base()
OPERATIONS = ("edit", "drop paragraph", "add copy", "copy over", "delete", "redate", "boilerplate", "reprint of",
              "not reprint of", "retitle")


def apply(arts: list, operation: str, a: int, b: int, step: int) -> list:
    arts = list(arts)
    n, m = a % len(arts), b % len(arts)
    article, other = arts[n], arts[m]
    if operation == "edit":
        paragraphs = list(article.paragraphs)
        words = paragraphs[b % len(paragraphs)].split()
        words[a % len(words)] = f"changed{step}"
        paragraphs[b % len(paragraphs)] = " ".join(words)
        arts[n] = dataclasses.replace(article, paragraphs=tuple(paragraphs))
    elif operation == "drop paragraph" and len(article.paragraphs) > 1:
        arts[n] = dataclasses.replace(article, paragraphs=article.paragraphs[1:])
    elif operation == "add copy":
        arts.append(dataclasses.replace(other, slug=f"added-{step}", paragraphs=other.paragraphs[b % 3:],
                                        date=article.date, publisher=article.publisher, reprint_of=(),
                                        not_reprint_of=()))
    elif operation == "copy over":
        arts[n] = dataclasses.replace(article, paragraphs=other.paragraphs)
    elif operation == "delete" and len(arts) > 2:
        del arts[n]
    elif operation == "redate":
        arts[n] = dataclasses.replace(article, date=other.date)
    elif operation == "boilerplate":
        kept = tuple(p for p in article.paragraphs if p != BOILERPLATE)
        arts[n] = dataclasses.replace(article, paragraphs=kept + (BOILERPLATE,) if kept == article.paragraphs else kept)
    elif operation == "retitle":  # a field detection does not read: its digest moves, its relations do not
        arts[n] = dataclasses.replace(article, title=f"{article.title} {step}")
    elif operation == "reprint of" and n != m:
        arts[n] = dataclasses.replace(article, reprint_of=(other.slug,))
    elif operation == "not reprint of" and n != m:
        arts[n] = dataclasses.replace(article, not_reprint_of=(other.slug,))
    return sorted(arts, key=lambda x: x.slug)


def keyed(arts):
    return reprints.fingerprints(arts, known={})


def field_digests(arts) -> dict[str, bytes]:
    """Each article's digest of its fields, by slug, as the build gives them (ParsedArticle.digest)."""
    return {article.slug: buildstate.article_digest(article) for article in arts}


class _Watched:
    """An article whose fields, read, are noted (its slug is free)."""

    def __init__(self, article, read: set):
        self._article, self._read = article, read

    def __getattr__(self, name):
        if name != "slug":
            self._read.add((self._article.slug, name))
        return getattr(self._article, name)


def test_an_update_reads_the_fields_of_no_article_whose_digests_are_as_the_index_saw_them():
    arts = ARTICLES
    prints = keyed(arts)
    _, index = reprints.detect_indexed(arts, sources=SOURCES, prints=prints, digests=field_digests(arts))
    changed = apply(apply(arts, "retitle", 3, 0, 1), "redate", 5, 9, 2)
    digests = field_digests(changed)

    def compared(with_digests: bool, previous: dict) -> set[str]:
        """The articles whose `original` the update read: each article's, to compare what detection
        reads of it, or only those whose pairs it weighs again."""
        read = set()
        updated = reprints.update(index, [_Watched(article, read) for article in changed], keyed(changed), previous,
                                  sources=SOURCES, digests=digests if with_digests else None)
        assert updated[0] == reprints.detect(changed, sources=SOURCES)
        return {slug for slug, name in read if name == "original"}

    first = compared(True, {fp.key: fp for fp in prints})
    assert {changed[3].slug, changed[5].slug} <= first and len(first) < len(changed) // 4
    # Built again, the retitled article is known by its new digest; without digests, every article is read.
    assert compared(True, {}) == set()
    assert compared(False, {}) == {article.slug for article in changed}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 10_000), st.integers(0, 10_000)),
                min_size=1, max_size=6))
def test_updates_equal_detection_from_scratch(changes):
    arts = ARTICLES
    prints = keyed(arts)
    found, index = reprints.detect_indexed(arts, sources=SOURCES, prints=prints, digests=field_digests(arts))
    for step, (operation, a, b) in enumerate(changes):
        arts = apply(arts, operation, a, b, step)
        previous = {fp.key: fp for fp in prints}
        prints = keyed(arts)
        updated = reprints.update(index, arts, prints, previous, sources=SOURCES, digests=field_digests(arts))
        assert not isinstance(updated, str), updated  # one article a step: never declined
        found, index = updated
        assert found == reprints.detect(arts, sources=SOURCES), (operation, a, b)


def test_an_unchanged_archive_gives_the_same_relations():
    prints = keyed(ARTICLES)
    found, index = reprints.detect_indexed(ARTICLES, sources=SOURCES, prints=prints)
    assert found and reprints.update(index, ARTICLES, prints, {}, sources=SOURCES) == (found, index)


def test_a_change_to_many_articles_or_other_settings_is_declined():
    arts, sources = base(articles=120)
    prints = keyed(arts)
    _, index = reprints.detect_indexed(arts, sources=sources, prints=prints)
    edited = [dataclasses.replace(a, paragraphs=a.paragraphs[1:]) for a in arts]
    assert reprints.update(index, edited, keyed(edited), {fp.key: fp for fp in prints},
                           sources=sources) == f"{len(arts)} articles changed"
    assert reprints.update(index, arts, prints, {}, min_shared_words=41, sources=sources) == \
        "thresholds or outlets changed"


def test_a_stored_index_is_used_only_when_intact_and_of_this_code(tmp_path):
    prints = keyed(ARTICLES)
    found, index = reprints.detect_indexed(ARTICLES, sources=SOURCES, prints=prints)
    path = tmp_path / fpcache.INDEX_FILE
    fpcache.save_index(path, index, b"c" * 32)
    loaded = fpcache.load_index(path, b"c" * 32)
    assert loaded.result == found
    # Its arrays are read in place from the file mapped into memory, and outlive the file.
    assert not loaded.postings.base.flags.owndata and not loaded.postings.base.flags.writeable
    assert np.array_equal(loaded.postings.whole(), index.postings.whole()) and np.array_equal(loaded.gaps, index.gaps)
    path.unlink()
    edited = [dataclasses.replace(ARTICLES[0], paragraphs=ARTICLES[0].paragraphs[1:]), *ARTICLES[1:]]
    updated = reprints.update(loaded, edited, keyed(edited), {fp.key: fp for fp in prints}, sources=SOURCES)
    assert updated[0] == reprints.detect(edited, sources=SOURCES)
    fpcache.save_index(path, index, b"c" * 32)
    assert fpcache.load_index(path, b"d" * 32) is None
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    assert fpcache.load_index(path, b"c" * 32) is None
    assert fpcache.load_index(tmp_path / "missing.bin", b"c" * 32) is None


def test_a_stored_index_checked_whole_is_not_checked_again_until_it_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(fpcache, "RACY_NS", 0)  # the file is older than the racy window
    found, index = reprints.detect_indexed(ARTICLES, sources=SOURCES, prints=keyed(ARTICLES))
    path = tmp_path / fpcache.INDEX_FILE
    fpcache.save_index(path, index, b"c" * 32)
    sums, real_checksum = [], fpcache.checksum
    monkeypatch.setattr(fpcache, "checksum", lambda data, *rest: sums.append(len(data)) or real_checksum(data, *rest))
    for whole in (True, False):  # checked whole once, then known by its stat
        sums.clear()
        assert fpcache.load_index(path, b"c" * 32).result == found
        assert (max(sums) > 1000) == whole
    size, times = path.stat().st_size, (path.stat().st_atime_ns, path.stat().st_mtime_ns)
    with open(path, "r+b") as file:  # damaged in place, its size and time put back: its ctime moved
        file.seek(size // 2)
        byte = file.read(1)
        file.seek(size // 2)
        file.write(bytes([byte[0] ^ 1]))
    os.utime(path, ns=times)
    assert fpcache.load_index(path, b"c" * 32) is None


def test_a_rebuild_after_an_edit_updates_the_stored_index_instead_of_detecting_again(project, monkeypatch):
    # The index is stored under the generator's own code digest (16 bytes), and found again.
    assert run_build(project).code == 0
    assert fpcache.load_index(project / ".cache" / fpcache.INDEX_FILE, digests.code_digest()) is not None
    article = next((project / "articles").glob("*.md"))
    article.write_text(article.read_text(encoding="utf-8").replace(" the ", " the the ", 1), encoding="utf-8")

    def detect_all_again(*args, **kwargs):
        raise AssertionError("the rebuild detected every relation again")

    monkeypatch.setattr(reprints, "detect_indexed", detect_all_again)
    result = run_build(project)
    assert result.code == 0, result.err


def test_the_reprint_caches_are_written_again_only_after_enough_changes(project, monkeypatch, tmp_path):
    import shutil

    assert run_build(project).code == 0
    caches = [project / ".cache" / name for name in (fpcache.INDEX_FILE, fpcache.FINGERPRINTS_FILE)]

    def written():
        return [(path.stat().st_ino, path.stat().st_mtime_ns) for path in caches]

    def edit(article, word):  # a paragraph added to its text
        with open(article, "a", encoding="utf-8") as file:
            file.write(f"\nA paragraph added {word} at the end.\n")

    def detect_all_again(*args, **kwargs):
        raise AssertionError("the rebuild detected every relation again")

    first = written()
    articles = sorted((project / "articles").glob("*.md"))
    monkeypatch.setattr(reprints, "detect_indexed", detect_all_again)
    # Each rebuild updates the index as written by the first build, for every change since.
    for article, word in ((articles[0], "quietly"), (articles[1], "loudly"), (articles[0], "again")):
        edit(article, word)
        result = run_build(project)
        assert result.code == 0, result.err
        assert written() == first
    # The relations found are those of a build from scratch.
    shutil.copytree(project, tmp_path / "clean", ignore=shutil.ignore_patterns(".cache", "_site"))
    monkeypatch.undo()
    assert run_build(tmp_path / "clean").code == 0
    found = (project / "_site" / "data" / "reprints.json").read_text(encoding="utf-8")
    assert found == (tmp_path / "clean" / "_site" / "data" / "reprints.json").read_text(encoding="utf-8")
    assert '"copy"' in found
    monkeypatch.setattr(reprints, "detect_indexed", detect_all_again)
    monkeypatch.setattr(fpcache, "REWRITE_AFTER", 3)
    edit(articles[2], "now")
    assert run_build(project).code == 0
    assert all(now != then for now, then in zip(written(), first))


@settings(max_examples=80, deadline=None)
@given(texts=st.dictionaries(st.integers(0, 40), st.sets(st.integers(0, 60), max_size=12), max_size=12),
       steps=st.lists(st.dictionaries(st.integers(0, 45), st.sets(st.integers(0, 60), max_size=12), max_size=6),
                      min_size=1, max_size=4),
       merge=st.sampled_from([10.0, 0.0, 0.5]), few=st.booleans())
def test_changed_postings_are_those_made_afresh(texts, steps, merge, few):
    # After each change, the postings (a large array and the entries added and removed since,
    # merged into it past a share of it: never, always, or now and then; by pieces or by numpy)
    # hold every mark's carriers, and make one array, as the texts' postings made from scratch.
    from newsarchive.reprints import postings

    def made(of: dict) -> np.ndarray:
        entries = [postings._entries(np.array(sorted(marks), np.uint32), i) for i, marks in of.items()]
        return np.sort(np.concatenate(entries)) if entries else np.empty(0, np.uint64)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(postings, "MERGE_SHARE", merge)
        patch.setattr(postings, "FEW_CHANGES", 10**9 if few else 0)
        now = postings.Postings(made(texts))
        for changed in steps:
            removed = {i: np.array(sorted(texts[i]), np.uint32) for i in changed if i in texts}
            added = {i: np.array(sorted(marks), np.uint32) for i, marks in changed.items()}
            for i in texts:  # an entry to remove that is not there: the postings are not these texts'
                assert now.changed({i: np.array([61], np.uint32)}, {}) is None
            now = now.changed(removed, added)
            texts = {**texts, **changed}
            fresh = made(texts)
            whole = now.whole()
            assert whole.dtype == np.uint64 and np.array_equal(whole, fresh)
            marks = np.arange(62, dtype=np.uint32)
            assert np.array_equal(now.of(marks), fresh)
            assert now.sizes(marks).tolist() == [sum(mark in text for text in texts.values()) for mark in range(62)]
            assert now.members(7) == sorted(i for i, text in texts.items() if 7 in text)


def test_an_edit_takes_out_of_the_fingerprint_cache_only_the_texts_it_weighs(tmp_path, monkeypatch):
    # The cache holds every text's fingerprint; a rebuild after one edit makes those of the few
    # texts the update weighs, not one for each article (0.25 s at 100,000 articles).
    from archive import Generator
    from newsarchive import pipeline
    from newsarchive.config import load_config

    Generator(5, actors=40).write(tmp_path / "archive", 120)
    config = load_config(tmp_path / "archive" / "config.yaml")
    pipeline.build(config)
    taken = []
    made = fpcache.StoredPrints.__getitem__
    monkeypatch.setattr(fpcache.StoredPrints, "__getitem__", lambda self, key: taken.append(key) or made(self, key))
    path = sorted((tmp_path / "archive" / "articles").glob("article-*.md"))[7]
    with open(path, "a", encoding="utf-8") as file:
        file.write("\nA paragraph added by hand at the end of the text, with words of its own.\n")
    pipeline.build(config)
    assert 0 < len(taken) < 20
    # and the relations are those of a build from scratch
    edited = (config.output / "data" / "reprints.json").read_text(encoding="utf-8")
    (config.cache_dir / fpcache.INDEX_FILE).unlink()
    monkeypatch.undo()
    pipeline.build(config)
    assert (config.output / "data" / "reprints.json").read_text(encoding="utf-8") == edited
