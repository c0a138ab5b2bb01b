"""The whole build, stage by stage. Read `build` and `_build` to learn how a site is made."""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import functools
import gc
import os
import time
from collections import ChainMap
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from stat import S_ISREG

from . import digests, lock, memo, publish, quickcheck, statefile, theme
from .config import Config
from .model import BuildError, Diagnostic

_SLUG = attrgetter("slug")  # of an Article

STATE_FILE = "build-state.bin"
QUICK_FILE = "build-quick.bin"  # the little the quick check needs, apart from the big state
COMPILED_TEMPLATES = "templates"  # the folder of templates compiled by earlier builds (render.CompiledTemplates)


class BuildMemory:
    """What a process that builds again and again (`serve`) keeps of its last build, so that
    the next build takes it from memory instead of reading it back from disk: the build state,
    the reprint fingerprints and the reprint index. Each is kept with the stat of the files it
    was written to or read from, and is taken only while those files are still the ones on
    disk: another process's build, or a cache removed by hand, makes the next build read the
    files again. A part is taken out when a build starts and kept again only when it succeeds,
    so a failed build (which may have changed it half-way) leaves nothing behind."""

    def __init__(self, keeps: bool = True):
        self.keeps = keeps  # False: a one-off build's, which keeps nothing
        self._parts: dict[str, tuple[tuple, object]] = {}
        # The inputs as the last build listed them (quickcheck.InputListing: each file's stat,
        # each folder's names), with the stamp of the state on disk then: where a build told
        # which files changed starts from (listed_after).
        self._listed: tuple[tuple, quickcheck.InputListing] | None = None

    def take(self, part: str, config: Config, code: bytes):
        """The part as kept, while its files are as they were; else as read from them now."""
        files, read = _on_disk(config, code)[part]
        held = self._parts.pop(part, None)
        if held and held[0] == _stamp(files, code):
            return held[1]
        with _kept_from_collector():
            return read()

    def listed_after(self, changed: frozenset[str], config: Config, code: bytes) -> quickcheck.InputListing | None:
        """The inputs' listing as the last build took it, with the `changed` files stat-ed
        again and their names put in or taken out of their folders' (no digest: the build
        lists every file once the site is shown, and checks its word). The listing a build
        would take now if nothing else changed since, without reading a folder (100,000 names
        at 100,000 articles, 0.2 s). None when that cannot be known without listing every
        file: the state on disk is not the one kept in memory with that listing (another
        process may have built since), or a changed path is, or may have been, a folder (a
        folder moved in or out is reported as the folder alone)."""
        listed, self._listed = self._listed, None
        held = self._parts.get("state")
        if listed is None or held is None or not listed[0] == held[0] == self._state_stamp(config, code):
            return None
        stats, folders = dict(listed[1].stats), dict(listed[1].folders)
        for path in changed:
            try:
                stat = os.stat(path)
            except OSError:
                if stats.pop(path, None) is None:
                    return None  # gone, and not a file listed before: maybe a folder
                _name_moved(folders, path, there=False)
                continue
            if not S_ISREG(stat.st_mode):
                return None
            _name_moved(folders, path, there=True)
            if os.path.basename(path).startswith("."):
                continue  # never an input (quickcheck.input_listing)
            stats[path] = digests.stat_key(stat)
        return quickcheck.InputListing(b"", stats, folders)

    def keep_listed(self, config: Config, code: bytes, listed: quickcheck.InputListing) -> None:
        """Keep the inputs' listing a build took, once it wrote its state, or found nothing to
        do since the build that wrote the state on disk."""
        if self.keeps:
            self._listed = (self._state_stamp(config, code), listed)

    @staticmethod
    def _state_stamp(config: Config, code: bytes) -> tuple:
        return _stamp(_on_disk(config, code)["state"][0], code)

    def keep(self, part: str, config: Config, code: bytes, value) -> None:
        if value is not None and self.keeps:
            self._parts[part] = (_stamp(_on_disk(config, code)[part][0], code), value)

    def load(self, config: Config) -> None:
        """Read what the last build left into memory now (`serve`, idle after its first build
        found nothing to do), so that the first rebuild need not."""
        code = digests.code_digest()
        for part, (files, read) in _on_disk(config, code).items():
            if part in self._parts:
                continue
            before = _stamp(files, code)
            value = read()
            if value is not None and _stamp(files, code) == before:  # not rewritten while it was read
                self._parts[part] = (before, value)


