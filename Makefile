# Quick start: `make demo` (venv, install, then `curata demo`: scan the sample library, search,
# duplicates, a selection exported, auto-selection, and the commands to try next), `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB := .demo/catalog.db

.PHONY: install demo workbench test lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[$*]'
	touch $@

install: $(VENV)/.installed-test

demo: install
	rm -rf .demo && mkdir -p .demo
	$(BIN)/curata --database $(DEMO_DB) demo examples/sample-library --export-to .demo/export

# The web workbench on the sample library: catalogs it, follows it, serves http://127.0.0.1:8765/
workbench: install
	mkdir -p .demo
	$(BIN)/curata --database $(DEMO_DB) serve --watch examples/sample-library

test: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check src tests benchmarks

format: install
	$(BIN)/ruff format src tests benchmarks

bench: $(VENV)/.installed-test $(VENV)/.installed-bench
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf .demo $(VENV) .pytest_cache .ruff_cache .mypy_cache
