# veil: two commands on a fresh machine.
#   make run   set up the virtual environment, generate sample data if raw/ is empty, run main_job
#   make test  set up, then lint, type-check, validate the Dagster definitions and run the tests
# Both honour PIPELINE_DATA (default: ./data).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIPELINE_DATA ?= $(CURDIR)/data
export PIPELINE_DATA := $(abspath $(PIPELINE_DATA))

.PHONY: run test ui lint validate docs clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

run: $(BIN)/.installed
	$(BIN)/python -m pipelines.cli run

ui: $(BIN)/.installed
	$(BIN)/python -m pipelines.cli ui

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# `dagster definitions validate` on the repo's definitions, with a throwaway home and data root.
validate: $(BIN)/.installed
	tmp=$$(mktemp -d) && cp dagster.yaml $$tmp/ && DAGSTER_HOME=$$tmp PIPELINE_DATA=$$tmp/data \
	  $(BIN)/dagster definitions validate -m pipelines.definitions; rc=$$?; rm -rf $$tmp; exit $$rc

test: lint validate
	$(BIN)/python -m pytest

# Regenerate docs/marts.md (the analysts' data dictionary) from the mart asset definitions.
docs: $(BIN)/.installed
	$(BIN)/python -m pipelines.marts_docs

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