def _name_moved(folders: dict[str, tuple[list[str], set[str]]], path: str, there: bool) -> None:
    """Put the file at `path` in its folder's listed names (InputListing.folders), or take it
    out, with whether it is a symbolic link; the lists are copied, never changed in place (the
    listing they come from is the last build's)."""
    folder, name = os.path.split(path)
    if folder not in folders:
        return  # a folder not listed: a file named apart (the config), or none of the inputs'
    names, links = folders[folder]
    at = bisect.bisect_left(names, name)
    present = at < len(names) and names[at] == name
    if there and not present:
        names = [*names[:at], name, *names[at:]]
    elif not there and present:
        names = [*names[:at], *names[at + 1:]]
    if there and os.path.islink(path):
        links = links | {name}
    elif name in links:
        links = links - {name}
    folders[folder] = (names, links)


def _on_disk(config: Config, code: bytes) -> dict:
    """Each part BuildMemory keeps: the files it is kept in, and how it is read from them."""
    from . import buildstate, fpcache

    state_path = state_files(config)[0]
    fingerprints, index = config.cache_dir / fpcache.FINGERPRINTS_FILE, config.cache_dir / fpcache.INDEX_FILE
    return {"state": ((state_path, buildstate.rows_path(state_path)), lambda: buildstate.read(state_path, code)),
            "fingerprints": ((fingerprints,), lambda: fpcache.load(fingerprints)),
            "index": ((index,), lambda: fpcache.load_index(index, code))}


def _stamp(files: tuple[Path, ...], code: bytes) -> tuple:
    """The files as they are now (None for one missing), and the generator's code."""
    stamps = []
    for path in files:
        try:
            stat = os.stat(path)
            stamps.append((stat.st_ino, stat.st_size, stat.st_mtime_ns))
        except OSError:
            stamps.append(None)
    return (code, *stamps)


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
    search_parts: int  # the search index is made of this many indexes: a large one and maybe a small one (search.py)
    search_redone: int  # of which this many were made again
    warnings: tuple[Diagnostic, ...]
    notes: tuple[str, ...]
    # A build told which inputs changed found others changed too, or outputs changed by hand:
    # its site may be out of date; the next build, not told, checks everything.
    missed_changes: bool = False


