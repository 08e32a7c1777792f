# Quick start: `make demo` (venv, install, scan the sample library, show stats), `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB := .demo/catalog.db

.PHONY: install demo test lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[$*]'
	touch $@

install: $(VENV)/.installed-test

demo: install
	rm -rf .demo && mkdir -p .demo
	$(BIN)/curata --database $(DEMO_DB) scan examples/sample-library
	$(BIN)/curata --database $(DEMO_DB) stats

test: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check src tests benchmarks

format: install
	$(BIN)/ruff format src tests benchmarks

bench: $(VENV)/.installed-test $(VENV)/.installed-bench
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf .demo $(VENV) .pytest_cache .ruff_cache
