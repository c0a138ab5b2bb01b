"""lock: one writer per folder; a lock left by a killed process is taken over."""

import signal
import subprocess
import sys
import time

import pytest

from conftest import PROJECT, run_build, run_cli
from newsarchive import lock
from newsarchive.model import BuildError


def test_second_build_is_refused_while_one_runs(project):
    with lock.hold(project / "_site", "a build"):
        result = run_build(project)
    assert result.code == 1
    assert "is in use by a build (pid" in result.err
    assert not (project / "_site").exists()
    assert run_build(project).code == 0


def test_writer_of_the_articles_blocks_a_build(project):
    with lock.hold(project / "articles", "an add"):
        result = run_build(project)
    assert result.code == 1 and "in use by an add" in result.err


def test_stale_lock_of_a_killed_process_is_cleared(project):
    # A real process takes the lock and is killed with SIGKILL while holding it.
    code = ("import sys, time; sys.path.insert(0, sys.argv[1]); from newsarchive import lock; "
            "from pathlib import Path\n"
            "with lock.hold(Path(sys.argv[2]), 'a build'):\n    print('held', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(PROJECT), str(project / "_site")],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    assert run_build(project).code == 1  # alive: refused
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    time.sleep(0.05)
    result = run_build(project)
    assert result.code == 0, result.err
    assert "cleared a stale lock left by a build (pid" in result.err


def test_readers_share_and_keep_writers_out(project):
    folder = project / "articles"
    with lock.hold(folder, "a build", shared=True), lock.hold(folder, "another build", shared=True):
        with pytest.raises(BuildError) as refused:
            with lock.hold(folder, "an add"):
                pass
    assert "is in use by" in refused.value.diagnostics[0].message
    with lock.hold(folder, "an add") as stale:  # both readers gone: a writer gets in
        assert stale == ""


def test_add_waits_for_no_build(project, tmp_path):
    capture = tmp_path / "page.txt"
    capture.write_text("Headline here\n\nA paragraph of the article that is long enough to keep, "
                       "said the spokesman of the ministry on Monday.\n", encoding="utf-8")
    with lock.hold(project / "articles", "a build", shared=True):
        result = run_cli(["add", str(capture), "--url", "https://www.uawire.org/page", "--config",
                          str(project / "config.yaml")])
    assert result.code == 1 and "in use by" in result.err
    assert not (project / "articles" / "captures" / "page.txt").exists()
