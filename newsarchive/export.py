"""Machine-readable data: data/articles.json, data/reprints.json, a JSON file beside each
article page, and the schema.org JSON-LD embedded in pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import orjson

from . import urls
from .listing import JSON_OPTIONS, article_record, json_item
from .model import Article
from .sitemodel import ArticleInfo

if TYPE_CHECKING:
    from .dependencies import SiteView


def _json(value) -> bytes:
    return orjson.dumps(value, option=JSON_OPTIONS) + b"\n"


def _json_list(records: Iterable) -> bytes:
    """_json of the list of `records`, to the byte, made a record at a time: the whole list's
    value is never held at once (data/articles.json at 100,000 articles is 100,000 records)."""
    return _joined([json_item(record) for record in records])


def _joined(items: list[bytes]) -> bytes:
    """The data file of a list of json_item's."""
    return b"[\n" + b",\n".join(items) + b"\n]\n" if items else b"[]\n"


def page_address(site: SiteView, path: str) -> str:
    """The archive's own address for a page: absolute when base_url is set, else site-relative."""
    return site.config.base_url + path


def article_detail(a: Article, site: SiteView) -> dict:
    """Everything known about one article, for the JSON file beside its page."""
    record = article_record(a)
    record.update({
        "page": page_address(site, urls.article(a.slug)),
        "credit": a.credit,
        "author": a.author,
        "language": a.language or None,
        "captured": a.captured or None,
        "archive": None if a.archive is None else {"file": a.archive.file, "record": a.archive.record,
                                                   "payload_digest": a.archive.payload_digest},
        "claims": [{"id": c.id, "speaker": c.speaker, "speaker_label": c.speaker_label, "stance": c.stance,
                    "statement": c.statement, "quote": c.quote} for c in a.claims],
        "paragraphs": list(a.paragraphs),
        "copies": [r.original for r in site.copies_of.get(a.slug, ())],
        "copied_by": [r.copy for r in site.copied_by.get(a.slug, ())],
    })
    return record


def reprints_data(site: SiteView) -> list[dict]:
    return reprint_records(site.reprints)


def reprint_records(reprints) -> list[dict]:
    """data/reprints.json's records of these relations (also what the Spark job writes)."""
    return [
        {
            "copy": r.copy,
            "original": r.original,
            "kind": r.kind,
            "basis": r.basis,
            "copy_share": r.copy_share,
            "original_share": r.original_share,
            "passages": [
                {"copy": [p.copy_start, p.copy_end], "original": [p.original_start, p.original_end],
                 "words": p.words}
                for p in r.passages
            ],
        }
        for r in reprints
    ]


def articles_json(site: SiteView) -> bytes:
    # By slug, the order the articles are stored in: their entries are made reading the state's
    # rows in windows, where the newest-first order would read one row at a time.
    # Each article's item as kept with its parse (listing.kept), by slug: no entry is made.
    # (The list read whole, whose digest is made of its articles' parse digests, covers them.)
    return _joined([site.data_item(slug) for slug in sorted(site.articles.keys)])


def reprints_json(site: SiteView) -> bytes:
    return reprints_file(site.reprints)


def reprints_file(reprints) -> bytes:
    """The bytes of data/reprints.json for these relations."""
    return _json_list(reprint_records(reprints))


def article_json(article: Article, site: SiteView) -> bytes:
    return _json(article_detail(article, site))


# --- schema.org JSON-LD ---------------------------------------------------------------------

def _organization(site: SiteView, source_id: str) -> dict:
    source = site.source[source_id]
    return {"@type": "NewsMediaOrganization", "name": source.name,
            "url": [f"https://{domain}/" for domain in source.domains]}


def _work(site: SiteView, article: Article | ArticleInfo) -> dict:
    return {"@type": "NewsArticle", "headline": article.title, "url": article.url,
            "archivedAt": page_address(site, urls.article(article.slug)),
            "publisher": _organization(site, article.publisher),
            **({"datePublished": article.date.iso} if article.date.known else {})}


def news_article_jsonld(article: Article, site: SiteView) -> dict:
    data = {"@context": "https://schema.org", **_work(site, article)}
    data["mentions"] = [{"@type": "Person", "name": site.actor[p].name,
                         "url": page_address(site, urls.actor(p))} for p in article.people]
    # What the article is based on: archived originals its text copies, and the original the
    # text itself credits (an archived article, or an outside outlet's report).
    based_on = {}
    originals = [site.article[r.original] for r in site.copies_of.get(article.slug, ())]
    if article.original and article.original.article:
        originals.append(site.article[article.original.article])
    for original in originals:
        based_on.setdefault(original.slug, _work(site, original))
    if article.original and not article.original.article:
        based_on[""] = {"@type": "CreativeWork", "publisher": _organization(site, article.original.source),
                        "description": f"{article.original.relation} credited in the text: "
                                       f"{article.original.evidence}"}
    based_on = list(based_on.values())
    if based_on:
        data["isBasedOn"] = based_on if len(based_on) > 1 else based_on[0]
    return data


def claim_jsonld(group, site: SiteView) -> dict:
    """A schema.org Claim with every article that carries it."""
    claim = {"@context": "https://schema.org", "@type": "Claim", "name": group.title, "identifier": group.id,
             "url": page_address(site, urls.claim(group.id)),
             "appearance": [_work(site, a.article) for a in group.appearances]}
    first = next((a for a in group.appearances if a.earliest), None)
    if first is not None:
        claim["firstAppearance"] = _work(site, first.article)
    return claim


def claims_jsonld(site: SiteView) -> dict:
    """The list of claims on the claims index, each pointing to its own page."""
    return {"@context": "https://schema.org", "@graph": [
        {"@type": "Claim", "name": group.title, "identifier": group.id, "url": page_address(site, urls.claim(group.id))}
        for group in site.claims]}
