"""The whole build, stage by stage. Read this function to learn how a site is made."""

from __future__ import annotations

from dataclasses import dataclass

from . import fpcache, lock, publish, reprints, sitemodel
from .config import Config
from .load import check_links, load_archive
from .model import BuildError, Diagnostic
from .render import render


@dataclass(frozen=True)
class BuildReport:
    pages: int
    files: int
    reprints: int
    warnings: tuple[Diagnostic, ...]
    notes: tuple[str, ...]


def build(config: Config, strict: bool = False, force: bool = False) -> BuildReport:
    # 0. Refuse a dangerous output folder before doing any work.
    refusals = publish.check_output_folder(
        config.output, config.project, [config.articles, config.templates, config.static], force)
    if refusals:
        raise BuildError(refusals)
    notes = []
    # One writer per output folder; `add` may not change the articles while we read them.
    with lock.hold(config.output, "a build") as stale, lock.hold(config.articles, "a build", shared=True):
        if stale:
            notes.append(f"cleared a stale lock left by {stale}")
        # 1. Load and validate everything; nothing is written unless all of it passes.
        archive, problems = load_archive(config.articles, config.project)
        for folder in (config.templates, config.static):
            check_links(folder, config.project, problems)
        errors = [p for p in problems if p.severity == "error" or strict]
        if archive is None or errors:
            raise BuildError(problems)
        # 2. Find which articles copy which, from their texts; fingerprints of articles whose
        #    text has not changed since the last build come from the cache.
        cached = fpcache.load(config.cache)
        prints = reprints.fingerprints(archive.articles, known=cached)
        if {fp.key for fp in prints} != set(cached):
            fpcache.save(config.cache, prints)
        relations = reprints.detect(archive.articles, config.reprint_min_shared_words, config.reprint_min_share,
                                    sources=archive.sources, prints=prints)
        # 3. Join it all into the model the templates read.
        site = sitemodel.build_site(config, archive, relations)
        # 4. Render every page in memory, then 5. swap the finished site into place.
        files = render(site)
        publish.publish(files, config.output)
    return BuildReport(
        pages=sum(1 for f in files if f.path.endswith(".html")),
        files=len(files),
        reprints=len(relations),
        warnings=archive.warnings,
        notes=tuple(notes),
    )
