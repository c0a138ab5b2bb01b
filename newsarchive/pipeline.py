"""The whole build, stage by stage. Read `build` and `_build` to learn how a site is made."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import time
from dataclasses import dataclass
from pathlib import Path

from . import digests, lock, publish, quickcheck, statefile, theme
from .config import Config
from .model import BuildError, Diagnostic

STATE_FILE = "build-state.bin"
QUICK_FILE = "build-quick.bin"  # the little the quick check needs, apart from the big state


def state_files(config: Config) -> tuple[Path, Path]:
    """The state and quick-check files of builds into config.output (each output has its own)."""
    folder = config.cache_dir
    tag = digests.blake(str(config.output).encode()).hex()[:12]
    return folder / f"{tag}-{STATE_FILE}", folder / f"{tag}-{QUICK_FILE}"


@dataclass(frozen=True)
class BuildReport:
    pages: int
    files: int
    made: int  # outputs made anew; the others were kept from the previous build
    written: int  # files written (made outputs whose bytes changed)
    removed: int
    reprints: int
    search_parts: int  # the search index is made of this many Pagefind indexes (search.py)
    search_redone: int  # of which this many were made again
    warnings: tuple[Diagnostic, ...]
    notes: tuple[str, ...]


def build(config: Config, strict: bool = False, force: bool = False, full: bool = False,
          workers: int | None = None, progress=None, parallel_min: int | None = None) -> BuildReport:
    """Build the site into config.output. `full` ignores what the previous build left;
    `progress(stage, done, total)` hears how the build goes; pages are made by `workers`
    processes from `parallel_min` pages to make (render.PARALLEL_MIN unless given)."""
    # The whole build runs without full garbage collections (see _no_full_collections).
    with _no_full_collections():
        # Refuse a dangerous output folder before doing any work. The templates and static files
        # are the archive's, then the package's where the archive has none (theme.py).
        inputs = [config.articles, config.templates, config.static, *theme.package_folders(config)]
        refusals = publish.check_output_folder(config.output, config.project, inputs, force) + theme.missing(config)
        if refusals:
            raise BuildError(refusals)
        notes = []
        report = progress or (lambda stage, done=0, total=0: None)
        # One writer per output folder; `add` may not change the articles while we read them.
        with lock.hold(config.output, "a build") as stale, lock.hold(config.articles, "a build", shared=True):
            if stale:
                notes.append(f"cleared a stale lock left by {stale}")
            # When no input file changed and the last site is as it was written, there is nothing
            # to do: this check reads no article and imports none of the stages.
            started = time.time_ns()
            code = digests.code_digest()
            listing, input_stats = quickcheck.input_listing(inputs, [config.file])
            state_path, quick_path = state_files(config)
            quick = None if full else statefile.load(quick_path, quickcheck.QuickState, code)
            if quick and not (strict and quick.report.warnings) \
                    and quickcheck.nothing_changed(quick, listing, input_stats, config.output):
                return dataclasses.replace(quick.report, made=0, written=0, removed=0, search_redone=0,
                                           notes=tuple(notes))
            from .outputrows import DamagedRows
            try:
                result, state = _build(config, strict, full, workers, parallel_min, report, notes, code,
                                       started, input_stats, state_path)
            except DamagedRows as damage:  # a row of the state found damaged while looking it up
                notes.append(f"{state_path}: {damage} was damaged; building everything")
                result, state = _build(config, strict, True, workers, parallel_min, report, notes, code,
                                       started, input_stats, state_path)
            # Files changed just before this build are known by content for the next quick check
            # (a template or static file among them is not: the next build then takes the long way).
            racy = {path: state.inputs[path][1] for path in quickcheck.racy_files(input_stats, started)
                    if path in state.inputs}
            statefile.save(quick_path, quickcheck.QuickState(code, listing, started, racy, state.output_stats, result))
            return result


def _build(config: Config, strict: bool, full: bool, workers: int | None, parallel_min: int | None, report,
           notes: list, code: bytes, started: int, input_stats: dict, state_path: Path):
    """The stages, imported only when there is work for them. Returns the report and the state
    kept for the next build."""
    from . import buildstate, changes, search, sitemodel
    from .buildstate import ParsedArticle
    from .dependencies import Digester
    from .load import check_links, load_archive
    from .outputrows import ReadIndex
    from .render import render

    before = None if full else buildstate.read(state_path, code)
    if before is None and not full and state_path.exists():
        notes.append(f"{state_path} was damaged or made by another version; building everything")
    # Files are digested again only when their stat, taken by the listing, changed.
    inputs = digests.FileDigests(before and before.inputs, before.time if before else 0, stats=input_stats)
    # 1. Load and validate everything; nothing is written unless all of it passes. Articles
    #    whose file, capture and registries are unchanged come parsed from the state.
    report("load")
    archive, problems = load_archive(config.articles, config.project, inputs=inputs,
                                     parsed=before.parsed if before else None, workers=workers)
    for folder in (config.templates, config.static):
        check_links(folder, config.project, problems)
    if archive is None or any(p.severity == "error" or strict for p in problems):
        raise BuildError(problems)
    # 2. Find which articles copy which, from their texts (fingerprints and the passages shared
    #    by pairs of unchanged texts come from the cache: fpcache.py).
    report("reprints")
    relations = _stored_reprints(config, archive, code, notes)  # made by `build.py reprints --engine spark`
    if relations is None:
        relations = _detect_reprints(config, archive, code, workers)
    # 3. Join it all into the model the templates read.
    site = sitemodel.build_site(config, archive, relations)
    digester = Digester({entry.article.slug: entry.digest for entry in archive.parsed.values()
                         if isinstance(entry, ParsedArticle)})
    # What changed since the previous build: the values of the Site that can differ.
    relation_digests = changes.relation_digests(relations, digester)
    affected = changes.affected_keys(before and changes.changes_since(before.parsed, before.relations,
                                                                      archive.parsed, relation_digests), site)
    # 4. Make the outputs whose inputs changed (all of them the first time) into a stage,
    #    5. index the article pages for search, then 6. put the stage in place: a new site
    #    swapped in whole, or changed files renamed.
    kept = _still_on_disk(before, config.output) if before else {}
    stage = publish.PatchStage(config.output) if kept else publish.FullStage(config.output)
    try:
        count = [0]

        def made_some(n: int, total: int) -> None:
            count[0] += n
            report("render", count[0], total)

        reads = before.reads if kept else ReadIndex()
        if kept and affected is not None:
            changes.reuse_digests(site, affected, reads, digester)
        records, made = render(site, kept, reads, affected, digester, stage,
                               digests.files_digest(theme.files(config, "templates")),
                               workers=workers, progress=made_some, parallel_min=parallel_min)
        report("search")
        searched = search.index(records, kept, before.outputs if before else {}, before and before.search, stage)
        written = {path for path, record in records.items()
                   if path not in kept or kept[path].digest != record.digest}
        report("publish")
        stage.commit(set(records), written)
    except BaseException:
        stage.abort()
        raise
    # 7. Keep what the next build needs.
    stats = before.output_stats if kept else {}
    output_stats = {path: stats[path] if path not in written and path in stats
                    else _stat(config.output / path) for path in records}
    state = buildstate.BuildState(code=code, time=started, inputs=inputs.now, parsed=archive.parsed,
                                  outputs=records, reads=reads, search=searched.state, output_stats=output_stats,
                                  relations=relation_digests, stored=before.stored if before else {},
                                  stored_outputs=before.stored_outputs if kept else {})
    buildstate.write(state_path, state)
    removed = len(set(before.outputs if before else ()) - set(records))
    result = BuildReport(pages=sum(1 for path in records if path.endswith(".html")), files=len(records),
                         made=made, written=len(written), removed=removed,
                         reprints=len(relations), search_parts=searched.indexes, search_redone=searched.redone,
                         warnings=archive.warnings, notes=tuple(notes))
    return result, state


def _stored_reprints(config: Config, archive, code: bytes, notes: list):
    """The relations the Spark job stored (reprint_store.py) when made from these very articles,
    settings and code; else None, with a note when a store is there but stale."""
    from . import reprint_store
    path = reprint_store.store_path(config.cache_dir)
    if not path.exists():
        return None
    made_from = reprint_store.digest(archive.articles, archive.sources, config.reprint_min_shared_words,
                                     config.reprint_min_share, code)
    relations, why_not = reprint_store.load(path, made_from)
    if why_not:
        notes.append(why_not)
    return relations


def _detect_reprints(config: Config, archive, code: bytes, workers: int | None):
    """Which articles copy which; fingerprints of articles whose text has not changed since the
    last build come from the cache, and so do the passages shared by pairs of such texts."""
    from . import fpcache, reprints

    fingerprints_path = config.cache_dir / fpcache.FINGERPRINTS_FILE
    cached = fpcache.load(fingerprints_path)
    prints = reprints.fingerprints(archive.articles, known=cached, workers=workers)
    if {fp.key for fp in prints} != set(cached):
        fpcache.save(fingerprints_path, prints)
    # The last detection's index is updated for the articles that changed since (reprints/incremental.py)...
    index_path = config.cache_dir / fpcache.INDEX_FILE
    thresholds = (config.reprint_min_shared_words, config.reprint_min_share)
    before = fpcache.load_index(index_path, code)
    updates = before.updates if before else -1
    updated = reprints.update(before, archive.articles, prints, cached, *thresholds, sources=archive.sources,
                              workers=workers)
    if isinstance(updated, str):  # ...unless it cannot say exactly what detecting all of them would
        alignments_path = config.cache_dir / fpcache.ALIGNMENTS_FILE
        alignments = fpcache.load_alignments(alignments_path, code)
        aligned_before = set(alignments)
        updated = reprints.detect_indexed(archive.articles, *thresholds, sources=archive.sources, prints=prints,
                                          alignments=alignments, workers=workers)
        if set(alignments) != aligned_before:
            fpcache.save_alignments(alignments_path, alignments, code)
    relations, index = updated
    if index is not before or index.updates != updates:
        fpcache.save_index(index_path, index, code)
    return relations


def _stat(path: Path) -> tuple[int, int]:
    stat = os.stat(path)
    return (stat.st_size, stat.st_mtime_ns)


def _still_on_disk(state, output: Path) -> dict:
    """The previous outputs whose files are still as that build left them; the rest are made again."""
    if publish.read_manifest(output) != set(state.outputs):
        return {}
    kept = {}
    root, stats = str(output) + os.sep, state.output_stats
    for path, record in state.outputs.items():
        try:
            stat = os.stat(root + path)
        except OSError:
            continue
        if (stat.st_size, stat.st_mtime_ns) == stats.get(path):
            kept[path] = record
    return kept


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
