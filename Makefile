# Shop platform: one entry point for installing, running and testing everything.
# `make dev` runs the whole shop with demo data; `make test` runs every test.

SHELL := /bin/bash
.DEFAULT_GOAL := help
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
PY := $(UV) run --frozen
SERVICES := identity-commerce catalog-fulfillment notifications
PYTEST_ARGS ?=
# Database location (PGHOST/PGPORT/PGUSER/PGPASSWORD) chosen by scripts/pg.py:
# .env URLs, else a server on 127.0.0.1:5432, else the embedded PostgreSQL.
PGENV = eval "$$($(PY) python scripts/pg.py env)"

.PHONY: help install initdb migrate seed dev test test-backend test-frontend e2e bench lint clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

install: ## Install Python (uv workspace, locked) and frontend dependencies
	@command -v uv >/dev/null 2>&1 || test -x "$(UV)" || { echo "==> installing uv"; python3 -m pip install --user --quiet uv || python3 -m pip install --quiet --break-system-packages uv; }
	@echo "==> Python dependencies (uv.lock)"
	@$(UV) sync --frozen --all-packages
	@if [ -f frontend/package.json ]; then echo "==> frontend dependencies (package-lock.json)"; cd frontend && npm ci --no-audit --no-fund --loglevel=error; fi

initdb: ## Create the three databases (safe to run again)
	@$(PGENV) && $(PY) python scripts/pg.py initdb

migrate: ## Apply every service's migrations
	@$(PGENV) && for s in $(SERVICES); do echo "==> migrate $$s"; (cd services/$$s && $(PY) alembic upgrade head) || exit 1; done

seed: ## Load demo data (idempotent)
	@$(PGENV) && for s in $(SERVICES); do if [ -f services/$$s/scripts/seed.py ]; then echo "==> seed $$s"; (cd services/$$s && $(PY) python scripts/seed.py) || exit 1; fi; done

dev: install initdb migrate seed ## Run the whole shop with demo data (Ctrl-C stops it)
	@$(PGENV) && $(PY) python scripts/dev.py

test: test-backend test-frontend e2e ## Every test: backend, frontend unit and browser tests

test-backend: install
	@$(PY) pytest -q libs/shopkit/tests $(PYTEST_ARGS)
	@for s in $(SERVICES); do echo "==> tests: $$s"; (cd services/$$s && $(PY) pytest -q $(PYTEST_ARGS)) || exit 1; done
	@if ls tests/test_*.py >/dev/null 2>&1; then $(PY) pytest -q tests $(PYTEST_ARGS); fi

test-frontend: install
	@if [ -f frontend/package.json ]; then cd frontend && npm test --silent; fi

e2e: install ## Browser journeys (Playwright + system Chromium) against the real stack
	@if [ -f frontend/e2e/run.sh ]; then bash frontend/e2e/run.sh; fi

bench: install ## Measure under load and write docs/benchmarks.md (not a test)
	@$(PGENV) && $(PY) python bench/run.py

lint: install ## ruff, mypy, tsc and eslint
	@$(PY) ruff check libs services scripts tests
	@$(PY) ruff format --check libs services scripts tests
	@$(PY) mypy libs/shopkit/src services/*/src
	@if [ -f frontend/package.json ]; then cd frontend && npm run -s lint && npm run -s typecheck; fi

clean: ## Drop the dev databases, remove environments, keys and data
	-@$(PGENV) && $(PY) python scripts/pg.py dropdb
	-@$(PY) python scripts/pg.py stop-embedded
	rm -rf .venv frontend/node_modules frontend/dist .data .run .keys
