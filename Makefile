# PIC Portal. `make run` serves a demo on http://127.0.0.1:8000; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check
# Production-like values for `check --deploy`; never used to serve.
DEPLOY_ENV := DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=pic.example.org \
	PIC_FIELD_ENCRYPTION_KEYS=$$($(PY) -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") \
	PIC_IDENTIFIER_HASH_KEY=$$($(PY) -c "import secrets; print(secrets.token_hex(32))") \
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')
DEV_ENV := DJANGO_DEBUG=1
PYTEST_ARGS ?=
BENCH_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run serve-prod setup messages test test-sqlite test-postgres lint format typecheck check bench ci lock clean backup restore

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --upgrade pip

$(VENV)/.run-installed: requirements.lock | $(PY)
	$(PIP_INSTALL) --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev-installed: requirements-dev.lock | $(PY)
	$(PIP_INSTALL) --require-hashes -r requirements-dev.lock
	touch $@ $(VENV)/.run-installed

# The demo's logins and the outbox hint are the last lines printed before the server starts.
setup: $(VENV)/.run-installed ## Install, migrate, load facilities and demo accounts
	@scripts/system-packages.sh run
	mkdir -p var
	@$(DEV_ENV) $(PY) manage.py check_old_database
	$(DEV_ENV) $(PY) manage.py migrate --no-input
	$(DEV_ENV) $(PY) manage.py createcachetable
	@$(MAKE) --no-print-directory messages
	$(DEV_ENV) $(PY) manage.py load_facilities
	@echo
	@echo "PIC Portal: http://127.0.0.1:8000/   (staff sign-in: http://127.0.0.1:8000/staff/login/)"
	@echo "Stop the server with Ctrl+C; start again from scratch with make clean && make run."
	@$(DEV_ENV) $(PY) manage.py demo

# The task worker (e-mail, certificates) runs beside the server, its log in var/worker.log;
# the trap stops it however runserver ends (Ctrl+C included).
run: setup ## Set everything up and serve http://127.0.0.1:8000 (prints the demo logins; Ctrl+C stops)
	@$(DEV_ENV) $(PY) manage.py db_worker --no-reload --interval 0.5 >var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.dev-installed ## The whole suite on SQLite, then on PostgreSQL where one is at hand
	@scripts/system-packages.sh test
	@$(MAKE) --no-print-directory messages
	@$(MAKE) --no-print-directory test-sqlite test-postgres

test-sqlite: $(VENV)/.dev-installed ## The suite on SQLite (browser tests included)
	@echo "== tests on SQLite"
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.dev-installed ## The suite on PostgreSQL (DATABASE_URL or a throwaway cluster)
	@echo "== tests on PostgreSQL"
	$(PY) scripts/with_postgres.py -- $(PY) -m pytest -m "not browser and not fuzz" $(PYTEST_ARGS)

# The .mo files are built, never committed: compile the project's catalogues (not the
# virtualenv's, which come compiled).
messages: | $(PY) ## Compile the translation catalogues (locale/*/LC_MESSAGES/*.po)
	@if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then $(DEV_ENV) $(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=staticfiles --ignore=var --ignore=test-artifacts; fi

lint: $(VENV)/.dev-installed ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(VENV)/.dev-installed ## mypy with django-stubs
	$(DEV_ENV) $(BIN)/mypy .

check: $(VENV)/.dev-installed ## Django checks, missing migrations, and check --deploy in production mode
	$(DEV_ENV) $(PY) manage.py check --fail-level WARNING
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING

# Production settings from .env; collectstatic and migrate first, then gunicorn and the task
# worker side by side; Ctrl+C stops both.
serve-prod: $(VENV)/.run-installed ## Serve with gunicorn and the task worker, production settings from .env
	@scripts/system-packages.sh run
	$(PY) scripts/serve_prod.py

# PostgreSQL (throwaway, or BENCH_DATABASE_URL), seed_bench, gunicorn, wrk and locust:
# e.g. make bench BENCH_ARGS="--scale 0.01 --duration 3 --no-load".
bench: $(VENV)/.dev-installed ## Each page's latency against bare Django at 100k applications, and a load test
	@scripts/system-packages.sh bench
	$(PY) scripts/bench.py $(BENCH_ARGS)

ci: lint check typecheck test ## What CI runs

lock: | $(PY) ## Re-pin requirements.lock and requirements-dev.lock from pyproject.toml
	$(PIP_INSTALL) pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --generate-hashes --no-emit-index-url --no-emit-find-links --allow-unsafe -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --generate-hashes --no-emit-index-url --no-emit-find-links --allow-unsafe --extra test -o requirements-dev.lock pyproject.toml

# Production runs these with its settings in the environment (/etc/pic-portal/env, see
# docs/operations.md); locally they use .env, or the SQLite demo when there is none.
backup: $(VENV)/.run-installed ## Database and private files into var/backups/pic-portal-DATE.tar (+ .sha256)
	$(PY) manage.py backup $(if $(OUTPUT),--output $(OUTPUT))

restore: $(VENV)/.run-installed ## Restore ARCHIVE=var/backups/pic-portal-....tar (REPLACE=1 overwrites a non-empty database)
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=var/backups/pic-portal-YYYYMMDD-HHMMSS.tar"; exit 2; }
	$(PY) manage.py restore "$(ARCHIVE)" $(if $(REPLACE),--replace)

clean: ## Reset the demo: remove the virtualenv, the SQLite database and test artifacts
	rm -rf $(VENV) var staticfiles test-artifacts .pytest_cache .mypy_cache .ruff_cache
