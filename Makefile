# The two commands: `make run` and `make test`. Both need only Python 3.11+ to start from.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run test lint format migrate messages compile-messages e2e bench bench-quick bench-search bench-announce bench-storms soak clean backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

# Serves the Hub at http://$(HOST):$(PORT) with a Celery worker (and beat) beside it.
# Without DATABASE_URL/REDIS_URL: embedded mode (SQLite, in-process layer, filesystem broker).
run: export DEBUG ?= 1
run: $(VENV)/.installed
	$(BIN)/python manage.py compile_catalogs
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	@echo "The Hub is at http://$(HOST):$(PORT)/ (Ctrl-C stops the server and the worker)."
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --no-prefix -f Procfile

migrate: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput

# Every marked message of the Python, templates and static/ JavaScript into locale/*/LC_MESSAGES/*.po
# (the six UN languages; needs GNU gettext's xgettext). docs/i18n.md says how translations come back.
messages: export DEBUG ?= 1
messages: $(VENV)/.installed
	$(BIN)/python manage.py update_catalogs

# The .mo files the Hub serves, from the .po files (Babel: no GNU gettext needed); `make run` does it too.
compile-messages: export DEBUG ?= 1
compile-messages: $(VENV)/.installed
	$(BIN)/python manage.py compile_catalogs

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Lint, then the whole suite on PostgreSQL + Redis and the accounts, gcm, hub and discussions
# suites again on SQLite (embedded); both must pass. TEST_DATABASE_URL, TEST_REDIS_URL: README.md.
test: lint
	scripts/test.sh

e2e: $(VENV)/.installed-dev
	scripts/test.sh --only=services -m e2e

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@touch $@ $(VENV)/.installed $(VENV)/.installed-dev

# WebSocket fan-out against the Channels tutorial and a bare websockets server (needs PostgreSQL and Redis).
bench: $(VENV)/.installed-bench
	scripts/ensure_services.sh
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.ban_latency
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.announce
	$(BIN)/python -m bench.storms

# Expert search over 10k, 30k and 100k seeded experts, the Hub against a naive DRF SearchFilter
# (docs/benchmarks.md, "Expert search"); SEARCH_ARGS=--quick for 10k only.
bench-search: $(VENV)/.installed-bench
	scripts/ensure_services.sh
	$(BIN)/python -m bench.search $(SEARCH_ARGS)

# Publishing one event to 1k, 10k and 50k subscribers until every email reached a local SMTP sink, the
# Hub against one Celery task per subscriber (docs/benchmarks.md, "Announcements"); ANNOUNCE_ARGS=--quick for 10k only.
bench-announce: $(VENV)/.installed-bench
	scripts/ensure_services.sh
	$(BIN)/python -m bench.announce $(ANNOUNCE_ARGS)

# Connection and reconnection storms (N = 250 to 2,000) on one Hub process beside a bare websockets server
# (docs/benchmarks.md, "Storms"); STORMS_ARGS=--quick for N = 250 and 1,000 only.
bench-storms: $(VENV)/.installed-bench
	scripts/ensure_services.sh
	$(BIN)/python -m bench.storms $(STORMS_ARGS)

# A reconnect storm of 1,000 clients, then 500 idle + 50 chatty sockets for SOAK_MINUTES (default 3);
# then the memory-bound tests (tests/soak: floods and big imports at two sizes, minutes long).
soak: $(VENV)/.installed-bench
	scripts/ensure_services.sh
	$(BIN)/python -m bench.soak --minutes $(or $(SOAK_MINUTES),3)
	HUB_SOAK=1 scripts/test.sh --only=services tests/soak

bench-quick: $(VENV)/.installed-bench
	scripts/ensure_services.sh
	$(BIN)/python -m bench.run --quick

# A pg_dump (custom format) of DATABASE_URL into BACKUP_DIR (var/backups), keeping the newest BACKUP_KEEP (14).
backup:
	scripts/backup.sh

# DUMP=<file> into a fresh database: RESTORE_DATABASE_URL, else DATABASE_URL (created if missing; never over tables).
restore:
	scripts/restore.sh "$(DUMP)" $(RESTORE_DATABASE_URL)

clean:
	rm -rf var .pytest_cache .ruff_cache
