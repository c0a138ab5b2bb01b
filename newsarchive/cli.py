"""Command-line parsing only: every command hands over to a library function."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import jinja2

from . import pipeline
from .config import load_config
from .model import BuildError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build the news archive into a static site.")
    parser.add_argument("command", nargs="?", default="build", choices=["build"],
                        help="what to do (default: build)")
    parser.add_argument("--config", default="config.yaml", help="config file (default: config.yaml)")
    parser.add_argument("--output", metavar="DIR", help="output folder (overrides config.yaml)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--force", action="store_true",
                        help="build into a non-empty folder this generator did not make (its files are kept)")
    return parser


def _template_location(failure: jinja2.TemplateError) -> str:
    """file:line of a template error: syntax errors carry it, runtime errors only in the traceback."""
    if getattr(failure, "filename", None):
        return f"{failure.filename}:{failure.lineno}"
    where = "templates"
    trace = failure.__traceback__
    while trace is not None:
        name = trace.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt")):
            where = f"{name}:{trace.tb_lineno}"
        trace = trace.tb_next
    return where


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    try:
        config = load_config(Path(args.config), args.output)
        report = pipeline.build(config, strict=args.strict, force=args.force)
    except BuildError as failure:
        for problem in failure.diagnostics:
            print(problem.format(), file=sys.stderr)
        errors = sum(1 for p in failure.diagnostics if p.severity == "error" or args.strict)
        print(f"build failed: {errors} problem(s); nothing was published", file=sys.stderr)
        return 1
    except jinja2.TemplateError as failure:
        print(f"{_template_location(failure)}: error: template: {failure}", file=sys.stderr)
        print("build failed; nothing was published", file=sys.stderr)
        return 1
    except OSError as failure:
        # A full disk, a read-only folder, a permission problem: say which file, not a traceback.
        where = failure.filename or "the output folder"
        print(f"{where}: error: {failure.strerror or failure}", file=sys.stderr)
        print("build failed; nothing was published and the previous site is unchanged", file=sys.stderr)
        return 1
    except Exception as failure:  # a bug of ours: still no traceback for the user
        print(f"internal error: {type(failure).__name__}: {failure}", file=sys.stderr)
        print("build failed; nothing was published. Please report this with the input that caused it.",
              file=sys.stderr)
        return 2
    for warning in report.warnings:
        print(warning.format(), file=sys.stderr)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    seconds = time.perf_counter() - started
    print(f"built {report.pages} pages ({report.files} files, {report.reprints} reprint relations) "
          f"into {config.output} in {seconds:.2f}s")
    return 0