def build(config: Config, strict: bool = False, force: bool = False, full: bool = False,
          workers: int | None = None, progress=None, parallel_min: int | None = None,
          memory: BuildMemory | None = None, published=None, changed: frozenset[str] | None = None) -> BuildReport:
    """Build the site into config.output. `full` ignores what the previous build left;
    `progress(stage, done, total)` hears how the build goes; pages are made by `workers`
    processes from `parallel_min` pages to make (render.PARALLEL_MIN unless given). A process
    that builds again passes the same `memory` each time; `published()` is called as soon as
    the new site is in place, before what the next build needs is written.

    `changed`, from a process watching the input folders (`serve`), names the input files
    changed since its last build: then every other input and output is taken to be as that
    build left it, without a stat of each, and this is checked once the site is published. A
    report with `missed_changes` says the check failed: build again without `changed`."""
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
        memory = memory or BuildMemory(keeps=False)  # kept by the caller only if it passed one
        # One writer per output folder; `add` may not change the articles while we read them.
        with lock.hold(config.output, "a build") as stale, lock.hold(config.articles, "a build", shared=True), \
                contextlib.ExitStack() as stack:
            if stale:
                notes.append(f"cleared a stale lock left by {stale}")
            # When no input file changed and the last site is as it was written, there is nothing
            # to do: this check reads no article and imports none of the stages.
            started = time.time_ns()
            code = digests.code_digest()
            state_path, quick_path = state_files(config)
            # Told which files changed, a build of `serve` need not list every input.
            watched = None if full or changed is None else memory.listed_after(changed, config, code)
            outputs = None  # the check of the last build's outputs, made while the inputs are listed
            if watched is None:
                quick = None if full else statefile.load(quick_path, quickcheck.QuickState, code)
                if quick:
                    outputs = stack.enter_context(contextlib.closing(
                        quickcheck.OutputCheck(config.output, quick.stats, quick.time, workers)))
                listed = quickcheck.input_listing(inputs, [config.file])
                listing, input_stats = listed.digest, listed.stats
                if quick and not (strict and quick.report.warnings) \
                        and quickcheck.nothing_changed(quick, listing, input_stats, outputs):
                    memory.keep_listed(config, code, listed)
                    return dataclasses.replace(quick.report, made=0, written=0, removed=0, search_redone=0,
                                               notes=tuple(notes))
            else:
                listed, listing, input_stats = watched, None, watched.stats
            from .outputrows import DamagedRows
            with _text_spool(state_path, memory) as spool:
                try:
                    result, state = _build(config, strict, full, workers, parallel_min, report, notes, code,
                                           started, input_stats, state_path, memory, published, spool,
                                           None if watched is None else changed, outputs, listed)
                except DamagedRows as damage:  # a row of the state found damaged while looking it up
                    notes.append(f"{state_path}: {damage} was damaged; building everything")
                    result, state = _build(config, strict, True, workers, parallel_min, report, notes, code,
                                           started, input_stats, state_path, memory, published, spool, None, None,
                                           listed)
            if listing is None:
                # The site is shown: now check the watcher's word that no other input changed,
                # and that the outputs taken as the last build left them still are.
                relisted = quickcheck.input_listing(inputs, [config.file])
                listing = relisted.digest
                if relisted.stats != input_stats or quickcheck.changed_outputs(config.output, state.output_stats):
                    quick_path.unlink(missing_ok=True)  # the next build lists and checks everything
                    return dataclasses.replace(result, missed_changes=True)
                listed = relisted
            memory.keep_listed(config, code, listed)
            # Files changed just before this build are known by content for the next quick check
            # (a template or static file among them is not: the next build then takes the long way).
            racy = {path: state.inputs[path][1] for path in quickcheck.racy_files(input_stats, started)
                    if path in state.inputs}
            outputs_packed = quickcheck.PackedStats.of(state.output_stats, len(input_stats))
            statefile.save(quick_path, quickcheck.QuickState(code, listing, started, racy, outputs_packed, result))
            return result


