"""The whole build, stage by stage. Read this function to learn how a site is made."""

from __future__ import annotations

import concurrent.futures
import contextlib
import gc
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import incremental, lock, publish, theme
from .config import Config
from .model import BuildError, Diagnostic, OutputFile

STATE_FILE = "build-state.bin"
QUICK_FILE = "build-quick.bin"  # the little the quick check needs, apart from the big state


def state_files(config: Config) -> tuple[Path, Path]:
    """The state and quick-check files of builds into config.output (each output has its own)."""
    folder = config.cache.parent
    tag = incremental.blake(str(config.output).encode()).hex()[:12]
    return folder / f"{tag}-{STATE_FILE}", folder / f"{tag}-{QUICK_FILE}"


@dataclass(frozen=True)
class BuildReport:
    pages: int
    files: int
    made: int  # outputs made anew; the others were kept from the previous build
    written: int  # files written (made outputs whose bytes changed)
    removed: int
    reprints: int
    search_parts: int  # the search index is made of this many Pagefind indexes
    search_redone: int  # of which this many were made again
    warnings: tuple[Diagnostic, ...]
    notes: tuple[str, ...]


def build(config: Config, strict: bool = False, force: bool = False, full: bool = False,
          workers: int | None = None, progress=None) -> BuildReport:
    """Build the site into config.output. `full` ignores what the previous build left;
    `progress(stage, done, total)` hears how the build goes."""
    # 0. Refuse a dangerous output folder before doing any work. The templates and static files
    #    are the archive's, then the package's where the archive has none (theme.py).
    themes = theme.package_folders(config)
    refusals = publish.check_output_folder(
        config.output, config.project, [config.articles, config.templates, config.static, *themes], force)
    refusals += theme.missing(config)
    if refusals:
        raise BuildError(refusals)
    notes = []
    report = progress or (lambda stage, done=0, total=0: None)
    # One writer per output folder; `add` may not change the articles while we read them.
    with lock.hold(config.output, "a build") as stale, lock.hold(config.articles, "a build", shared=True):
        if stale:
            notes.append(f"cleared a stale lock left by {stale}")
        # When no input file changed and the last site is as it was written, there is nothing to do:
        # this check reads no article and imports none of the stages.
        started = time.time_ns()
        code = incremental.code_digest()
        listing, input_stats = incremental.input_listing(
            [config.articles, config.templates, config.static, *themes], [config.file])
        state_path, quick_path = state_files(config)
        quick = None if full else incremental.load_state(quick_path, code)
        if quick and quick["listing"] == listing and not (strict and quick["report"]["warnings"]) \
                and all(incremental.same_content(path, quick["racy"].get(path))
                        for path in incremental.racy_files(input_stats, quick["time"])) \
                and incremental.outputs_unchanged(config.output, quick["stats"]):
            return BuildReport(**quick["report"], made=0, written=0, removed=0, search_redone=0,
                               notes=tuple(notes))
        with _no_full_collections():
            return _build(config, strict, full, workers, report, notes, code, (listing, input_stats), started,
                          state_path, quick_path)


