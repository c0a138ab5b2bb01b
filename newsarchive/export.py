"""Machine-readable data files: data/articles.json and data/reprints.json."""

from __future__ import annotations

import json

from .model import OutputFile
from .sitemodel import Site


def _json(value) -> bytes:
    # Sorted keys and fixed separators keep the files byte-identical between builds.
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def articles_data(site: Site) -> list[dict]:
    return [
        {
            "slug": a.slug,
            "title": a.title,
            "url": a.url,
            "date": a.date.iso,
            "date_precision": a.date.precision,
            "date_evidence": a.date.evidence,
            "publisher": a.publisher,
            "original": None if a.original is None else {
                "source": a.original.source,
                "article": a.original.article,
                "relation": a.original.relation,
                "evidence": a.original.evidence,
            },
            "people": list(a.people),
            "claims": sorted({c.id for c in a.claims}),
            "capture": a.capture,
        }
        for a in sorted(site.articles, key=lambda a: a.slug)
    ]


def reprints_data(site: Site) -> list[dict]:
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
        for r in site.reprints
    ]


def data_files(site: Site) -> list[OutputFile]:
    return [OutputFile("data/articles.json", _json(articles_data(site))),
            OutputFile("data/reprints.json", _json(reprints_data(site)))]
