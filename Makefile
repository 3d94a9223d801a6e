# Two commands on a fresh machine:
#   make run    set up a virtualenv, migrate SQLite under ./var/, seed the demo bank, serve on 127.0.0.1:8000
#   make test   set up a virtualenv with dev + embeddings extras, then ruff, mypy and the whole pytest suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test venv install-run install-test lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install-run: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,embeddings]'

run: install-run
	$(BIN)/bankdesk up

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest
