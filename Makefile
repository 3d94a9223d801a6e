# Two commands on a fresh machine:
#   make run    set up a virtualenv, migrate SQLite under ./var/, seed the demo bank, serve on 127.0.0.1:8000
#   make test   set up a virtualenv with dev + embeddings extras, then ruff, mypy and the whole pytest suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test venv install-run install-test lint browser-deps deploy-deps bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install-run: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python browser-deps deploy-deps
	$(BIN)/python -m pip install --quiet -e '.[dev,embeddings]'

# The browser tests drive Debian's Chromium (never a downloaded browser build) and inject axe-core from npm.
browser-deps:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }
	@test -f var/npm/node_modules/axe-core/axe.min.js || npm install --silent --no-audit --no-fund --prefix var/npm axe-core@4.11

# tests/deploy runs deploy/nginx.conf in Debian's nginx (the compose proxy's config, without Docker).
deploy-deps:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { apt-get update -qq && apt-get install -y -qq nginx-light; }

run: install-run
	$(BIN)/bankdesk up

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

# Issue 14: Bankdesk's turn against the floor (one INSERT + one SELECT) on SQLite and Postgres at 1, 4, 8 and
# 16 clients, then where a turn's time goes (pyinstrument) and its database work. Needs Postgres on
# 127.0.0.1:5432 (BENCH_PG_ADMIN to change); about 10 minutes; writes bench/out/.
bench: install-test
	$(BIN)/python -m bench.turn_bench
	$(BIN)/python -m bench.profile_turn
