# govgraph — `make run` serves the seed data on 127.0.0.1:8000; `make test` runs lint and tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run token serve test test-pg conformance lint fmt schema graphiql check bench bench-growth clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# Development mode: a secret generated once into .govgraph-dev-secret (git-ignored) unless
# GOVGRAPH_SECRET is set, and a sample token per role printed at start (api/cli_dev.py).
run: install
	$(BIN)/govgraph db upgrade
	$(BIN)/govgraph seed
	GOVGRAPH_ENV=$${GOVGRAPH_ENV:-development} GOVGRAPH_ANONYMOUS=$${GOVGRAPH_ANONYMOUS:-demo} \
		$(BIN)/govgraph serve

# A token signed with `make run`'s development secret: make token UNIT=南村镇 ROLE=REPORTER
token: install
	GOVGRAPH_ENV=$${GOVGRAPH_ENV:-development} $(BIN)/govgraph token --unit "$(UNIT)" --role "$(ROLE)"

serve: install
	$(BIN)/govgraph serve

# pytest-xdist on every core (PYTEST_WORKERS=1 for one process); tests/browser share a worker.
PYTEST_WORKERS ?= auto
PYTEST_XDIST := -n $(PYTEST_WORKERS) --dist loadgroup

test: install lint
	$(PY) -m pytest -q $(PYTEST_XDIST)

test-pg: install
	$(PY) -m pytest -q $(PYTEST_XDIST) -m postgres

# The graphql-http audit (GraphQL over HTTP) against uvicorn over a seeded SQLite file; fails on
# any error. npm installs the pinned suite into tests/conformance/node_modules (gitignored).
conformance: install
	$(PY) -m tests.conformance.audit

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schema: install
	$(PY) -m api.print_schema > schema.graphql

# Re-fetch GraphiQL and React (npm, pinned versions in the script) into api/static/graphiql/vendor
# and rewrite the page's integrity (sha384) attributes.
graphiql: install
	$(PY) scripts/vendor_graphiql.py

check: fmt lint test

# Not part of `make test`: generates a dataset, runs govgraph, PostGraphile and the raw-SQL floor
# side by side on the local PostgreSQL, drives them with wrk (an external load generator,
# installed with apt-get when missing and possible) and writes bench/RESULTS.md.
# BENCH_SCALE=small (default, a few minutes) | default | province (5,000 units, 200,000 tasks,
# 2,000,000 reports: generation alone takes a while); see bench/run.py for the other knobs.
bench: install
	command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y wrk; } || \
		{ echo "bench: needs wrk (Debian: apt-get install -y wrk)" >&2; exit 1; }
	cd bench && npm ci --no-audit --no-fund --loglevel=error
	$(PY) -m bench.run

# Not part of `make test`: latency and memory of govgraph at several sizes of the province
# dataset (BENCH_GROWTH_SCALES, default 0.5,1,2), one generated database per scale
# (govgraph_growth_<scale>x); writes the "Growth" section of bench/RESULTS.md (bench/growth.py).
bench-growth: install
	command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y wrk; } || \
		{ echo "bench-growth: needs wrk (Debian: apt-get install -y wrk)" >&2; exit 1; }
	$(PY) -m bench.growth

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache govgraph.db govgraph.db-wal govgraph.db-shm
