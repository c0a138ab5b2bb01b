"""Whole-process build benchmark: `python build.py` on a synthetic archive, optionally beside Hugo.

    python bench/build.py --articles 1000 [--runs 3] [--vs-hugo] [--keep DIR] [--workdir DIR]
                          [--seed 1] [--actors 2000]

makes an archive of N articles with bench/archive.py (not timed), then times the command
line, `python build.py --config config.yaml` in the archive folder, as a separate process
(wall time from start to exit, interpreter start-up included), with the package's modules
byte-compiled first, as an installed package's are. Before each timed command (ours or Hugo's)
the files the steps before it wrote are flushed to disk (`os.sync`, untimed): a rebuild timed
while the kernel still writes back the 600 MB of a clean build at 10,000 articles took a third
longer (a no-op 0.32 s against 0.21 s). Each figure is the median of --runs timed runs. It
prints one JSON line on stdout; progress goes to stderr.

    articles    articles in the archive;  actors  people in its registry (each has a page)
    pages       .html files in _site after a full build
    full_s      a clean build: _site/ and .cache/ removed before each run
    noop_s      a rebuild with nothing changed since the last build
    add_one_s   a rebuild after adding one new article (the generator's article N+1: a new
                slug, existing people and publisher); it is removed again and the site
                rebuilt, untimed, after each run
    edit_one_s  a rebuild after changing three words of one paragraph of one article (a
                different article each run; quoted sentences are left alone)
    delete_one_s  a rebuild after deleting one article (its file and capture; one no other
                article names, a different one each run); it is put back and the site rebuilt,
                untimed, after each run
    peak_mb     the largest peak resident memory (MiB) of a full build: the build process or
                any one of its worker processes, whichever peaked highest (ru_maxrss from
                wait4 of that build alone; not a sum over processes)
    runs        timed runs per figure;  load_avg  the 1-minute load average at the start
    hugo_s, vs_hugo_ratio, hugo_pages, hugo_peak_mb   with --vs-hugo: the same archive
                converted by bench/hugo_site.py and built by `hugo --quiet --destination
                public` with public/ and resources/ removed first; our full builds and
                Hugo's alternate (ours, Hugo, ours, Hugo, ...). vs_hugo_ratio = full_s / hugo_s.
    hugo_pagefind_s, vs_hugo_pagefind_ratio   with --vs-hugo: the same Hugo build followed by
                `pagefind --site public` (the binary of the pagefind package), timed as one
                command, in the same alternation; vs_hugo_pagefind_ratio = full_s / hugo_pagefind_s.

Any failing build stops the benchmark with its output on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from archive import Generator  # noqa: E402
import hugo_site  # noqa: E402


class BenchError(Exception):
    """A build failed or a tool is missing: the message says which."""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _timed(command: list[str], cwd: Path, what: str) -> tuple[float, float]:
    """Run one process; return (wall seconds, its peak RSS in MiB incl. waited-for children)."""
    os.sync()  # what earlier steps wrote is on disk: its write-back is not this command's time
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            output.seek(0)
            text = output.read().decode("utf-8", "replace")
            raise BenchError(f"{what} failed (exit status {process.returncode}) in {cwd}:\n{text[-4000:]}")
    return seconds, usage.ru_maxrss / 1024


def _ours(archive: Path, what: str) -> tuple[float, float]:
    return _timed([sys.executable, str(REPO / "build.py"), "--config", "config.yaml"], archive, what)


def _clean(folder: Path, *names: str) -> None:
    for name in names:
        shutil.rmtree(folder / name, ignore_errors=True)


# --- the archive and the changes made to it -------------------------------------------------

def make_archive(folder: Path, articles: int, seed: int, actors: int = 2000) -> tuple[Path, Path]:
    """Write N+1 articles, then move the last one (.md and capture) aside for the add runs.

    The generator writes articles in order, so the first N are those of `archive.py
    --articles N` with the same seed. Returns the two held-out files.
    """
    Generator(seed, actors=actors).write(folder, articles + 1)
    held = folder.parent / (folder.name + "-held")
    held.mkdir()
    slug = f"article-{articles:06d}"
    md = folder / "articles" / f"{slug}.md"
    capture = folder / "articles" / "captures" / f"{slug}.txt"
    return Path(shutil.move(md, held / md.name)), Path(shutil.move(capture, held / capture.name))


def _quotes(front: str) -> list[str]:
    return [json.loads(m) for m in re.findall(r'^\s+quote: (".*")$', front, re.MULTILINE)]


_EDIT_MARK = re.compile(r"edited\d+x\d")


def edit_article(path: Path, run: int) -> None:
    """Replace three lower-case words of one paragraph that holds no claim's quote (or words an
    earlier edit wrote there: an article edited by many runs keeps changing); each new word
    carries `run`, which should differ from one edit of an article to the next."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    quotes = _quotes(front)
    paragraphs = body.split("\n\n")
    for index in range(len(paragraphs) - 1, 0, -1):  # paragraph 0 is the "# title" heading
        if paragraphs[index].strip() and not any(q in paragraphs[index] for q in quotes):
            break
    else:
        raise BenchError(f"{path}: no paragraph free of quotes to edit")
    words = paragraphs[index].split(" ")
    plain = [i for i, w in enumerate(words) if (w.isalpha() and w.islower()) or _EDIT_MARK.fullmatch(w)]
    for n, position in enumerate(plain[1:4] or plain[:3]):
        words[position] = f"edited{run}x{n}"
    paragraphs[index] = " ".join(words)
    edited = "---\n" + front + "---\n" + "\n\n".join(paragraphs)
    if edited == text:
        raise BenchError(f"{path}: the edit changed nothing (edited with {run} before?)")
    path.write_text(edited, encoding="utf-8")