def _build(config: Config, strict: bool, full: bool, workers: int | None, parallel_min: int | None, report,
           notes: list, code: bytes, started: int, input_stats: dict, state_path: Path, memory: BuildMemory,
           published, spool, changed: frozenset[str] | None, outputs, listed):
    """The stages, imported only when there is work for them. Returns the report and the state
    kept for the next build. `spool`, where the texts of articles parsed are kept (None: in
    memory). `changed`, the watcher's word: the only inputs changed since the last build, whose
    outputs are taken to be as it left them (`build` checks both afterwards). `outputs`, the
    quickcheck.OutputCheck of some build's outputs, if one was made. `listed`, the
    quickcheck.InputListing `input_stats` come from: as listed, or as the watcher's word moved
    the last one (BuildMemory.listed_after)."""
    from . import buildstate, changes, search, sitemodel
    from .buildstate import ParsedArticle
    from .dependencies import Digester
    from .load import check_links, load_archive
    from .outputrows import ReadIndex
    from .render import render

    before = None if full else memory.take("state", config, code)
    if before is None and not full and state_path.exists():
        notes.append(f"{state_path} was damaged or made by another version; building everything")
    # Files are digested again only when their stat, taken by the listing, changed.
    inputs = digests.FileDigests(before and before.inputs, before.time if before else 0, stats=input_stats,
                                 changed=changed if before else None)
    # 1. Load and validate everything; nothing is written unless all of it passes. Articles
    #    whose file, capture and registries are unchanged come parsed from the state.
    report("load")
    archive, problems = load_archive(config.articles, config.project, inputs=inputs,
                                     parsed=before.parsed if before else None, workers=workers, spool=spool,
                                     listed=listed, named=before.named if before else None)
    for folder in (config.templates, config.static):
        check_links(folder, config.project, problems)
    if archive is None or any(p.severity == "error" or strict for p in problems):
        raise BuildError(problems)
    # 2. Find which articles copy which, from their texts (fingerprints and the passages shared
    #    by pairs of unchanged texts come from the cache: fpcache.py).
    report("reprints")
    # Each article's digest of its fields but its text, by slug: what detection and pages read of it moves with it.
    article_digests = {entry.article.slug: entry.digest for entry in archive.parsed.values()
                       if isinstance(entry, ParsedArticle)}
    relations = _stored_reprints(config, archive, code, notes)  # made by `build.py reprints --engine spark`
    later: list = []  # cache files to write once the site is in place
    if relations is None:
        relations = _detect_reprints(config, archive, article_digests, code, workers, memory, later)
    if not memory.keeps:
        # No process waits to be shown the site first: the caches are written now, and the
        # fingerprints and the index let go of before pages are made (1.2 GB at 100,000 articles).
        while later:
            later.pop(0)()
    # 3. Join it all into the model the templates read; what changed since the previous build
    #    names the values of the Site that can differ, and moves the counts its shape is made of.
    digester = Digester(article_digests)
    relation_digests = changes.relation_digests(relations, digester)
    changed_now = before and changes.changes_since(before.parsed, before.relations, archive.parsed, relation_digests)
    archive_counts = before.archive_counts.moved(changed_now.gone, changed_now.came) \
        if changed_now and before.archive_counts else sitemodel.ArchiveCounts.of(archive.articles)
    # The last build's orders moved by the articles whose place in a list may have moved; none
    # did (an edit of a text): unpickled only if a page reads a list, else kept as they were read.
    orders_before = before.archive_orders if changed_now else None
    moving = {article.slug for article in (*changed_now.gone, *changed_now.came)} if changed_now else set()
    if orders_before is None:
        archive_orders = None  # sorted when a page reads a list
    elif moving:
        archive_orders = _moved_orders(orders_before, moving, archive, archive_counts)
    else:
        archive_orders = functools.partial(_moved_orders, orders_before, moving, archive, archive_counts)
    site = sitemodel.build_site(config, archive, relations, archive_counts, archive_orders)
    affected = changes.affected_keys(changed_now, site)
    # 4. Make the outputs whose inputs changed (all of them the first time) into a stage,
    #    5. index the article pages for search, then 6. put the stage in place: a new site
    #    swapped in whole, or changed files renamed.
    kept = (before.outputs if changed is not None else _still_on_disk(before, config.output, outputs)) if before else {}
    stage = publish.PatchStage(config.output) if kept else publish.FullStage(config.output)
    try:
        count = [0]

        def made_some(n: int, total: int) -> None:
            count[0] += n
            report("render", count[0], total)

        reads = before.reads if kept else ReadIndex()
        if kept and affected is not None:
            # Once the claims are made (a page made again reads them), not before: a rebuild
            # whose pages read no list of the whole archive makes none (sitemodel.Site).
            site.when_made("claims", lambda: changes.reuse_digests(site, affected, reads, digester))
        # The outputs kept are all the last build made (none changed on disk): while what
        # decides which outputs there are is the same, they need not be listed again.
        listed_before = before.listing if before and kept is before.outputs else b""
        records, made, outputs_listed = render(
            site, kept, reads, affected, digester, stage, digests.files_digest(theme.files(config, "templates")),
            workers=workers, progress=made_some, parallel_min=parallel_min,
            compiled_in=config.cache_dir / COMPILED_TEMPLATES, code=code, listed_before=listed_before)
        # moved, or sorted when a page read the lists; as read when none did and none moved
        archive_orders = tuple(site.orders()) if site.orders_asked() else orders_before
        if not memory.keeps and not kept:
            # A first build, with no next one in this process: the Site, its lists kept for one
            # (memo.py) and the digests of its values go once the pages are made. Search,
            # publishing and the state's writing, where its memory peaks, then reuse their
            # memory. (A rebuild's peak is earlier; freeing 100,000 articles' lists costs 0.3 s.)
            del site, digester
            memo.forget_all()
        report("search")
        searched = search.index(records, kept, before.outputs if before else {}, before and before.search, stage,
                                workers)
        if archive.articles and not searched.state.base and not searched.state.recent:
            notes.append(f"no article page is marked {search.BODY_MARK.decode()}, so search finds nothing; an "
                         "article.html made for an older version marks them data-pagefind-*: rename those "
                         "attributes data-search-* (the package's templates/article.html shows them)")
        written = {path for path, record in records.items()
                   if (old := kept.get(path)) is not record and (old is None or old.digest != record.digest)}
        report("publish")
        stage.commit(set(records), written)
    except BaseException:
        stage.abort()
        raise
    if published:
        published()
    # 7. Keep what the next build needs.
    for save in later:
        save()
    # The stats of the files written now, the others' as the last build left them (every output
    # not written was kept from it), copied whole rather than looked up one by one.
    gone = before.outputs.keys() - records.keys() if before else set()
    output_stats = dict(before.output_stats) if kept else {}
    for path in gone:
        output_stats.pop(path, None)
    for path in written:
        output_stats[path] = _stat(config.output / path)
    state = buildstate.BuildState(code=code, time=started, inputs=inputs.now, parsed=archive.parsed,
                                  outputs=records, reads=reads, search=searched.state, output_stats=output_stats,
                                  relations=relation_digests, archive_counts=archive_counts,
                                  archive_orders=archive_orders, listing=outputs_listed,
                                  stored=before.stored if before else {},
                                  stored_blocks=before.stored_blocks if before else {},
                                  stored_outputs=before.stored_outputs if kept else {}, named=archive.named)
    memory.keep("state", config, code, buildstate.write(state_path, state, again=memory.keeps))
    removed = len(gone)
    result = BuildReport(pages=sum(1 for path in records if path.endswith(".html")), files=len(records),
                         made=made, written=len(written), removed=removed,
                         reprints=len(relations), search_parts=searched.indexes, search_redone=searched.redone,
                         warnings=archive.warnings, notes=tuple(notes))
    return result, state


