"""Command-line parsing only: every command hands over to a library function.

Two front doors, one parser: the `newsarchive` command an install puts on the PATH (`run`),
and `python build.py` in the repository (`main`, ended by `end_process`)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import NoReturn

from . import pipeline, progress
from .config import load_config
from .init import DEFAULT_TITLE
from .messages import print_failure, print_finished, print_problems
from .model import BuildError, Diagnostic

_DEFAULTS = {"config": "config.yaml", "output": None, "strict": False, "force": False, "full": False,
             "workers": None}


def _count(text: str) -> int:
    """A --workers value: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _parser(prog: str) -> argparse.ArgumentParser:
    # Options may stand before or after the command; SUPPRESS keeps a subcommand's unset
    # option from overwriting one given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=argparse.SUPPRESS, help="config file (default: config.yaml)")
    building = argparse.ArgumentParser(add_help=False)
    building.add_argument("--output", metavar="DIR", default=argparse.SUPPRESS,
                          help="output folder (overrides config.yaml)")
    building.add_argument("--strict", action="store_true", default=argparse.SUPPRESS,
                          help="treat warnings as errors")
    building.add_argument("--force", action="store_true", default=argparse.SUPPRESS,
                          help="build into a non-empty folder this generator did not make (its files are kept)")
    building.add_argument("--full", action="store_true", default=argparse.SUPPRESS,
                          help="make every page again, ignoring what the previous build left in .cache/")
    building.add_argument("--workers", metavar="N", type=_count, default=argparse.SUPPRESS,
                          help="processes that parse articles, find reprints and make pages in a large build "
                               "(default: one per core, up to 8; 1: none besides this one)")
    parser = argparse.ArgumentParser(
        prog=prog, parents=[common, building],
        description="Build the news archive into a static site (the default command), add an article, "
                    "or start a new archive (init). Run it in the archive's folder, or give --config.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    start = commands.add_parser("init", help="make a new, empty archive: config.yaml, articles/ (empty registries "
                                             "and captures/), a README.md saying how to use it")
    start.add_argument("folder", metavar="DIR", nargs="?", default=".",
                       help="the archive's folder, made if missing (default: the current folder)")
    start.add_argument("--title", help=f"the site's title (default: {DEFAULT_TITLE!r}; config.yaml keeps it)")
    start.add_argument("--force", action="store_true", default=argparse.SUPPRESS,
                       help="use a folder that is not empty: write only the files missing there, never overwrite one")
    start.add_argument("--with-templates", action="store_true",
                       help="also copy the templates and static files into the archive, to edit them all "
                            "(without it, the package's are used for every file the archive does not have)")
    commands.add_parser("build", parents=[common, building], help="build the site (default)")
    add = commands.add_parser("add", parents=[common], help="add a captured page: extract its metadata, "
                                                             "write articles/<slug>.md, print what to review")
    add.add_argument("capture", metavar="CAPTURE", help="the page's text saved as UTF-8 (.txt), the saved page "
                     "(.html, .html.gz), or a web archive (.warc, .warc.gz, .wacz: every article page in it)")
    add.add_argument("--url", metavar="ADDRESS", help="the address the page was captured from (needed for a .txt; "
                     "a saved page may name its own; a web archive's records carry theirs)")
    add.add_argument("--dry-run", action="store_true", help="show what would be written; write nothing")
    serve = commands.add_parser("serve", parents=[common, building],
                                help="build, serve the site on 127.0.0.1 and rebuild it whenever a source file changes")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000; 0 picks a free one)")
    measure = commands.add_parser("quality", parents=[common],
                                  help="measure extraction against the checked articles of the archive, "
                                       "or against a corpus with ground truth (--corpus)")
    measure.add_argument("--verbose", "-v", action="store_true", help="list every difference")
    measure.add_argument("--corpus", metavar="DIR", help="score extraction on this corpus instead: the "
                         "article-extraction benchmark's layout (ground-truth.json, text/, html/) or the "
                         "team's own (truth.yaml, captures/); exits 1 when a target is missed")
    measure.add_argument("--kind", choices=("text", "html"), default="text",
                         help="with --corpus (benchmark layout): score the text captures (text/, default) or the "
                              "saved pages (html/*.html.gz, read as 'add PAGE.html' reads them)")
    measure.add_argument("--json", metavar="FILE", help="with --corpus: also write every figure to FILE as JSON")
    spark = commands.add_parser("reprints", parents=[common],
                                help="compute the reprint relations with an Apache Spark job, for the next build "
                                     "to use (pip install -e '.[spark]')")
    spark.add_argument("--engine", choices=("spark",), required=True, help="where to compute them: spark")
    spark.add_argument("--master", default="local[*]", help="Spark master URL (default local[*]: this machine)")
    spark.add_argument("--input", metavar="FILE", help="read the articles from Parquet or JSON Lines (one article "
                       "a row: slug, date, publisher, text) instead of the archive folder; needs --out")
    spark.add_argument("--sources", metavar="FILE", help="with --input: the outlets (a sources.yaml) that text "
                       "credits name (default: the archive's, when there is a config file)")
    spark.add_argument("--out", metavar="DIR", help="also write reprints.json, relations.parquet and the index "
                       "(for --previous) into DIR")
    spark.add_argument("--previous", metavar="DIR", help="an earlier run's --out folder: align only pairs with a "
                       "new or changed text")
    spark.add_argument("--partitions", type=int, default=8, help="Spark partitions of each stage (default 8)")
    return parser