def _build(config: Config, strict: bool, full: bool, workers, report, notes: list, code: bytes,
           listing: tuple, started: int, state_path: Path, quick_path: Path) -> BuildReport:
    # The stages, imported only when there is work for them.
    from . import fpcache, reprints, search, sitemodel
    from .load import REGISTRY_KEY, check_links, load_archive
    from .render import article_url, render

    state = None if full else _read_state(state_path, code)
    if state is None and not full and state_path.exists():
        notes.append(f"{state_path} was damaged or made by another version; building everything")
    # Files are digested again only when their stat, taken by the listing, changed.
    inputs = incremental.FileDigests(state and state["inputs"], state["time"] if state else 0, stats=listing[1])
    # 1. Load and validate everything; nothing is written unless all of it passes. Articles
    #    whose file, capture and registries are unchanged come parsed from the state.
    report("load")
    archive, problems = load_archive(config.articles, config.project, inputs=inputs,
                                     parsed=state["articles"] if state else None)
    for folder in (config.templates, config.static):
        check_links(folder, config.project, problems)
    errors = [p for p in problems if p.severity == "error" or strict]
    if archive is None or errors:
        raise BuildError(problems)
    # 2. Find which articles copy which, from their texts; fingerprints of articles whose
    #    text has not changed since the last build come from the cache, and so do the passages
    #    shared by pairs of such texts.
    report("reprints")
    relations = _stored_reprints(config, archive, code, notes)  # made by `build.py reprints --engine spark`
    if relations is None:
        cached = fpcache.load(config.cache)
        prints = reprints.fingerprints(archive.articles, known=cached)
        if {fp.key for fp in prints} != set(cached):
            fpcache.save(config.cache, prints)
        alignments_path = config.cache.with_name(fpcache.ALIGNMENTS_FILE)
        alignments = fpcache.load_alignments(alignments_path, code)
        aligned_before = set(alignments)
        relations = reprints.detect(archive.articles, config.reprint_min_shared_words, config.reprint_min_share,
                                    sources=archive.sources, prints=prints, alignments=alignments)
        if set(alignments) != aligned_before:
            fpcache.save_alignments(alignments_path, alignments, code)
    # 3. Join it all into the model the templates read.
    site = sitemodel.build_site(config, archive, relations)
    digester = incremental.Digester({entry[1].slug: entry[4] for key, entry in archive.parsed.items()
                                     if not key.startswith(REGISTRY_KEY)})
    # 4. Make the outputs whose inputs changed (all of them the first time) into a stage,
    #    then 5. put the stage in place: a new site swapped in whole, or changed files renamed.
    previous = _still_on_disk(state, config.output) if state else {}
    stage = publish.PatchStage(config.output) if previous else publish.FullStage(config.output)
    try:
        count = [0]

        def made_some(n: int, total: int) -> None:
            count[0] += n
            report("render", count[0], total)

        parts = state["parts"] if previous else incremental.Parts()
        search_groups = search.parts([article_url(article.slug) for article in site.articles])
        records, made = render(site, previous, parts, digester, stage,
                               incremental.files_digest(theme.files(config, "templates")),
                               len(search_groups), workers=workers, progress=made_some)
        report("search")
        search_keys, shards_redone = _index_for_search(records, previous, state, stage, search_groups)
        written = {path for path, record in records.items()
                   if path not in previous or previous[path].digest != record.digest}
        report("publish")
        if isinstance(stage, publish.PatchStage):
            stage.commit(set(records), written)
        else:
            stage.commit(set(records))
    except BaseException:
        stage.abort()
        raise
    removed = len(set(state["outputs"] if state else ()) - set(records))
    stats = state["stats"] if previous else {}
    output_stats = {path: stats[path] if path not in written and path in stats
                    else _stat(config.output / path) for path in records}
    summary = {"pages": sum(1 for path in records if path.endswith(".html")), "files": len(records),
               "reprints": len(relations), "warnings": archive.warnings,
               "search_parts": len(search_keys)}
    part_table, records = parts.packed(records)
    incremental.save_state(state_path, {
        "code": code,
        "time": started,
        "inputs": inputs.now,
        "articles": incremental.pack_parsed(archive.parsed),
        "outputs": incremental.pack_outputs(records),
        "parts": part_table,
        "search_keys": search_keys,
        "search_files": _by_recipe(records, "search"),
        "stats": output_stats,
    })
    # Files changed just before this build are known by content for the next quick check (a
    # template or static file among them is not: the next build then takes the long way).
    listing, input_stats = listing
    racy = {path: inputs.now[path][1] for path in incremental.racy_files(input_stats, started) if path in inputs.now}
    incremental.save_state(quick_path, {
        "code": code, "listing": listing, "time": started, "racy": racy, "stats": output_stats, "report": summary})
    return BuildReport(**summary, made=made, written=len(written), removed=removed, search_redone=shards_redone,
                       notes=tuple(notes))


