# Two commands do all the set-up on a fresh machine:
#   make site   builds the site into _site/ (creating .venv and installing what it needs)
#   make test   runs the test suite (same set-up, plus the test tools)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

site: $(VENV)/.installed
	$(BIN)/python build.py

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) _site
