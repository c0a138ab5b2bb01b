"""Reprint relations computed by an Apache Spark job (PySpark): exactly the relations of
`reprints.detect`, for archives too large for one machine.

    python build.py reprints --engine spark [--master URL] [--input FILE] [--out DIR] [--previous DIR]

Spark does the distribution; every rule is detect's own function, run in the executors:

1. Articles are rows (slug, date, publisher, text, and what front matter adds: date precision,
   credited original, `reprint_of`, `not_reprint_of`), from the archive folder or from Parquet
   or JSON Lines. They are numbered in detect's order of earliness (a sort on
   `reprints.earliness`, then zipWithIndex).
2. Fingerprints per article (`reprints.fingerprint_texts`, a map over partitions). With the
   previous run's index, the fingerprints of unchanged texts are taken from it (by content key).
3. Candidates from the postings (mark, article) of every mark: a window over each mark's
   postings gives its carriers' count and their order of earliness, marks carried by one
   article or by too many (candidate_rules.MIN_COMMON, COMMON_SHARE) are dropped, and a self-join of the
   rest pairs every two carriers of a small group and, in a large one, the EARLIEST earliest
   with the others, as `candidate_pairs` does. Weights are summed in the JVM in the order numpy
   sums them (by group size), so the thresholds see the same floating-point numbers.
4. Pairs (candidates, plus front matter's `reprint_of`, less its `not_reprint_of`) are joined
   with both articles and fingerprints and aligned in the executors (`reprints.align`); with the
   previous index, a pair of two unchanged texts takes its stored alignment instead (new against
   all, not all against all). Thresholds, direction (`reprints.orient`) and character offsets
   (`offsets.reprints_range`) follow in the same pass.
5. Earliest witnesses (`reprints.earliest_witnesses`): a copy's relations are decided with those
   of its originals (their own originals tell which witness came first); a same-text pair with
   those of both its sides. Each is a group of a few relations, run in the executors.

Output: the relations in the driver (sorted as detect sorts them); `--out DIR` writes them as
`reprints.json` (the form of the site's data/reprints.json), `relations.parquet`, and `index/`
(fingerprints and alignments by content key) for the next run's `--previous`. Run on the
archive folder, the relations are also stored for the site build (reprint_store.py).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import numpy as np

from . import reprint_store, reprints
from .reprints import candidates as candidate_rules, fingerprinting, offsets
from .export import reprint_records, reprints_file
from .model import Article, Original, PubDate, Source

INSTALL_HINT = ("the Spark engine needs PySpark and Java 17: pip install -e '.[spark]' (or pip install pyspark) "
                "and, on Debian or Ubuntu, apt-get install openjdk-17-jre-headless")
ARTICLE_COLUMNS = ("slug", "date", "date_precision", "publisher", "text", "original_source", "original_article",
                   "reprint_of", "not_reprint_of")
_PRECISION = {10: "day", 7: "month", 4: "year"}


# --- Articles as rows ----------------------------------------------------------------------

def article_row(article: Article) -> dict:
    """One article as a row of the job's input (what a JSON Lines or Parquet corpus holds)."""
    return {"slug": article.slug, "date": article.date.iso, "date_precision": article.date.precision,
            "publisher": article.publisher, "text": reprints.plain_text(article),
            "original_source": article.original.source if article.original else None,
            "original_article": article.original.article if article.original else None,
            "reprint_of": list(article.reprint_of), "not_reprint_of": list(article.not_reprint_of)}


