"""Measure what the reprint thresholds separate, on a synthetic archive and on the seeds.

    python bench/thresholds.py --articles 10000

For every pair of articles sharing at least one mark, true copies (the generator's truth)
copies of one original (siblings: they share text, but each should point at the original)
and unrelated pairs (same-topic articles sharing names, titles, stock phrases and outlet
footers) are measured before any
threshold: weighted shared marks, shared marks over the smaller text's marks, matched words
of the longest passage, words in passages of at least MIN_PASSAGE_WORDS, and the larger of
the two shares. Prints percentiles as JSON lines; bench/README.md keeps the results.
"""

from __future__ import annotations

import argparse
import json
import sys
from itertools import combinations
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from newsarchive import reprints  # noqa: E402
from newsarchive.load import load_archive  # noqa: E402
from synth import make_archive  # noqa: E402

PERCENTILES = [0, 0.1, 1, 5, 50, 95, 99, 99.9, 100]


def pair_measures(prints, pairs):
    rows = []
    for x, y, weighted in pairs:
        smaller = min(len(prints[x].marks), len(prints[y].marks))
        found = reprints.align(prints[x], prints[y])
        longest = max((m.words for m in found), default=0)
        # Passages are already limited to MIN_PASSAGE_WORDS; names and titles fall below it.
        shared = sum(m.words for m in found)
        shares = max(shared / max(1, len(prints[x].words)),
                     sum(m.words_b for m in found) / max(1, len(prints[y].words)))
        rows.append((weighted, weighted / max(1, smaller), longest, shared, shares))
    return np.array(rows, dtype=float).reshape(-1, 5)


def longest_unfiltered(prints, x, y):
    """The longest shared stretch of words, before any passage length limit."""
    return max((m.words for m in reprints.align(prints[x], prints[y], min_words=0)), default=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    archive = make_archive(args.articles, args.seed)
    order = sorted(range(len(archive.articles)), key=lambda n: reprints.earliness(archive.articles[n]))
    articles = [archive.articles[n] for n in order]
    prints = reprints.fingerprints(articles)
    pairs = reprints.candidate_pairs(prints, min_shared_marks=0.01, mark_share=0.0).tolist()  # every pair sharing a mark
    truth = {frozenset(t[:2]) for t in archive.truth}
    is_true = [frozenset((articles[x].slug, articles[y].slug)) in truth for x, y, _ in pairs]
    story = [a.slug.split("-")[0] for a in articles]  # the generator names articles s<story>-...
    groups = {"copies": [p for p, t in zip(pairs, is_true) if t],
              "copies of one original (siblings)": [p for p, t in zip(pairs, is_true)
                                                    if not t and story[p[0]] == story[p[1]]],
              "unrelated (same topic, stock phrases, footers)": [p for p, t in zip(pairs, is_true)
                                                                 if not t and story[p[0]] != story[p[1]]]}
    # Aligning every weak pair would take long: those sharing little are sampled.
    rng = np.random.default_rng(0)
    for name, members in groups.items():
        print(json.dumps({"archive": f"synthetic {args.articles}", "pairs": name, "all pairs": len(members)}))
        if len(members) > 20_000:
            members = [members[k] for k in rng.choice(len(members), 20_000, replace=False)]
        measures = pair_measures(prints, members)
        for column, label in enumerate(("weighted shared marks", "shared marks / smaller text's marks",
                                        "longest passage (words)", "words in passages", "larger share")):
            print(json.dumps({"archive": f"synthetic {args.articles}", "pairs": name, "count": len(members),
                              "measure": label,
                              "percentiles": dict(zip(map(str, PERCENTILES),
                                                      np.percentile(measures[:, column], PERCENTILES).round(3).tolist()))}))
        longest = [longest_unfiltered(prints, x, y) for x, y, _ in members[:5000]]
        print(json.dumps({"archive": f"synthetic {args.articles}", "pairs": name, "measure":
                          "longest shared stretch before the passage limit (words), up to 5000 pairs",
                          "percentiles": dict(zip(map(str, PERCENTILES),
                                                  np.percentile(longest, PERCENTILES).round(1).tolist()))}))

    seeds, _ = load_archive(HERE.parent / "articles", HERE.parent)
    seed_prints = reprints.fingerprints(seeds.articles)
    for x, y in combinations(range(len(seeds.articles)), 2):
        print(json.dumps({"archive": "seeds", "pair": [seeds.articles[x].slug, seeds.articles[y].slug],
                          "longest shared stretch (words)": longest_unfiltered(seed_prints, x, y),
                          "passages": [m.words for m in reprints.align(seed_prints[x], seed_prints[y])]}))


if __name__ == "__main__":
    main()