def _option(args, name):
    return getattr(args, name, _DEFAULTS[name])


def _config_file(args) -> Path:
    """The config file the command reads; BuildError when there is none (not an archive's folder)."""
    path = Path(_option(args, "config"))
    if not path.is_file():
        given = hasattr(args, "config")
        where = str(path) if given else f"{path} in {Path.cwd()}"
        raise BuildError([Diagnostic(str(path), None, None,
                                     f"no config file {where}" + ("" if given else ": this is not an archive's folder"),
                                     "run the command in your archive's folder (the one holding config.yaml), "
                                     "give --config PATH/config.yaml, or start an archive with: newsarchive init DIR")])
    return path


def _add(args) -> int:
    from . import add as adding  # the extraction rules load only for this command
    try:
        config = load_config(_config_file(args))
        with progress.Reporter() as reporter:
            result = adding.add(config, Path(args.capture), args.url, dry_run=args.dry_run,
                                progress=lambda done: reporter.update("add", done))
    except (BuildError, adding.AddError) as failure:
        print_problems(failure.diagnostics)
        print("add failed; nothing was written", file=sys.stderr)
        return 1
    except OSError as failure:  # an unreadable file, a full disk, a read-only archive
        print(f"{failure.filename or args.capture}: error: {failure.strerror or failure}", file=sys.stderr)
        print("add failed; the archive was not changed, or only by whole files", file=sys.stderr)
        return 1
    except Exception as failure:  # a bug of ours: still no traceback, and nothing was written before it
        print(f"{args.capture}: internal error: {type(failure).__name__}: {failure}", file=sys.stderr)
        print("add failed; nothing was written. Please report this with the capture that caused it.",
              file=sys.stderr)
        return 2
    if result.summary:
        print(result.summary)
    if result.preview:
        print("\n" + result.preview)
    print(result.message)
    return 0


def _quality(args) -> int:
    if args.corpus is not None:
        return _quality_corpus(args)
    if args.json is not None:
        print("quality: --json needs --corpus", file=sys.stderr)
        return 1
    from . import quality
    try:
        config = load_config(_config_file(args))
        report = quality.measure(config.articles, config.project)
    except BuildError as failure:
        print_problems(failure.diagnostics)
        return 1
    print(quality.format_report(report, verbose=args.verbose))
    return 0


