# kasse task runner. `make help` lists the targets.
#
# Tools are bootstrapped into the checkout: uv into .tools/, the project into .venv/ from the
# hashed requirements.lock. Nothing is installed globally.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
VENV := .venv
UV := $(TOOLS)/bin/uv
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
# extra arguments, e.g. make test PYTEST_ARGS="-k capacity -x", make demo DEMO_ARGS="--port 9000"
PYTEST_ARGS ?=
DEMO_ARGS ?=
# make lock LOCK_ARGS=--upgrade moves every pin to the newest allowed version
LOCK_ARGS ?=
# e.g. make bench BENCH_ARGS=--quick, make bench BENCH_ARGS="--phases pg --only capacity"
BENCH_ARGS ?=

.PHONY: help install demo test test-fast test-pg lint check-migrations lock clean bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "kasse needs Python >= 3.11; $(PYTHON) is $$($(PYTHON) --version 2>&1)." >&2; \
		echo "Point PYTHON at a newer one: make PYTHON=python3.12 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet uv==$(UV_VERSION)
	@touch $@

$(STAMP): requirements.lock pyproject.toml | $(UV)
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv --without-pip $(VENV)
	$(UV) pip sync --python $(VENV)/bin/python requirements.lock
	$(UV) pip install --python $(VENV)/bin/python --no-deps -e .
	@touch $@

install: $(STAMP) ## bootstrap .tools (uv) and .venv from requirements.lock (quick when done)

demo: install ## start the server with the demo museum (SQLite); prints URLs and tokens
	$(VENV)/bin/kasse demo $(DEMO_ARGS)

test: install ## the whole suite: SQLite, or PostgreSQL when KASSE_TEST_DATABASE_URL is set
	@echo "tests on $${KASSE_TEST_DATABASE_URL:-SQLite}" | sed -E 's#(//[^:/@]+:)[^@]*@#\1***@#'
	$(VENV)/bin/pytest -n auto $(PYTEST_ARGS)

test-fast: install ## the suite without the slow (concurrency and load) tests
	$(VENV)/bin/pytest -n auto -m "not slow" $(PYTEST_ARGS)

test-pg: install ## the whole suite on the local PostgreSQL (postgres@127.0.0.1:5432/test)
	KASSE_TEST_DATABASE_URL=$(PG_TEST_URL) $(VENV)/bin/pytest -n auto $(PYTEST_ARGS)

lint: install ## ruff format --check, ruff check, mypy --strict on src/
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

check-migrations: install ## fail when the models and the migrations disagree (alembic check)
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	export KASSE_DATABASE_URL="sqlite:///$$tmp/check.db"; \
	$(VENV)/bin/kasse db upgrade && $(VENV)/bin/alembic check

bench: install ## the load benchmark on PostgreSQL and SQLite (needs wrk, pgbench); see docs/performance.md
	@for tool in wrk pgbench psql createdb dropdb; do command -v $$tool >/dev/null || { \
		echo "make bench needs $$tool: apt-get install wrk postgresql-client (Debian/Ubuntu)" >&2; \
		exit 1; }; done
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)

lock: | $(UV) ## re-resolve requirements.lock from pyproject.toml
	$(UV) pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		-o requirements.lock $(LOCK_ARGS)

clean: ## remove .venv, .tools and caches (databases are kept)
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
