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
.PHONY: all epub kepub pdf booklet cover web serve webtools test check lint types clean help distclean bench ace reader epubtools

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

all: $(VENV)/.runtime  ## build the editions into build/ (EPUB, PDF, Kobo kepub)
	$(EDITION) build all
	$(EDITION) build kepub

epub: $(VENV)/.runtime  ## build the EPUB (build/<slug>.epub)
	$(EDITION) build epub

kepub: $(VENV)/.runtime  ## build the Kobo edition (build/<slug>.kepub.epub)
	$(EDITION) build kepub

pdf: $(VENV)/.runtime  ## build the print PDF (build/<slug>.pdf)
	$(EDITION) build pdf

booklet: $(VENV)/.runtime  ## the print PDF imposed for A4 duplex and saddle stitching (build/<slug>-booklet.pdf)
	$(EDITION) build booklet

cover: $(VENV)/.runtime  ## the one-piece print cover with its spine (build/<slug>-cover.pdf)
	$(EDITION) build cover
web: $(VENV)/.runtime  ## build the web edition (build/web/; the PDF first if its page map is not current)
	$(EDITION) build web

serve: $(VENV)/.runtime  ## live preview of the web edition on http://127.0.0.1:8000/
	$(EDITION) serve

test: $(VENV)/.dev  ## run the test suite in parallel (builds the real edition, runs EPUBCheck)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup

lint: $(VENV)/.dev
	$(BIN)/ruff check edition tests

types: $(VENV)/.dev
	$(BIN)/mypy

check: lint types ace  ## lint, type-check, DAISY Ace and `edition check --strict` the book
	$(EDITION) check --strict

bench: $(VENV)/.dev  ## measure build speed (writes build/bench.md)
	$(BIN)/python -m edition.bench

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