def _quality_corpus(args) -> int:
    import json

    from . import corpus_quality
    try:
        report = corpus_quality.measure(Path(args.corpus), kind=args.kind)
    except corpus_quality.CorpusError as failure:
        print(f"error: {failure}", file=sys.stderr)
        return 1
    print(corpus_quality.format_corpus_report(report, verbose=args.verbose))
    if args.json is not None:
        try:
            Path(args.json).write_text(json.dumps(report.to_json(), indent=1, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
        except OSError as failure:
            print(f"{args.json}: error: {failure.strerror or failure}", file=sys.stderr)
            return 1
    return 0 if report.met else 1


def _init(args) -> int:
    from . import init
    folder = Path(args.folder)
    try:
        result = init.init(folder, args.title, force=_option(args, "force"), with_templates=args.with_templates)
    except init.InitError as failure:
        print_problems(failure.diagnostics)
        print("init failed; nothing was written", file=sys.stderr)
        return 1
    except OSError as failure:  # a read-only folder, a file where a folder should be, a full disk
        print(f"{failure.filename or folder}: error: {failure.strerror or failure}", file=sys.stderr)
        print("init failed; no file was overwritten", file=sys.stderr)
        return 1
    where = folder.resolve()
    if result.written:
        print(f"made a new archive in {where}:" if not result.kept else f"added to {where}:")
        for name in _folded(result.written):
            print(f"  {name}")
    if result.kept:
        print("already there, left as they were:")
        for name in _folded(result.kept):
            print(f"  {name}")
    if args.title is not None and "config.yaml" in result.kept:
        print("note: --title was not used: config.yaml was already there (its 'title:' line sets the title)",
              file=sys.stderr)
    if not result.written:
        print(f"nothing to do: every file of a new archive is already in {where}")
        return 0
    enter = "" if where == Path.cwd().resolve() else f"  cd {args.folder}\n"
    print(f"\nnext (README.md in the archive says more):\n{enter}"
          "  newsarchive add PAGE.txt --url ADDRESS   # or PAGE.html, or CRAWL.warc.gz\n"
          "  newsarchive build                        # the site, into _site/\n"
          "  newsarchive serve                        # preview it at http://127.0.0.1:8000/")
    return 0


def _folded(names) -> list[str]:
    """File names, those under templates/ and static/ counted rather than listed."""
    shown, counted = [], {}
    for name in names:
        top = name.split("/", 1)[0]
        if top in ("templates", "static"):
            counted[top] = counted.get(top, 0) + 1
        else:
            shown.append(name)
    return shown + [f"{top}/ ({count} files)" for top, count in counted.items()]


def run() -> NoReturn:
    """The `newsarchive` command: ends the process with main's exit status (end_process)."""
    end_process(main(prog="newsarchive"))


def end_process(status: int) -> NoReturn:
    """End a command's process with `status` once what it printed is out, without the
    interpreter's teardown: a build of a large archive leaves millions of objects, and freeing
    them one by one took 6 s of a 25 s rebuild at 100,000 articles, after the site was done.
    Nothing is left to tear down: files and the lock are closed, worker processes joined."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said
            pass
    os._exit(status)


def _build(args) -> int:
    strict = _option(args, "strict")
    started = time.perf_counter()
    try:
        config = load_config(_config_file(args), _option(args, "output"))
        with progress.Reporter() as reporter:
            report = pipeline.build(config, strict=strict, force=_option(args, "force"), full=_option(args, "full"),
                                    workers=_option(args, "workers"), progress=reporter.update)
    except Exception as failure:  # a bug of ours included: still no traceback for the user
        return print_failure(failure, strict)[2]
    print_finished(report, config.output, time.perf_counter() - started)
    return 0


def _serve(args) -> int:
    from . import serve  # only this command needs watchfiles
    try:
        config_path = _config_file(args)
    except BuildError as failure:
        print_problems(failure.diagnostics)
        return 1
    return serve.run(config_path, _option(args, "output"), port=args.port, strict=_option(args, "strict"),
                     force=_option(args, "force"), workers=_option(args, "workers"))


def _reprints(args) -> int:
    from . import spark_reprints  # needs pyspark only when it runs; it says how to install it
    return spark_reprints.command(args)


_COMMANDS = {"init": _init, "add": _add, "quality": _quality, "serve": _serve, "reprints": _reprints,
             "build": _build, None: _build}


def main(argv: list[str] | None = None, prog: str = "build.py") -> int:
    args = _parser(prog).parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except KeyboardInterrupt:  # Ctrl-C: a word, not a traceback (the next run finds what this one left)
        print(f"{prog}: stopped (Ctrl-C) before it finished; run it again to bring everything up to date",
              file=sys.stderr)
        return 130
