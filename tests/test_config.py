"""config: defaults, overrides, and every bad key reported at once."""

from pathlib import Path

import pytest

from newsarchive.config import load_config
from newsarchive.model import BuildError


def test_defaults_when_file_is_missing(tmp_path):
    config = load_config(tmp_path / "config.yaml")
    assert config.output == (tmp_path / "_site").resolve()
    assert config.articles == (tmp_path / "articles").resolve()


def test_output_override_is_relative_to_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(tmp_path / "sub" / "config.yaml", output_override="out")
    assert config.output == (tmp_path / "out").resolve()


def test_every_bad_key_is_reported(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("title: 5\nouptut: x\nreprint_min_share: 3\n", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        load_config(path)
    found = {(d.line, d.field) for d in caught.value.diagnostics}
    assert (1, "title") in found
    assert (2, "ouptut") in found
    assert (3, "reprint_min_share") in found


def test_config_that_is_not_a_mapping(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        load_config(path)
    assert "mapping" in caught.value.diagnostics[0].message


def test_real_config_loads():
    config = load_config(Path(__file__).resolve().parent.parent / "config.yaml")
    assert config.title and config.reprint_min_shared_words > 0