def _moved_orders(orders, moving: set[str], archive, counts):
    """sitemodel.moved_orders of the orders as the state keeps them (maybe still pickled); None
    (sorted again) when they cannot be unpickled: a cache is never trusted."""
    from . import sitemodel
    try:
        orders = statefile.unpickled(orders)
    except Exception:
        return None
    return sitemodel.moved_orders(orders, moving, archive, counts)


@contextlib.contextmanager
def _text_spool(state_path: Path, memory: BuildMemory):
    """Where the build keeps the texts of the articles it parses: a one-off build, in a file of
    its own until it ends (buildstate.TextSpool); a process that builds again, in memory, where
    its next build takes them from."""
    if memory.keeps:
        yield None
        return
    from .buildstate import TextSpool
    spool = TextSpool(state_path.with_name(state_path.name + ".texts"))
    try:
        yield spool
    finally:
        spool.close()


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


def _detect_reprints(config: Config, archive, article_digests: dict[str, bytes], code: bytes, workers: int | None,
                     memory: BuildMemory, later: list):
    """Which articles copy which; fingerprints of articles whose text has not changed since the
    last build come from the cache, and so do the passages shared by pairs of such texts; an
    article whose digest is as the index saw it is known unchanged without reading its fields.
    The caches are written by `later`, once the site is in place."""
    from . import fpcache, reprints

    cached = memory.take("fingerprints", config, code)
    prints = reprints.fingerprints(archive.articles, known=cached, workers=workers,
                                   keys=list(map(archive.text_keys.__getitem__, map(_SLUG, archive.articles))))
    # The last detection's index is updated for the articles that changed since (reprints/incremental.py)...
    thresholds = (config.reprint_min_shared_words, config.reprint_min_share)
    before = memory.take("index", config, code)
    updated = reprints.update(before, archive.articles, prints, cached, *thresholds, sources=archive.sources,
                              workers=workers, digests=article_digests)
    if isinstance(updated, str):  # ...unless it cannot say exactly what detecting all of them would
        alignments_path = config.cache_dir / fpcache.ALIGNMENTS_FILE
        alignments = fpcache.load_alignments(alignments_path, code)
        aligned_before = set(alignments)
        updated = reprints.detect_indexed(archive.articles, *thresholds, sources=archive.sources, prints=prints,
                                          alignments=alignments, workers=workers, digests=article_digests)
        if set(alignments) != aligned_before:
            later.append(lambda: fpcache.save_alignments(alignments_path, alignments, code))
    relations, index = updated

    def save_caches():
        # The index and the fingerprints of its texts are written together, and only once the
        # updates since they were last written changed REWRITE_AFTER articles: until then each
        # build updates the index as it was written, for all the changes since, and
        # fingerprints again the few texts changed since (at 10,000 articles the two files are
        # 47 MB, which an edit would otherwise write again).
        written = index is not before or index.unsaved >= fpcache.REWRITE_AFTER
        if written:
            index.unsaved = 0
            fpcache.save(config.cache_dir / fpcache.FINGERPRINTS_FILE, prints)
            fpcache.save_index(config.cache_dir / fpcache.INDEX_FILE, index, code)
        if memory.keeps:  # what this process's next update needs: the fingerprints of the index's texts
            if written:
                now = {fp.key: fp for fp in prints}
            else:  # the cache's, and those of the texts fingerprinted since (looked up first)
                now = ChainMap({fp.key: fp for fp in prints.made.values()}, cached) if prints.made else cached
            memory.keep("fingerprints", config, code, now)
            memory.keep("index", config, code, index)

    later.append(save_caches)
    return relations


