"""What the commands print about a build: each problem, the line a finished build ends with, and
what a failed build says (shared by `build` and `serve`)."""

from __future__ import annotations

import sys
from pathlib import Path

from .model import BuildError, Diagnostic


def print_problems(problems: list[Diagnostic] | tuple[Diagnostic, ...]) -> None:
    """Each problem as file:line: severity: message (and its hint), on stderr."""
    for problem in problems:
        print(problem.format(), file=sys.stderr)


def summary_line(report, output: Path, seconds: float) -> str:
    """The one line a finished build prints."""
    return (f"built {report.pages} pages ({report.files} files: {report.made} made, {report.written} written, "
            f"{report.removed} removed; search index: {report.search_redone} of {report.search_parts} indexes redone; "
            f"{report.reprints} reprint relations) into {output} in {seconds:.2f}s")


def print_finished(report, output: Path, seconds: float) -> None:
    """A finished build's warnings and notes (stderr), then its summary line (stdout)."""
    print_problems(report.warnings)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    print(summary_line(report, output, seconds), flush=True)


def describe_failure(failure: Exception, strict: bool = False) -> tuple[list[str], str, int]:
    """What the user is told about a failed build: each problem, a summary line, the exit status."""
    if isinstance(failure, BuildError):
        errors = sum(1 for p in failure.diagnostics if p.severity == "error" or strict)
        return ([p.format() for p in failure.diagnostics],
                f"build failed: {errors} problem(s); nothing was published", 1)
    import jinja2

    if isinstance(failure, jinja2.TemplateError):
        lines = [f"{_template_location(failure)}: error: template: {failure}"]
        if "ArticleInfo" in str(failure) and any(name in str(failure) for name in ("'body'", "'paragraphs'")):
            lines.append("    hint: a list of articles carries no text (so that editing one article remakes only "
                         "the pages that show its text); an article's own page has article.paragraphs")
        return lines, "build failed; nothing was published", 1
    if isinstance(failure, OSError):
        # A full disk, a read-only folder, a permission problem: say which file, not a traceback.
        where = failure.filename or "the output folder"
        return ([f"{where}: error: {failure.strerror or failure}"],
                "build failed; nothing was published and the previous site is unchanged", 1)
    return ([f"internal error: {type(failure).__name__}: {failure}"],
            "build failed; nothing was published. Please report this with the input that caused it.", 2)


def print_failure(failure: Exception, strict: bool = False) -> tuple[list[str], str, int]:
    """describe_failure, its lines printed on stderr; returns what it described."""
    problems, summary, status = describe_failure(failure, strict)
    for line in (*problems, summary):
        print(line, file=sys.stderr)
    return problems, summary, status


def _template_location(failure) -> str:
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
