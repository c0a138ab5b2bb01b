"""The Spark engine on a real (if small) cluster: a standalone master and worker on this machine,
whose executors run a Python that has numpy and nothing of this project. The job must ship the
package itself and need nothing else, and still give exactly the in-process relations.

Without PySpark or Java it is skipped, saying why; in CI (CI=true) it fails instead.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import PROJECT, run_build, spark_missing

sys.path.insert(0, str(PROJECT / "bench"))
from archive import Generator  # noqa: E402


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _bare_python_with_numpy(folder: Path) -> Path:
    """A virtual environment whose only package is numpy (linked from ours): no yaml, no jinja2,
    no newsarchive, as on a cluster node where only the job's own needs are installed."""
    import numpy

    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    ours = Path(numpy.__file__).resolve().parent.parent
    for entry in ours.iterdir():
        if entry.name == "numpy" or entry.name.startswith(("numpy-", "numpy.libs")):
            (site / entry.name).symlink_to(entry)
    check = subprocess.run([str(python), "-c", "import numpy\ntry:\n import yaml\nexcept ImportError: print('bare')"],
                           capture_output=True, text=True, cwd=folder)
    assert check.stdout.strip() == "bare", check.stderr
    return python


class _Cluster:
    """A standalone Spark master and one worker (2 cores), from PySpark's own scripts."""

    def __init__(self, folder: Path):
        import pyspark

        home = Path(pyspark.__file__).parent
        self.env = dict(os.environ, SPARK_HOME=str(home), SPARK_LOCAL_IP="127.0.0.1")
        self.port, self.ui = _free_port(), _free_port()
        spark_class = str(home / "bin" / "spark-class")
        self.logs = folder
        self.processes = [subprocess.Popen(
            [spark_class, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
             "--port", str(self.port), "--webui-port", str(self.ui)],
            env=self.env, stdout=open(folder / "master.log", "wb"), stderr=subprocess.STDOUT)]
        self.processes.append(subprocess.Popen(
            [spark_class, "org.apache.spark.deploy.worker.Worker", self.url, "--host", "127.0.0.1",
             "--cores", "2", "--memory", "1g", "--webui-port", str(_free_port()), "--work-dir", str(folder / "work")],
            env=self.env, stdout=open(folder / "worker.log", "wb"), stderr=subprocess.STDOUT))

    @property
    def url(self) -> str:
        return f"spark://127.0.0.1:{self.port}"

    def wait_for_worker(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.ui}/json/", timeout=2) as answer:
                    if json.load(answer).get("aliveworkers", 0) >= 1:
                        return
            except (OSError, ValueError):
                pass
            time.sleep(0.5)
        raise AssertionError("the worker did not register:\n" + (self.logs / "worker.log").read_text()[-3000:])

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


def test_cluster_executors_need_only_numpy_and_give_the_in_process_relations(tmp_path):
    missing = spark_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI runs the Spark tests: {missing}")
        pytest.skip(f"Spark tests need PySpark and Java: {missing}")
    archive = tmp_path / "archive"
    Generator(1, actors=100).write(archive, 60)
    python = _bare_python_with_numpy(tmp_path / "node-python")
    cluster = _Cluster(tmp_path)
    try:
        cluster.wait_for_worker()
        out = tmp_path / "relations"
        job = subprocess.run(
            [sys.executable, str(PROJECT / "build.py"), "reprints", "--engine", "spark", "--master", cluster.url,
             "--partitions", "4", "--out", str(out), "--config", "config.yaml"],
            cwd=archive, capture_output=True, text=True, timeout=900,
            env=dict(os.environ, PYSPARK_PYTHON=str(python), SPARK_LOCAL_IP="127.0.0.1"))
    finally:
        cluster.stop()
    assert job.returncode == 0, job.stdout[-3000:] + job.stderr[-3000:]
    # The executors imported the package from the zip the job shipped, not from this machine.
    ran = list((tmp_path / "work").rglob("newsarchive.zip"))
    assert ran, "no executor received the package"
    # The same relations as the site's own in-process detection, byte for byte.
    (archive / ".cache" / "reprints-spark.json").unlink()
    built = run_build(archive)
    assert built.code == 0, built.out
    spark_relations = (out / "reprints.json").read_bytes()
    assert spark_relations == (archive / "_site" / "data" / "reprints.json").read_bytes()
    assert len(json.loads(spark_relations)) > 0
