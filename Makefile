# edition — build the EPUB and the print PDF from chapters/.
# The first target that needs Python creates .venv and installs the project;
# later runs reinstall only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EDITION := $(BIN)/edition

.DEFAULT_GOAL := all
.PHONY: all epub pdf test check lint types clean help distclean bench

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

$(VENV)/.runtime: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev: pyproject.toml $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

all: $(VENV)/.runtime  ## build both editions into build/
	$(EDITION) build all

epub: $(VENV)/.runtime  ## build the EPUB (build/<slug>.epub)
	$(EDITION) build epub

pdf: $(VENV)/.runtime  ## build the print PDF (build/<slug>.pdf)
	$(EDITION) build pdf

test: $(VENV)/.dev  ## run the test suite (builds the real edition, runs EPUBCheck)
	$(BIN)/python -m pytest -q

lint: $(VENV)/.dev
	$(BIN)/ruff check edition tests

types: $(VENV)/.dev
	$(BIN)/mypy

check: lint types  ## lint, type-check and `edition check --strict` the book
	$(EDITION) check --strict

bench: $(VENV)/.dev  ## measure build speed (writes build/bench.md)
	$(BIN)/python -m edition.bench

clean:  ## remove outputs and caches, keep .venv
	rm -rf build .pytest_cache .mypy_cache .ruff_cache .hypothesis .cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean  ## also remove the environment
	rm -rf $(VENV) *.egg-info