def article_of(row: Mapping) -> Article:
    """The Article detection reads, from a row: paragraphs are the text's blocks between blank lines."""
    text = row.get("text") or ""
    date = row.get("date")
    date = None if date in (None, "") else str(date)
    precision = row.get("date_precision") or ("unknown" if date is None else _PRECISION.get(len(date), "day"))
    original = None
    if row.get("original_source"):
        original = Original(row["original_source"], row.get("original_article") or None, "reprint", "")
    slug = row["slug"]
    return Article(slug=slug, path=Path(f"{slug}.md"), title="", url="", capture="",
                   date=PubDate(date, precision, ""), publisher=row.get("publisher") or "", original=original,
                   credit="", people=(), claims=(), reprint_of=tuple(row.get("reprint_of") or ()),
                   not_reprint_of=tuple(row.get("not_reprint_of") or ()), body="",
                   paragraphs=tuple(p for p in text.split("\n\n") if p.strip()))


def _spark_types():
    from pyspark.sql import types as T
    return T


def article_schema():
    T = _spark_types()
    text = T.StringType()
    return T.StructType([T.StructField("slug", text, False), T.StructField("date", text),
                         T.StructField("date_precision", text), T.StructField("publisher", text),
                         T.StructField("text", text), T.StructField("original_source", text),
                         T.StructField("original_article", text),
                         T.StructField("reprint_of", T.ArrayType(text)),
                         T.StructField("not_reprint_of", T.ArrayType(text))])


