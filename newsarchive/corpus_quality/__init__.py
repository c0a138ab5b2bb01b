"""Extraction measured on a corpus with ground truth: `python build.py quality --corpus DIR`.

Every capture is extracted as a new user's archive would extract it: `extract(Page(text,
url), Registry({}, {}, ()))`, with an empty registry. Any exception inside extraction is
caught, counted as a traceback and named in the page's notes; the run goes on.

Two layouts are read, told apart by what the folder holds:

- The article-extraction benchmark (`ground-truth.json`, `text/<id>.txt`, `html/<id>.html.gz`,
  `index.json`): the body is scored with the benchmark's shingle F1 against the human-marked
  `articleBody`; title, date and outlet against what the page's HTML states (`read_gold`).
- The team's own corpus (`truth.yaml`, `captures/<id>.txt`): each field is right or not
  against the hand-checked truth, and reprint relations are found by adding every capture to
  a fresh temporary archive with `add` and running the build's reprint detection.

The scoring here uses its own normalisation (not the extraction's helpers), so that changing
extraction never changes how it is measured.

The modules: `judge.py` (how each field is judged right or wrong, and the gold a page's HTML
states), `pages.py` (one capture extracted and scored), `relations.py` (reprint relations on the
own corpus), `report.py` (the whole corpus measured, and the printed report), `targets.py`.
"""

from __future__ import annotations

from .judge import (
    FIRST_WEB_YEAR,
    Gold,
    SITE_SEPARATORS,
    benchmark_date,
    body_scores,
    gold_days,
    harmonic,
    name_words,
    normalise_title,
    outlet_keys,
    outlet_right,
    own_date,
    people_scores,
    person_matches,
    read_gold,
    shingles,
    title_right,
    ws,
)
from .pages import (
    Extracted,
    PageRow,
    Truth,
    read_capture,
    read_truth,
    run_extraction,
    run_html_extraction,
    score_benchmark_page,
    score_own_page,
)
from .relations import (
    Reprints,
    find_relations,
    judge_relations,
)
from .report import (
    CorpusReport,
    detect_layout,
    format_corpus_report,
    measure,
    measure_benchmark,
    measure_own,
)
from .targets import (
    BENCHMARK_TARGETS,
    CorpusError,
    HTML_TARGETS,
    KINDS,
    OWN_FIELDS,
    OWN_FIELD_TARGET,
)

__all__ = [
    "FIRST_WEB_YEAR",
    "Gold",
    "SITE_SEPARATORS",
    "benchmark_date",
    "body_scores",
    "gold_days",
    "harmonic",
    "name_words",
    "normalise_title",
    "outlet_keys",
    "outlet_right",
    "own_date",
    "people_scores",
    "person_matches",
    "read_gold",
    "shingles",
    "title_right",
    "ws",
    "Extracted",
    "PageRow",
    "Truth",
    "read_capture",
    "read_truth",
    "run_extraction",
    "run_html_extraction",
    "score_benchmark_page",
    "score_own_page",
    "Reprints",
    "find_relations",
    "judge_relations",
    "CorpusReport",
    "detect_layout",
    "format_corpus_report",
    "measure",
    "measure_benchmark",
    "measure_own",
    "BENCHMARK_TARGETS",
    "CorpusError",
    "HTML_TARGETS",
    "KINDS",
    "OWN_FIELDS",
    "OWN_FIELD_TARGET",
]