def _stored_reprints(config: Config, archive, code: bytes, notes: list):
    """The relations the Spark job stored (reprint_store.py) when made from these very articles,
    settings and code; else None, with a note when a store is there but stale."""
    from . import reprint_store
    path = reprint_store.store_path(config.cache)
    if not path.exists():
        return None
    made_from = reprint_store.digest(archive.articles, archive.sources, config.reprint_min_shared_words,
                                     config.reprint_min_share, code)
    relations, why_not = reprint_store.load(path, made_from)
    if why_not:
        notes.append(why_not)
    return relations


def _read_state(path: Path, code: bytes) -> dict | None:
    """The previous build's state with its outputs and parsed articles unpacked (see
    incremental.pack_outputs), or None when there is none to trust."""
    state = incremental.load_state(path, code)
    if state is not None:
        state["outputs"] = incremental.unpack_outputs(state["outputs"])
        state["parts"] = incremental.Parts(state["parts"]["keys"], state["parts"]["digests"])
        state["articles"] = incremental.unpack_parsed(state["articles"])
    return state


def _by_recipe(records: dict, prefix: str) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for path, record in records.items():
        if record.recipe.startswith(prefix):
            grouped.setdefault(record.recipe, []).append(path)
    return grouped


def _stat(path: Path) -> tuple[int, int]:
    stat = os.stat(path)
    return (stat.st_size, stat.st_mtime_ns)


def _still_on_disk(state: dict, output: Path) -> dict:
    """The previous outputs whose files are still as that build left them; the rest are made again."""
    if publish.read_manifest(output) != set(state["outputs"]):
        return {}
    kept = {}
    root, stats = str(output) + os.sep, state["stats"]
    for path, record in state["outputs"].items():
        try:
            stat = os.stat(root + path)
        except OSError:
            continue
        if (stat.st_size, stat.st_mtime_ns) == stats.get(path):
            kept[path] = record
    return kept


def _index_for_search(records: dict, previous: dict, state, stage, groups: list[list[str]]) -> tuple[dict, int]:
    """Pagefind's index, in parts (`groups`, search.parts of the article pages): a part is made
    again only when one of its pages changed."""
    from . import search
    from .render import Made

    searchable = {path for path, record in records.items() if record.searchable}
    shards = len(groups)
    old_keys = state.get("search_keys", {}) if state else {}
    on_disk = _by_recipe(previous, "search")  # each part's files still as the last build wrote them
    keys, todo = {}, []
    for shard, part in enumerate(groups):
        members = [path for path in part if path in searchable]
        recipe = f"search:{shard}/{shards}"
        keys[recipe] = incremental.blake("\n".join(f"{path} {records[path].digest.hex()}"
                                                   for path in members).encode())
        kept = on_disk.get(recipe, [])
        if old_keys.get(recipe) == keys[recipe] and kept and len(kept) == len(state["search_files"].get(recipe, ())):
            records.update((path, previous[path]) for path in kept)
        else:
            todo.append((shard, recipe, members))

    # Two parts at a time with two cores, each thread keeping one Pagefind process for all
    # the parts it indexes.
    mine, started = threading.local(), []

    def index(job):
        shard, recipe, members = job
        if not hasattr(mine, "service"):
            mine.service = search.Service()
            started.append(mine.service)
        return recipe, search.index_shard([OutputFile(path, stage.read(path)) for path in members], shard,
                                          mine.service)

    try:
        with concurrent.futures.ThreadPoolExecutor(max(1, min(len(todo), os.cpu_count() or 1))) as pool:
            for recipe, files in pool.map(index, todo):
                for item in files:
                    stage.write(item.path, item.content)
                    records[item.path] = Made(recipe, b"", incremental.blake(item.content), False)
    finally:
        for service in started:
            service.close()
    return keys, len(todo)


@contextlib.contextmanager
def _no_full_collections():
    """A build holds millions of objects until it ends (the previous build's state, the archive,
    the site). Python's cyclic collector walks all of them, to find nothing, whenever the heap has
    grown by a quarter: a second of a rebuild at 10,000 articles. Young objects are collected as
    usual; the full collections wait until the build is over."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], 1 << 30)  # counted in middle-generation collections: never
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
