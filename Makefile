# Two commands do all the set-up on a fresh machine:
#   make site   builds the site into _site/ (creating .venv and installing what it needs)
#   make test   runs the test suite (same set-up, plus the test tools)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: site test fuzz browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,spark,bench]'  # spark: the Spark job's tests (need Java too); bench: Pagefind for --vs-hugo
	touch $@

site: $(VENV)/.installed
	$(BIN)/python build.py

# Browser tests use Debian's Chromium. As root (CI, a fresh container) it is installed here;
# elsewhere the browser tests skip with a message saying how to install it.
# The HTML checker and the Spark job's tests (local mode) need Java 17, installed the same way.
browser:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing openjdk-17-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing:$$missing; browser tests will be skipped (apt-get install$$missing)"; fi; \
	fi

test: $(VENV)/.installed-test browser
	$(BIN)/python -m pytest

# Many more generated inputs than the test run uses (the test run keeps CI fast).
fuzz: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=nightly $(BIN)/python -m pytest tests/test_fuzz.py

clean:
	rm -rf $(VENV) _site