# --- the measurements -----------------------------------------------------------------------

def _expect(archive: Path, slug: str, text: str) -> None:
    """Check that the rebuild published the change: the article's page exists and shows `text`."""
    page = archive / "_site" / "articles" / slug / "index.html"
    if not page.is_file() or text not in page.read_text(encoding="utf-8"):
        raise BenchError(f"the rebuild did not publish the change: {page} lacks {text!r}")


def _pagefind() -> str:
    """The Pagefind binary of the pagefind package (`pip install '.[bench]'`), which indexes the Hugo site."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise BenchError("--vs-hugo needs Pagefind: pip install '.[bench]'") from None
    return str(get_executable())


def measure_full(archive: Path, hugo: Path | None, runs: int) -> dict[str, list[float]]:
    """Clean full builds, alternating with clean Hugo builds, and Hugo builds then indexed by
    Pagefind, when `hugo` is given."""
    times: dict[str, list[float]] = {"full_s": [], "peak_mb": [], "hugo_s": [], "hugo_peak_mb": [],
                                     "hugo_pagefind_s": []}
    pagefind = _pagefind() if hugo is not None else None
    for run in range(runs):
        _clean(archive, "_site", ".cache")
        seconds, peak = _ours(archive, "full build")
        times["full_s"].append(seconds)
        times["peak_mb"].append(peak)
        _log(f"full build {run + 1}/{runs}: {seconds:.2f} s, {peak:.0f} MiB")
        if hugo is not None:
            _clean(hugo, "public", "resources")
            seconds, peak = _timed(["hugo", "--quiet", "--destination", "public"], hugo, "hugo build")
            times["hugo_s"].append(seconds)
            times["hugo_peak_mb"].append(peak)
            _log(f"hugo build {run + 1}/{runs}: {seconds:.2f} s, {peak:.0f} MiB")
            _clean(hugo, "public", "resources")
            seconds, _ = _timed(["sh", "-c", 'hugo --quiet --destination public && "$0" --site public', pagefind],
                                hugo, "hugo build and pagefind")
            times["hugo_pagefind_s"].append(seconds)
            _log(f"hugo + pagefind {run + 1}/{runs}: {seconds:.2f} s")
    return times


def measure_noop(archive: Path, runs: int) -> list[float]:
    times = []
    for run in range(runs):
        seconds, _ = _ours(archive, "no-op rebuild")
        times.append(seconds)
        _log(f"no-op rebuild {run + 1}/{runs}: {seconds:.2f} s")
    return times


def measure_add(archive: Path, held: tuple[Path, Path], runs: int) -> list[float]:
    """Add the held-out article, time the rebuild, remove it and rebuild untimed."""
    md, capture = held
    targets = (archive / "articles" / md.name, archive / "articles" / "captures" / capture.name)
    times = []
    for run in range(runs):
        for source, target in zip(held, targets):
            shutil.copyfile(source, target)
        seconds, _ = _ours(archive, "rebuild after adding an article")
        _expect(archive, md.stem, md.stem)
        times.append(seconds)
        _log(f"add-one rebuild {run + 1}/{runs}: {seconds:.2f} s")
        for target in targets:
            target.unlink()
        _ours(archive, "rebuild after removing the added article")
    return times


def measure_edit(archive: Path, articles: int, runs: int) -> list[float]:
    """Edit a different article each run (spread over the archive) and time the rebuild."""
    times = []
    for run in range(runs):
        slug = f"article-{(run * 7919 + articles // 2) % articles:06d}"
        tag = int(time.time()) * 100 + run  # new words at every run, on an archive edited before too
        edit_article(archive / "articles" / f"{slug}.md", tag)
        seconds, _ = _ours(archive, f"rebuild after editing {slug}")
        _expect(archive, slug, f"edited{tag}x0")
        times.append(seconds)
        _log(f"edit-one rebuild {run + 1}/{runs} ({slug}): {seconds:.2f} s")
    return times


def _named_by_others(archive: Path) -> set[str]:
    """Slugs that some other article's front matter names (reprint_of, original): deleting one
    of those is an error in the archive, not a rebuild."""
    named = set()
    for path in (archive / "articles").glob("*.md"):
        front = path.read_text(encoding="utf-8").split("---\n", 2)[1]
        named.update(slug for slug in re.findall(r"article-\d{6}", front) if slug != path.stem)
    return named


def measure_delete(archive: Path, articles: int, runs: int) -> list[float]:
    """Delete a different article each run (file and capture), time the rebuild, then put it
    back and rebuild untimed."""
    named, times = _named_by_others(archive), []
    aside = archive.parent / (archive.name + "-deleted")
    aside.mkdir(exist_ok=True)
    number = articles // 3
    for run in range(runs):
        while f"article-{number % articles:06d}" in named:
            number += 1
        slug = f"article-{number % articles:06d}"
        number += 6151
        md = archive / "articles" / f"{slug}.md"
        capture = re.search(r"^capture: *(\S+)$", md.read_text(encoding="utf-8"), re.MULTILINE)
        files = [md] + ([archive / "articles" / capture.group(1)] if capture else [])
        moved = [Path(shutil.move(path, aside / path.name)) for path in files]
        seconds, _ = _ours(archive, f"rebuild after deleting {slug}")
        if (archive / "_site" / "articles" / slug / "index.html").exists():
            raise BenchError(f"the rebuild after deleting {slug} still publishes its page")
        times.append(seconds)
        _log(f"delete-one rebuild {run + 1}/{runs} ({slug}): {seconds:.2f} s")
        for path, place in zip(moved, files):
            shutil.move(path, place)
        _ours(archive, f"rebuild after putting {slug} back")
    return times


def compile_package() -> None:
    """Byte-compile the generator's modules, as installing a package does and as Python does
    on a program's first run: every run timed is then the program as installed. (These machines
    set PYTHONDONTWRITEBYTECODE, under which each run would compile the package from source
    again: 0.1 s of every rebuild.)"""
    compileall.compile_dir(REPO / "newsarchive", quiet=1)


def count_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("*.html"))


def benchmark(args, root: Path) -> dict:
    load = os.getloadavg()[0]
    archive, hugo = root / "archive", (root / "hugo" if args.vs_hugo else None)
    _log(f"generating {args.articles} articles in {archive} (not timed)")
    held = make_archive(archive, args.articles, args.seed, args.actors)
    if hugo is not None:
        _log(f"converting to a Hugo site in {hugo} (not timed)")
        hugo_site.convert(archive, hugo)
    compile_package()
    full = measure_full(archive, hugo, args.runs)
    result = {"articles": args.articles, "actors": args.actors, "pages": count_pages(archive / "_site"),
              "full_s": statistics.median(full["full_s"])}
    result["noop_s"] = statistics.median(measure_noop(archive, args.runs))
    result["add_one_s"] = statistics.median(measure_add(archive, held, args.runs))
    result["edit_one_s"] = statistics.median(measure_edit(archive, args.articles, args.runs))
    result["delete_one_s"] = statistics.median(measure_delete(archive, args.articles, args.runs))
    result["peak_mb"] = max(full["peak_mb"])
    if hugo is not None:
        result["hugo_s"] = statistics.median(full["hugo_s"])
        result["vs_hugo_ratio"] = result["full_s"] / result["hugo_s"]
        result["hugo_pages"] = count_pages(hugo / "public")
        result["hugo_peak_mb"] = max(full["hugo_peak_mb"])
        result["hugo_pagefind_s"] = statistics.median(full["hugo_pagefind_s"])
        result["vs_hugo_pagefind_ratio"] = result["full_s"] / result["hugo_pagefind_s"]
    result["runs"] = args.runs
    result["load_avg"] = load
    return {key: round(value, 3) if isinstance(value, float) else value for key, value in result.items()}


def _arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True, help="articles in the synthetic archive")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure; the median is reported")
    parser.add_argument("--seed", type=int, default=1, help="the generator's seed (default 1)")
    parser.add_argument("--actors", type=int, default=2000,
                        help="the generator's pool of people, each with a page (default 2000, as archive.py)")
    parser.add_argument("--vs-hugo", action="store_true", help="also build the same archive with Hugo")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR (must not exist) and keep it: DIR/archive, DIR/hugo")
    parser.add_argument("--workdir", type=Path, metavar="DIR",
                        help="make the temporary folder inside DIR (default: the system's)")
    return checked_arguments(parser, argv)


def checked_arguments(parser: argparse.ArgumentParser, argv) -> argparse.Namespace:
    """The parsed arguments, refusing sizes under 1 and a --keep folder that exists."""
    args = parser.parse_args(argv)
    if args.articles < 1 or args.runs < 1:
        parser.error("--articles and --runs must be at least 1")
    if args.keep is not None and args.keep.exists():
        parser.error(f"--keep {args.keep}: exists; choose a new folder")
    return args


def main(argv=None) -> int:
    args = _arguments(argv)
    if args.vs_hugo and shutil.which("hugo") is None:
        print("--vs-hugo needs hugo on PATH: apt-get install -y hugo", file=sys.stderr)
        return 1
    if args.keep is not None:
        args.keep.mkdir(parents=True)
        root = args.keep
    else:
        root = Path(tempfile.mkdtemp(prefix="bench-build-", dir=args.workdir))
    try:
        result = benchmark(args, root)
    except BenchError as failure:
        print(f"bench/build.py: {failure}", file=sys.stderr)
        return 1
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
