# Shop platform: one entry point for installing, running and testing everything.
# `make dev` runs the whole shop with demo data; `make test` runs every test.

SHELL := /bin/bash
.DEFAULT_GOAL := help
# uv from PATH, else where `pip install --user uv` puts it (re-evaluated after `install`)
UV = $(or $(shell command -v uv 2>/dev/null),$(wildcard $(HOME)/.local/bin/uv),uv)
PY = $(UV) run --frozen
# Every declared service, in start order (shopkit.services); read when a recipe needs it,
# after install-python made the environment.
SERVICES = $(shell $(PY) python -m shopkit.services list)
PYTEST_ARGS ?=
# Database location (PGHOST/PGPORT/PGUSER/PGPASSWORD) chosen by scripts/pg.py:
# .env URLs, else a server on 127.0.0.1:5432, else the embedded PostgreSQL.
# (Assigning first makes a failing discovery stop the recipe; `eval "$(...)"` would not.)
PGENV = pgenv="$$($(PY) python scripts/pg.py env)" && eval "$$pgenv"

.PHONY: help install install-python install-frontend initdb migrate seed dev test \
	test-backend test-frontend e2e test-contract screenshots api-types bench scale lint clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

install: install-python install-frontend ## Install Python (uv workspace, locked) and frontend dependencies

install-python:
	@if ! command -v uv >/dev/null 2>&1 && ! test -x "$(HOME)/.local/bin/uv"; then \
		echo "==> installing uv (pip)"; \
		python3 -m pip install --user --quiet uv 2>/dev/null \
		|| python3 -m pip install --user --quiet --break-system-packages uv \
		|| python3 -m pip install --quiet --break-system-packages uv; \
	fi
	@echo "==> Python dependencies (uv.lock -> .venv)"
	@$(UV) sync --frozen --all-packages
	@echo "==> Python environment ready"

install-frontend:
	@if [ -f frontend/package.json ]; then \
		command -v npm >/dev/null 2>&1 || { echo "npm not found: install Node.js 20+ first" >&2; exit 1; }; \
		if [ ! -f frontend/node_modules/.package-lock.json ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then \
			echo "==> frontend dependencies (npm ci, package-lock.json)"; \
			cd frontend && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error --progress=true; \
		else echo "==> frontend dependencies up to date"; fi; \
	fi

initdb: install-python ## Create the three databases (safe to run again)
	@$(PGENV) && $(PY) python scripts/pg.py initdb

migrate: initdb ## Apply every service's migrations
	@$(PGENV) && for s in $(SERVICES); do echo "==> migrate $$s"; (cd services/$$s && $(PY) alembic upgrade head) || exit 1; done

seed: migrate ## Load demo data (idempotent)
	@$(PGENV) && for s in $(SERVICES); do \
		if [ -f services/$$s/scripts/seed.py ]; then echo "==> seed $$s"; (cd services/$$s && $(PY) python scripts/seed.py) || exit 1; \
		else echo "==> seed $$s: no scripts/seed.py yet"; fi; done

dev: install ## Run the whole shop with demo data (Ctrl-C stops it)
	@$(PGENV) && $(PY) python scripts/dev.py

test: test-backend test-frontend e2e test-contract ## Every test: backend, frontend unit, browser and contract tests

# `install`, not only install-python: the repository tests build the frontend preview too.
test-backend: install ## shopkit, the three services and the repository tests (real PostgreSQL)
	@$(PGENV) && failed=""; \
	echo "==> tests: libs/shopkit"; $(PY) pytest -q libs/shopkit/tests $(PYTEST_ARGS) || failed="$$failed libs/shopkit"; \
	for s in $(SERVICES); do echo "==> tests: $$s"; (cd services/$$s && $(PY) pytest -q $(PYTEST_ARGS)) || failed="$$failed $$s"; done; \
	echo "==> tests: repository and whole-shop acceptance (tests/, tests/acceptance/)"; $(PY) pytest -q tests $(PYTEST_ARGS) || failed="$$failed tests/"; \
	if [ -n "$$failed" ]; then echo "==> backend test suites that failed:$$failed" >&2; exit 1; fi; \
	echo "==> backend tests passed"

test-frontend: install-frontend ## Frontend unit tests (vitest)
	@if [ -f frontend/package.json ]; then echo "==> tests: frontend"; cd frontend && npm test --silent; fi

e2e: install ## Browser journeys (Playwright + system Chromium) against the real stack
	@if [ -f frontend/e2e/run.sh ]; then echo "==> browser tests (e2e)"; $(PGENV) && bash frontend/e2e/run.sh; \
	else echo "==> e2e: frontend/e2e/run.sh does not exist yet"; fi

test-contract: install-python ## The schemathesis CLI against the running shop (its own e2e stack, no frontend)
	@echo "==> contract tests (schemathesis CLI against the e2e stack)"
	@$(PGENV) && $(PY) python scripts/stack.py run --profile e2e --frontend none -- \
		$(PY) python scripts/contract.py

screenshots: install ## Run the browser journeys and refresh the README's pictures in docs/screenshots/
	@if [ -f frontend/e2e/run.sh ]; then echo "==> browser tests (e2e), screenshots into docs/screenshots/"; \
	$(PGENV) && E2E_SCREENSHOT_DIR="$(CURDIR)/docs/screenshots" bash frontend/e2e/run.sh; \
	else echo "==> screenshots: frontend/e2e/run.sh does not exist yet" >&2; exit 1; fi

api-types: install ## Regenerate docs/api/openapi/*.json and the frontend's API types from the services
	@cd frontend && npm run -s gen:api

bench: install ## Measure under load and write docs/benchmarks.md (not a test)
	@if [ -f bench/run.py ]; then $(PGENV) && $(PY) python bench/run.py; \
	else echo "bench/run.py does not exist yet" >&2; exit 1; fi

scale: install ## The shop with two replicas of each service behind HAProxy (Ctrl-C stops it)
	@$(PGENV) && $(PY) python scripts/stack.py up --profile scale

lint: install ## ruff, mypy, tsc and eslint
	@$(PY) ruff check libs services scripts tests
	@$(PY) ruff format --check libs services scripts tests
	@$(PY) mypy libs/shopkit/src services/*/src
	@$(PY) mypy scripts
	@if [ -f frontend/package.json ]; then cd frontend && npm run -s lint && npm run -s typecheck; fi

clean: ## Drop the dev databases, remove environments, keys and data
	-@if [ -x .venv/bin/python ]; then $(PY) python scripts/pg.py dropdb; $(PY) python scripts/pg.py stop-embedded; fi
	rm -rf .venv frontend/node_modules frontend/dist .data .run .keys