def read_articles(spark, path: str):
    """Articles from Parquet (a file or folder ending in .parquet, or holding .parquet files) or
    JSON Lines (anything else), with the job's columns: slug, date, publisher and text are needed,
    the others are null when missing."""
    from pyspark.sql import functions as F
    is_parquet = path.endswith(".parquet") or (Path(path).is_dir() and any(Path(path).glob("*.parquet")))
    frame = spark.read.parquet(path) if is_parquet else spark.read.json(path)
    missing = [c for c in ("slug", "date", "publisher", "text") if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: no column {', '.join(missing)} (each row needs slug, date, publisher, text)")
    schema = {field.name: field.dataType for field in article_schema().fields}
    return frame.select(*[(F.col(c) if c in frame.columns else F.lit(None)).cast(schema[c]).alias(c)
                          for c in ARTICLE_COLUMNS])


def articles_frame(spark, articles: Iterable[Article], partitions: int):
    rows = [article_row(a) for a in articles]
    return spark.createDataFrame(rows, article_schema()).repartition(partitions)


# --- Session -------------------------------------------------------------------------------

def session(master: str = "local[*]", partitions: int = 8, config: Mapping[str, str] | None = None):
    """A SparkSession whose Python workers run this interpreter and import this package. On a
    cluster (any master but local), the package travels with the job as a zip."""
    from pyspark.sql import SparkSession
    package = Path(__file__).resolve().parent
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(package.parent), os.environ.get("PYTHONPATH")) if p)
    builder = (SparkSession.builder.master(master).appName("newsarchive reprints")
               .config("spark.sql.shuffle.partitions", str(partitions))
               .config("spark.default.parallelism", str(partitions))
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.executorEnv.PYTHONPATH", os.environ["PYTHONPATH"]))
    for key, value in (config or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    if not master.startswith("local"):
        spark.sparkContext.addPyFile(_package_zip(package))
    return spark


def _package_zip(package: Path) -> str:
    folder = Path(tempfile.mkdtemp(prefix="newsarchive-spark-"))
    target = folder / "newsarchive.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(package.rglob("*.py")):
            archive.write(path, path.relative_to(package.parent).as_posix())
    return str(target)


# --- The job -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    """What a run found: the relations (sorted as detect sorts them), and what it did."""

    reprints: tuple
    counts: dict  # articles, fingerprinted (not found in --previous), pairs, aligned (not reused), relations
    index: tuple  # (fingerprints, alignments) DataFrames, for write_out


def detect(spark, articles, sources: Mapping[str, Source] | None = None, min_shared_words: int = 40,
           min_share: float = 0.15, previous: str | Path | None = None, code: bytes = b"") -> Result:
    """detect's relations among `articles` (a DataFrame of article_schema), computed by Spark.
    `previous` is an earlier run's --out folder: its fingerprints and alignments are reused for
    the texts and pairs of texts it holds."""
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    T = _spark_types()
    sc = spark.sparkContext
    sources = dict(sources or {})
    disk = StorageLevel.MEMORY_AND_DISK
    counts: dict = {}

    # 1. Number the articles in order of earliness (detect's order: candidates and witnesses use it).
    order = articles.select("slug", "date", "date_precision").rdd.map(
        lambda row: (reprints.earliness(article_of(row.asDict())), row["slug"])).persist(disk)
    numbers = order.sortByKey().map(lambda pair: pair[1]).zipWithIndex()
    numbers = spark.createDataFrame(numbers, T.StructType([T.StructField("slug", T.StringType(), False),
                                                           T.StructField("n", T.LongType(), False)]))
    arts = articles.join(numbers, "slug").persist(disk)
    total = arts.count()
    if total != order.count():
        raise ValueError("some slugs name more than one article: each article needs a slug of its own")
    counts["articles"] = total

    # 2. Fingerprints, those of texts the previous run saw taken from its index.
    known_prints, known_alignments = _previous_index(spark, previous, code)
    keyed = arts.select("n", "text").rdd.mapPartitions(_keyed_texts).toDF(
        T.StructType([T.StructField("n", T.LongType(), False), T.StructField("key", T.StringType(), False),
                      T.StructField("paragraphs_text", T.ArrayType(T.StringType()))]))
    if known_prints is not None:
        keyed = keyed.join(known_prints, "key", "left")
    else:
        keyed = keyed.select("*", *[F.lit(None).cast(t).alias(c) for c, t in _PRINT_COLUMNS])
    prints = keyed.rdd.mapPartitions(_fingerprint_rows).toDF(_prints_schema()).persist(disk)
    counts["fingerprinted"] = prints.filter(~F.col("reused")).count()

    # 3. Candidates: the self-join of each mark's postings, as candidate_pairs pairs them.
    too_common = max(candidate_rules.MIN_COMMON, int(candidate_rules.COMMON_SHARE * total))
    by_mark = Window.partitionBy("mark")
    postings = (prints.select("n", F.explode("marks").alias("mark"))
                .withColumn("size", F.count(F.lit(1)).over(by_mark))
                .filter((F.col("size") >= 2) & (F.col("size") <= too_common))
                .withColumn("rank", F.row_number().over(by_mark.orderBy("n"))))
    a, b = postings.alias("a"), postings.alias("b")
    joined = a.join(b, (F.col("a.mark") == F.col("b.mark")) & (F.col("a.rank") < F.col("b.rank"))
                    & ((F.col("a.size") <= candidate_rules.ALL_PAIRS_GROUP) | (F.col("a.rank") <= candidate_rules.EARLIEST)))
    per_size = (joined.select(F.col("a.n").alias("x"), F.col("b.n").alias("y"), F.col("a.size").alias("size"))
                .groupBy("x", "y", "size").agg(F.count(F.lit(1)).alias("times")))
    # candidate_pairs adds each group size's weight (times * min(1, RARE / size)) in order of size.
    weight = F.aggregate(
        F.array_sort(F.collect_list(F.struct("size", "times"))), F.lit(0.0),
        lambda acc, s: acc + s["times"].cast("double")
        * F.least(F.lit(1.0), F.lit(float(candidate_rules.RARE)) / s["size"].cast("double")))
    sizes = prints.select("n", F.size("marks").alias("marks_count"))
    candidates = (per_size.groupBy("x", "y").agg(weight.alias("weight"))
                  .join(sizes.withColumnRenamed("n", "x").withColumnRenamed("marks_count", "mx"), "x")
                  .join(sizes.withColumnRenamed("n", "y").withColumnRenamed("marks_count", "my"), "y")
                  .filter((F.col("weight") >= F.lit(float(reprints.MIN_SHARED_MARKS)))
                          & (F.col("weight") >= F.lit(float(reprints.MARK_SHARE)) * F.least("mx", "my")))
                  .select("x", "y", F.lit(False).alias("forced")))

    # 4. Pairs set by hand in front matter: reprint_of adds a pair, not_reprint_of removes one.
    def by_hand(column: str):
        named = arts.select("n", F.explode(column).alias("other")).join(
            numbers.withColumnRenamed("slug", "other").withColumnRenamed("n", "m"), "other")
        return named.select(F.least("n", "m").alias("x"), F.greatest("n", "m").alias("y")).distinct()

    pairs = (candidates.unionByName(by_hand("reprint_of").withColumn("forced", F.lit(True)))
             .groupBy("x", "y").agg(F.max("forced").alias("forced"))
             .join(by_hand("not_reprint_of"), ["x", "y"], "left_anti"))

    # 5. Align each pair beside both articles and fingerprints; direction and offsets in the same pass.
    side = arts.join(prints.drop("marks", "reused"), "n")
    left = side.select(*[F.col(c).alias(f"x_{c}") for c in side.columns])
    right = side.select(*[F.col(c).alias(f"y_{c}") for c in side.columns])
    work = pairs.join(left, F.col("x") == F.col("x_n")).join(right, F.col("y") == F.col("y_n"))
    if known_alignments is not None:
        work = work.join(known_alignments, (F.col("x_key") == F.col("key_x")) & (F.col("y_key") == F.col("key_y")),
                         "left")
    else:
        work = work.withColumn("matches", F.lit(None).cast(_MATCHES))
    settings = sc.broadcast((sources, min_shared_words, min_share))
    aligned = (work.sortWithinPartitions("x").rdd
               .mapPartitions(lambda rows: _align_rows(rows, settings.value)).persist(disk))
    alignments = aligned.filter(lambda item: item[0] == "aligned").map(lambda item: item[1:])
    relations = aligned.filter(lambda item: item[0] == "relation").map(lambda item: item[1])
    reused = aligned.filter(lambda item: item[0] == "aligned").map(lambda item: item[4]).countByValue()
    counts["pairs"], counts["aligned"] = reused[True] + reused[False], reused[False]

    # 6. Earliest witnesses, a copy with its originals' relations, a same-text pair with both sides'.
    kept = _earliest_witnesses(relations)
    found = sorted(kept.collect(), key=lambda r: (r.copy, r.original))
    counts["relations"] = len(found)

    index_prints = prints.select("key", "words", "paragraphs", "marks").dropDuplicates(["key"])
    alignment_schema = T.StructType([
        T.StructField("key_x", T.StringType(), False), T.StructField("key_y", T.StringType(), False),
        T.StructField("matches", T.ArrayType(T.ArrayType(T.LongType())))])
    index_alignments = spark.createDataFrame(alignments.map(lambda item: (item[0], item[1], item[2])),
                                             alignment_schema).dropDuplicates(["key_x", "key_y"])
    return Result(tuple(found), counts, (index_prints, index_alignments))


_MATCHES = "array<array<bigint>>"
_PRINT_COLUMNS = (("words", "binary"), ("paragraphs", "binary"), ("marks", "array<bigint>"))


def _prints_schema():
    T = _spark_types()
    return T.StructType([T.StructField("n", T.LongType(), False), T.StructField("key", T.StringType(), False),
                         T.StructField("words", T.BinaryType()), T.StructField("paragraphs", T.BinaryType()),
                         T.StructField("marks", T.ArrayType(T.LongType())), T.StructField("words_count", T.LongType()),
                         T.StructField("reused", T.BooleanType())])


def _keyed_texts(rows) -> Iterator[tuple]:
    for row in rows:
        article = article_of({"slug": "", "text": row["text"]})
        yield row["n"], reprints.content_key(reprints.plain_text(article)), list(article.paragraphs)


def _fingerprint_rows(rows) -> Iterator[tuple]:
    """Fingerprints of a partition's texts, BATCH texts at a time (as reprints.fingerprints makes
    them); those found in the previous index are passed on as they are."""
    todo: list = []

    def flush():
        made = reprints.fingerprint_texts([t[2] for t in todo])
        for (n, key, _), fp in zip(todo, made):
            yield (n, key, fp.words.astype("<u2").tobytes(), fp.paragraphs.astype("<i4").tobytes(),
                   fp.marks.astype(np.int64).tolist(), len(fp.words), False)
        todo.clear()

    for row in rows:
        if row["words"] is not None:
            yield (row["n"], row["key"], bytes(row["words"]), bytes(row["paragraphs"]), list(row["marks"]),
                   len(row["words"]) // 2, True)
            continue
        todo.append((row["n"], row["key"], row["paragraphs_text"]))
        if len(todo) >= fingerprinting.BATCH:
            yield from flush()
    if todo:
        yield from flush()


def _print_of(row, prefix: str) -> reprints.Fingerprint:
    return reprints.Fingerprint(row[prefix + "key"], np.frombuffer(row[prefix + "words"], dtype="<u2"),
                                np.frombuffer(row[prefix + "paragraphs"], dtype="<i4"), np.empty(0, np.uint32))


def _article_at(row, prefix: str) -> Article:
    return article_of({c: row[prefix + c] for c in ARTICLE_COLUMNS})


def _align_rows(rows, settings) -> Iterator[tuple]:
    """Each pair aligned (or its stored alignment taken), then, when it is a reprint, the relation
    detect makes of it: ("aligned", key_x, key_y, matches, reused) and ("relation", (relation,
    sizes, reprint))."""
    sources, min_shared_words, min_share = settings
    credits = reprints.Credits(sources)
    anchors: dict = {}  # pairs come sorted by x: its anchors serve its next pairs too
    for row in rows:
        x, y = row["x"], row["y"]
        fx, fy = _print_of(row, "x_"), _print_of(row, "y_")
        stored = row["matches"]
        if stored is not None:
            matches = tuple(reprints.Match(*m) for m in stored)
        else:
            for n, fp in ((x, fx), (y, fy)):
                if n not in anchors:
                    if len(anchors) > 2048:
                        anchors.pop(next(iter(anchors)))
                    anchors[n] = reprints.anchors(fp.words)
            matches = tuple(reprints.align(fx, fy, anchors[x], anchors[y]))
        yield ("aligned", fx.key, fy.key, [[m.a, m.a_end, m.b, m.b_end, m.words, m.words_b] for m in matches],
               stored is not None)
        found = _relation(x, y, row["forced"], matches, fx, fy, _article_at(row, "x_"), _article_at(row, "y_"),
                          credits, min_shared_words, min_share)
        if found is not None:
            yield ("relation", found)


def _relation(x: int, y: int, forced: bool, matches, fx, fy, ax: Article, ay: Article, credits,
              min_shared_words: int, min_share: float):
    """The relation detect makes of an aligned pair (x earlier than y), with the words of each
    text and the Reprint its passages give; None when the pair is no reprint. The steps of
    detect's loop over its aligned pairs, one pair at a time."""
    words_x, words_y = sum(m.words for m in matches), sum(m.words_b for m in matches)
    size_x, size_y = len(fx.words), len(fy.words)
    share_x, share_y = words_x / max(1, size_x), words_y / max(1, size_y)
    if not forced and (min(words_x, words_y) < min_shared_words or max(share_x, share_y) < min_share):
        return None
    copy, original, kind, basis = reprints.orient(ax, ay, share_x, share_y, credits)
    flip = copy is ay
    spans = tuple((m.b, m.b_end, m.a, m.a_end, m.words_b) if flip else (m.a, m.a_end, m.b, m.b_end, m.words)
                  for m in matches)
    relation = reprints.Relation(
        copy=y if flip else x, original=x if flip else y, kind=kind, basis=basis,
        copy_words=words_y if flip else words_x, original_words=words_x if flip else words_y,
        spans=spans, forced=forced or basis == "front matter")
    sizes = {x: size_x, y: size_y}
    reprint = offsets.reprints_range(([relation], {x: ax, y: ay}, {x: fx, y: fy}), 0, 1)[0]
    return relation, sizes, reprint


def _earliest_witnesses(relations):
    """The relations earliest_witnesses keeps, each decided among the relations it depends on:
    a copy's relations with those of its originals as copies (which of its witnesses copies
    another), a same-text pair with those of both its sides as copies (what their witnesses
    already explain)."""
    copies = relations.filter(lambda t: t[0].kind == "copy")
    groups = copies.map(lambda t: (t[0].copy, t)).groupByKey().mapValues(list)
    # Each copy's group, with the groups of its originals (an original with no group adds none).
    wanted = groups.flatMap(lambda item: [(o, item[0]) for o in {t[0].original for t in item[1]}])
    borrowed = wanted.join(groups).map(lambda item: (item[1][0], item[1][1])).groupByKey().mapValues(
        lambda lists: [t for group in lists for t in group])
    context = groups.leftOuterJoin(borrowed).mapValues(lambda pair: pair[0] + (pair[1] or []))
    kept_copies = context.flatMap(lambda item: _decide(item[1], lambda r: r.copy == item[0]))
    same = relations.filter(lambda t: t[0].kind != "copy")
    with_copy = same.map(lambda t: (t[0].copy, t)).leftOuterJoin(context).map(
        lambda item: (item[1][0][0].original, (item[1][0], item[1][1] or [])))
    with_both = with_copy.leftOuterJoin(context).map(lambda item: [item[1][0][0], *item[1][0][1], *(item[1][1] or [])])
    kept_same = with_both.flatMap(lambda group: _decide(group, lambda r, first=group[0][0]: r == first))
    return kept_copies.union(kept_same)


def _decide(group, wanted) -> list:
    """earliest_witnesses on a group of (relation, sizes, reprint); the reprints of the kept
    relations `wanted` picks."""
    unique = {(t[0].copy, t[0].original): t for t in group}
    sizes: dict = {}
    for relation, known, _ in unique.values():
        sizes.update(known)
    kept = reprints.earliest_witnesses([t[0] for t in unique.values()], sizes)
    return [unique[r.copy, r.original][2] for r in kept if wanted(r)]


def _previous_index(spark, previous, code: bytes):
    """The previous run's fingerprints (key, words, paragraphs, marks) and alignments (key_x,
    key_y, matches), or None for each it cannot give (none asked, another version)."""
    if previous is None:
        return None, None
    folder = Path(previous) / "index"
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    prints = alignments = None
    if meta.get("version") == reprints.VERSION:
        prints = spark.read.parquet(str(folder / "fingerprints.parquet"))
        if meta.get("code") == code.hex():  # alignment code may change without the fingerprints' version
            alignments = spark.read.parquet(str(folder / "alignments.parquet"))
    return prints, alignments


def write_out(spark, result: Result, out: Path, code: bytes) -> None:
    """reprints.json (data/reprints.json's form), relations.parquet, and index/ for --previous."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "reprints.json").write_bytes(reprints_file(result.reprints))
    T = _spark_types()
    passage = T.StructType([T.StructField(name, T.LongType()) for name in
                            ("copy_start", "copy_end", "original_start", "original_end", "words")])
    schema = T.StructType([T.StructField("copy", T.StringType()), T.StructField("original", T.StringType()),
                           T.StructField("kind", T.StringType()), T.StructField("basis", T.StringType()),
                           T.StructField("copy_share", T.DoubleType()), T.StructField("original_share", T.DoubleType()),
                           T.StructField("passages", T.ArrayType(passage))])
    rows = [(r.copy, r.original, r.kind, r.basis, r.copy_share, r.original_share,
             [(p.copy_start, p.copy_end, p.original_start, p.original_end, p.words) for p in r.passages])
            for r in result.reprints]
    spark.createDataFrame(rows, schema).coalesce(1).write.mode("overwrite").parquet(str(out / "relations.parquet"))
    prints, alignments = result.index
    index = out / "index"
    staging = out / ".index-new"
    if staging.exists():
        shutil.rmtree(staging)
    prints.write.parquet(str(staging / "fingerprints.parquet"))
    alignments.write.parquet(str(staging / "alignments.parquet"))
    (staging / "meta.json").write_text(json.dumps({"version": reprints.VERSION, "code": code.hex(),
                                                   "articles": result.counts["articles"]}) + "\n", encoding="utf-8")
    if index.exists():
        shutil.rmtree(index)
    staging.rename(index)


# --- The command ---------------------------------------------------------------------------

def command(args) -> int:
    """`build.py reprints --engine spark`: see the module's docstring. Returns the exit status."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print(f"reprints: {INSTALL_HINT}", file=sys.stderr)
        return 1
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        print(f"reprints: no Java found (JAVA_HOME or java on the PATH); {INSTALL_HINT}", file=sys.stderr)
        return 1
    from . import digests
    from .config import load_config
    from .load import load_archive
    from .load.registries import load_sources
    from .model import BuildError

    config_path = Path(getattr(args, "config", "config.yaml"))
    config = None
    try:
        if config_path.is_file():
            config = load_config(config_path)
        elif args.input is None:
            print(f"reprints: no config file {config_path}: run it in an archive's folder, give --config, "
                  "or read articles with --input FILE", file=sys.stderr)
            return 1
        if args.input is not None and args.out is None:
            print("reprints: --input needs --out DIR (the relations of a corpus are written there)", file=sys.stderr)
            return 1
        code = digests.code_digest()
        sources: dict = {}
        archive = None
        problems: list = []
        if args.sources is not None:
            sources = load_sources(Path(args.sources), Path(args.sources).parent, problems)
        if args.input is None:
            archive, problems = load_archive(config.articles, config.project)
            if archive is None or any(p.severity == "error" for p in problems):
                raise BuildError(problems)
            sources = archive.sources
        elif config is not None and args.sources is None:
            sources = load_sources(config.articles / "sources.yaml", config.project, problems)
        if any(p.severity == "error" for p in problems):
            raise BuildError(problems)
    except BuildError as failure:
        for problem in failure.diagnostics:
            print(problem.format(), file=sys.stderr)
        return 1
    min_words = config.reprint_min_shared_words if config else 40
    min_share = config.reprint_min_share if config else 0.15
    started = time.perf_counter()
    from pyspark.sql import SparkSession
    ours = SparkSession.getActiveSession() is None  # a caller's session (tests, notebooks) is left running
    spark = session(args.master, args.partitions)
    try:
        frame = (read_articles(spark, args.input) if args.input is not None
                 else articles_frame(spark, archive.articles, args.partitions))
        result = detect(spark, frame, sources, min_words, min_share, previous=args.previous, code=code)
        if args.out is not None:
            write_out(spark, result, Path(args.out), code)
    except (OSError, ValueError) as failure:
        print(f"reprints: error: {failure}", file=sys.stderr)
        return 1
    finally:
        if ours:
            spark.stop()
    if archive is not None:
        made_from = reprint_store.digest(archive.articles, sources, min_words, min_share, code)
        path = reprint_store.store_path(config.cache_dir)
        reprint_store.save(path, made_from, reprint_records(result.reprints))
        print(f"stored for the next build: {path}")
    c = result.counts
    reused = ", the rest from --previous" if args.previous else ""
    print(f"{c['relations']} reprint relations among {c['articles']} articles ({c['fingerprinted']} fingerprinted, "
          f"{c['aligned']} of {c['pairs']} pairs aligned{reused}) in "
          f"{time.perf_counter() - started:.1f}s" + (f"; written to {args.out}" if args.out else ""))
    return 0