def _stat(path: Path) -> tuple[int, int]:
    stat = os.stat(path)
    return (stat.st_size, stat.st_mtime_ns)


def _still_on_disk(state, output: Path, check) -> dict:
    """The previous outputs whose files are still as that build left them; the rest are made
    again. `check`, a quickcheck.OutputCheck already under way: its answer is taken when it
    checks the outputs of the build that left `state`."""
    if publish.read_manifest(output) != state.outputs.keys():
        return {}
    if check is None or check.written_by != state.time:
        check = quickcheck.OutputCheck(output, state.output_stats, state.time, workers=1)
    changed = check.changed()
    if not changed:
        return state.outputs  # every one of them (which later stages tell by identity)
    kept = dict(state.outputs)  # copied whole, in C, and the few changed taken out (333,000 at 100,000 articles)
    for path in changed:
        kept.pop(path, None)
    return kept


@contextlib.contextmanager
def _kept_from_collector():
    """Reading what the last build left makes hundreds of thousands of objects that live until
    the build ends: the cyclic collector, whose young collections would walk each of them once
    or twice as they are made, waits meanwhile, and they are then set apart from its walks
    (gc.freeze; _no_full_collections gives them back). At 100,000 articles those walks were a
    quarter of reading the state: 0.4 s."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def _no_full_collections():
    """A build holds millions of objects until it ends (the previous build's state, the archive,
    the site). Python's cyclic collector walks all of them, to find nothing, whenever the heap has
    grown by a quarter: a second of a rebuild at 10,000 articles. Young objects are collected as
    usual; the full collections wait until the build is over, and so do the objects read from
    the last build's state (_kept_from_collector)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], 1 << 30)  # counted in middle-generation collections: never
    try:
        yield
    finally:
        gc.unfreeze()  # what _kept_from_collector set apart: the oldest generation's again
        gc.set_threshold(*thresholds)
