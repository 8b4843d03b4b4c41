# erpsync — the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export ERPSYNC_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test lint typecheck pytest bench serve clean venv dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[postgres]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	bash scripts/system-packages.sh
	$(BIN)/pip install -q -e '.[dev,postgres,mysql,celery,tryton]'
	touch $(VENV)/.installed $@

venv: $(VENV)/.installed
dev: $(VENV)/.installed-dev

## make demo: venv, migrations on an SQLite file, admin user, demo CRM and ERP, then serve
demo: venv
	$(BIN)/erpsync demo --host $(HOST) --port $(PORT)

serve: venv
	$(BIN)/erpsync serve --host $(HOST) --port $(PORT)

## make test: lint, type-check and the whole suite against the local services
test: dev
	bash scripts/system-packages.sh
	$(MAKE) lint typecheck pytest

lint: dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: dev
	$(BIN)/mypy

pytest: dev
	$(BIN)/pytest --timeout=300 --durations=30 $(PYTEST_ARGS)

bench: dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
