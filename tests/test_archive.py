"""The five seed articles: true to their captures, with consistent, checked metadata."""

import hashlib
import re

import pytest

from conftest import PROJECT, SEED_SLUGS
from newsarchive import markup
from newsarchive.load import load_archive
from newsarchive.text import fold_for_search

# sha256 of each capture as it came from ../shared/seeds: captures are kept byte for byte.
CAPTURE_SHA256 = {
    "000_3820fc1b798e6c9e.txt": "231a4c285816b8ec",
    "001_b035ea844ac36d91.txt": "3bbf8390c8633373",
    "002_128e5a7f25d53b1f.txt": "4f91ce32ec55bf8a",
    "003_ca1e855fc3df1fba.txt": "aacdb09adc65ac3b",
    "004_b0c339d49aa9c3bc.txt": "6ee86b6e98374100",
}
CHROME = ["Have your say", "Newsletter", "You might also like", "cookies", "Register",
          "date 2018-02-20", "Check Also", "Home / Normal", "2020", "federal lawsuits",
          "Agreed", "backstabbed", "military training, military support, arms, cooperation",
          "Russia, Lybia", "(Left)", "leaves the main building"]


@pytest.fixture(scope="module")
def archive():
    loaded, problems = load_archive(PROJECT / "articles", PROJECT)
    assert problems == [], [p.format() for p in problems]
    return loaded


def _capture(article) -> str:
    return (PROJECT / "articles" / article.capture).read_text(encoding="utf-8")


def test_captures_are_kept_byte_for_byte():
    for name, digest in CAPTURE_SHA256.items():
        data = (PROJECT / "articles" / "captures" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest().startswith(digest), name
        seed = PROJECT.parent / "shared" / "seeds" / name
        if seed.exists():
            assert seed.read_bytes() == data


def test_every_body_paragraph_occurs_in_its_capture(archive):
    for article in archive.articles:
        capture = fold_for_search(_capture(article))
        for kind, text in markup.blocks(article.body):
            assert fold_for_search(text) in capture, (article.slug, kind, text[:80])


def test_no_page_chrome_or_comments_in_bodies(archive):
    for article in archive.articles:
        for marker in CHROME:
            assert marker not in article.body, (article.slug, marker)


def test_seed_metadata(archive):
    by = {a.slug: a for a in archive.articles}
    a000, a001, a002, a003, a004 = (by[SEED_SLUGS[k]] for k in ("000", "001", "002", "003", "004"))
    assert (a001.date.iso, a001.date.precision) == ("2018-02-20", "day")
    assert (a003.date.iso, a003.date.precision) == ("2016-12-03", "day")
    assert "date bar" in a003.date.evidence  # the chrome date is explained, not used
    for undated in (a000, a002, a004):
        assert undated.date.iso is None and undated.date.precision == "unknown"
    assert [a.publisher for a in (a000, a001, a002, a003, a004)] == \
        ["libyan-express", "sputnik", "southfront", "al-marsad", "uawire"]
    assert (a000.original.source, a000.original.article) == ("sputnik", a001.slug)
    assert (a002.original.source, a002.original.relation) == ("izvestia", "translation")
    assert a003.original.source == "libya-herald"
    assert a004.original.source == "radio-liberty"
    assert a001.original is None
    for article in archive.articles:
        assert fold_for_search(article.original.evidence) in fold_for_search(_capture(article)) \
            if article.original else True


def test_publisher_matches_the_capture_address(archive):
    for article in archive.articles:
        host = re.sub(r"^www\.", "", article.url.split("/")[2])
        assert host in archive.sources[article.publisher].domains, article.slug


def _mentions(text: str, actor) -> bool:
    folded = fold_for_search(text)
    return any(re.search(r"\b" + re.escape(fold_for_search(name)) + r"\b", folded)
               for name in (actor.name, *actor.aliases))


def test_people_lists_match_the_names_in_the_text(archive):
    for article in archive.articles:
        text = article.body + "\n" + article.credit
        for actor in archive.actors.values():
            named = _mentions(text, actor)
            assert named == (actor.id in article.people), (article.slug, actor.id)


def test_every_actor_is_named_somewhere(archive):
    named = {actor_id for a in archive.articles for actor_id in a.people}
    assert named == set(archive.actors)


def test_haftar_spellings_are_one_actor(archive):
    haftar = archive.actors["khalifa-haftar"]
    assert {"Haftar", "Hafter", "Hifter", "Khaftar"} <= set(haftar.aliases)
    assert "Shoygu" in archive.actors["sergei-shoigu"].aliases
    assert "Ageela Saleh" in archive.actors["aguila-saleh-issa"].aliases
    assert all("khalifa-haftar" in a.people for a in archive.articles)


def test_claim_ids_shared_across_articles(archive):
    carriers = {}
    for article in archive.articles:
        for claim in article.claims:
            carriers.setdefault(claim.id, set()).add(article.slug)
    # who asked Russia for arms, whether Russia will arm Haftar, whether a base was requested
    assert len(carriers["haftar-asked-russia-for-arms"]) >= 3
    assert len(carriers["russia-will-arm-haftar"]) >= 2
    assert carriers["russian-base-requested"]
    stances = {c.stance for a in archive.articles for c in a.claims if c.id == "haftar-asked-russia-for-arms"}
    assert stances == {"asserts", "denies"}


def test_claim_speakers_are_named_in_their_quote_or_article(archive):
    for article in archive.articles:
        for claim in article.claims:
            if claim.speaker == "unnamed":
                assert fold_for_search(claim.speaker_label).split()[-1] in fold_for_search(article.body) \
                    or claim.speaker_label.endswith("forces") or "report" in claim.speaker_label
            else:
                assert claim.speaker in article.people, (article.slug, claim.id)
