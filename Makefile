# Two entry points a newcomer needs: `make run` and `make test`. Both build .venv on demand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONFIG ?= config.example.toml

.PHONY: run test lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The example config keeps its state in /var/lib/renewd, as installed; here it lives in ./state.
run: export RENEWD_STATE__DIR = $(CURDIR)/state
run: $(STAMP)
	$(BIN)/renewd plan -c $(CONFIG)
	$(BIN)/renewd feeds -c $(CONFIG)
	$(BIN)/renewd run -c $(CONFIG)

test: $(STAMP) lint typecheck
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src
	$(BIN)/mypy tests

bench: $(STAMP)
	$(BIN)/python bench/plan.py
	$(BIN)/python bench/feeds.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info
