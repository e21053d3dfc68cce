# edition — build the EPUB and the print PDF from chapters/.
# The first target that needs Python creates .venv and installs the project;
# later runs reinstall only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EDITION := $(BIN)/edition
# pytest-xdist workers for `make test` (`make test TEST_WORKERS=0` runs serially)
TEST_WORKERS ?= auto

.DEFAULT_GOAL := all
# (the outputs' targets are phony too: .PHONY: $(OUTPUTS) below)
.PHONY: all outputs serve webtools test test-fast check lint types clean help distclean bench ace reader epubtools

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

$(VENV)/.runtime: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev: pyproject.toml $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

all: $(VENV)/.runtime  ## build every output into build/ (EPUB, PDF, Kobo kepub, …)
	$(EDITION) build all
	@for o in $(filter-out $(shell $(PYTHON) -S -c 'from edition.outputs import all_targets; print(*all_targets())'),$(OUTPUTS)); do \
	  echo "$(EDITION) build $$o"; $(EDITION) build $$o || exit 1; done

# one target per output of the registry (edition/outputs.py): `make epub`, `make pdf`, …
OUTPUTS := $(shell cd $(CURDIR) && $(PYTHON) -S -m edition.outputs)

outputs:  ## list the outputs `make <name>` builds (edition/outputs.py)
	@$(PYTHON) -S -m edition.outputs --help

.PHONY: $(OUTPUTS)
$(OUTPUTS): $(VENV)/.runtime
	$(EDITION) build $@

serve: $(VENV)/.runtime  ## live preview of the web edition on http://127.0.0.1:8000/
	$(EDITION) serve

test: $(VENV)/.dev  ## run the test suite in parallel (builds the real edition, runs EPUBCheck)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup

# the fast tier: every test that needs no full build of the reader, no tool outside Python and
# no PDF layout (the marks: tests/conftest.py, TIERS); under a minute on two cores
test-fast: $(VENV)/.dev  ## run the fast tier: unit and behaviour tests (no reader build, no external tool, no PDF layout)
	$(BIN)/python -m pytest -q -n 2 --dist load -m "not reader and not tool and not layout"

lint: $(VENV)/.dev
	$(BIN)/ruff check edition tests

types: $(VENV)/.dev
	$(BIN)/mypy

check: lint types ace  ## lint, type-check, DAISY Ace and `edition check --strict` the book
	$(EDITION) check --strict

bench: $(VENV)/.dev  ## measure build speed (writes build/bench.md)
	$(BIN)/python -m bench

# -- EPUB checkers outside Python (Node, Debian's Chromium) -----------------------
# DAISY Ace and the reading-system harness (tests/reader/) install into ignored
# folders; tests/test_epub_readers.py uses them (required when CI=true).
CHROMIUM ?= /usr/bin/chromium
ACE_DIR  := .cache/ace
ACE      := $(ACE_DIR)/bin/ace-cli
READER_DEPS := tests/reader/node_modules/.installed
SLUG      = $(shell sed -n 's/^slug: *//p' book.yaml)

$(ACE):
	PUPPETEER_SKIP_DOWNLOAD=1 npm install --global --prefix $(ACE_DIR) --no-audit --no-fund --loglevel=error @daisy/ace-cli@1.4.6

$(READER_DEPS): tests/reader/package.json tests/reader/package-lock.json
	cd tests/reader && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# axe-core for the web edition's browser tests (tests/test_web.py)
WEB_DEPS := tests/web/node_modules/.installed
$(WEB_DEPS): tests/web/package.json tests/web/package-lock.json
	cd tests/web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

webtools: $(WEB_DEPS)  ## install axe-core for the web edition's tests (npm)

epubtools: $(ACE) $(READER_DEPS)  ## install DAISY Ace and the reading-system harness (npm)

ace: $(ACE) epub  ## DAISY Ace on the EPUB: zero violations (report: build/ace/edition/)
	@test -x $(CHROMIUM) || { echo "ace needs Chromium: apt-get install -y chromium" >&2; exit 1; }
	PUPPETEER_EXECUTABLE_PATH=$(CHROMIUM) ACE_TIMEOUT_INITIAL=120000 $(ACE) -E -s -f -o build/ace/edition build/$(SLUG).epub

reader: $(READER_DEPS) $(VENV)/.dev  ## open the EPUB in epub.js and foliate-js (screenshots: build/reading-system/)
	READING_SYSTEM_SHOTS=$(CURDIR)/build/reading-system $(BIN)/python -m pytest -q tests/test_epub_readers.py -k "reading_system or foliate"

clean:  ## remove outputs and caches, keep .venv
	rm -rf build .pytest_cache .mypy_cache .ruff_cache .hypothesis .cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean  ## also remove the environment
	rm -rf $(VENV) *.egg-info
