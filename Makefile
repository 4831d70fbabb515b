# cnfs — the two commands: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
# First Python >= 3.12 found: on PATH, then under pyenv.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$(ls -dr $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then command -v $$p || echo $$p; break; fi; done)
TERRITORIES ?= ../shared/data/territories
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails point at the server `make run` starts (`make run PORT=8080`), unless CNFS_BASE_URL is given.
CNFS_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test e2e quality format install static-vendor migrate territories seed bench clean help

help:
	@echo "make run      — installe, migre, importe les territoires, crée la démo, lance le serveur et le worker"
	@echo "make test     — toute la suite de tests (SQLite par défaut, PostgreSQL avec DATABASE_URL)"
	@echo "make e2e      — tests navigateur (Playwright + Chromium de Debian)"
	@echo "make quality  — ruff (lint + format) et djlint"

$(VENV)/.installed: requirements/dev.txt
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 introuvable"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@

# Front-end libraries from npm (package.json, package-lock.json), copied into static/vendor/ (not committed): served
# by the application like every static file, never from a CDN. `--prefer-offline` uses npm's cache when it has them.
LEAFLET_DIST := node_modules/leaflet/dist
DSFR_CHART_DIST := node_modules/@gouvfr/dsfr-chart/dist
static/vendor/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm introuvable : installez Node.js (apt-get install -y npm)"; exit 1; }
	npm ci --no-audit --no-fund --prefer-offline
	rm -rf static/vendor/leaflet && mkdir -p static/vendor/leaflet
	cp -r $(LEAFLET_DIST)/leaflet.js $(LEAFLET_DIST)/leaflet.js.map $(LEAFLET_DIST)/leaflet.css $(LEAFLET_DIST)/images \
		static/vendor/leaflet/
	cp node_modules/leaflet/LICENSE static/vendor/leaflet/
	rm -rf static/vendor/dsfr-chart && mkdir -p static/vendor/dsfr-chart
	cp -r $(DSFR_CHART_DIST)/BarChart $(DSFR_CHART_DIST)/LineChart static/vendor/dsfr-chart/
	touch $@

static-vendor: static/vendor/.installed

install: $(VENV)/.installed static/vendor/.installed

migrate: install
	$(MANAGE) migrate --noinput

territories: migrate
	$(MANAGE) import_territories --source $(TERRITORIES) --fallback

seed: territories
	$(MANAGE) seed_demo

run: seed
	@$(MANAGE) schedule_tasks
	@$(MANAGE) demo_accounts --url $(CNFS_BASE_URL)/
	@trap 'kill 0' EXIT INT TERM; \
	CNFS_BASE_URL=$(CNFS_BASE_URL) $(MANAGE) db_worker & \
	CNFS_BASE_URL=$(CNFS_BASE_URL) $(MANAGE) runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest -n $${PYTEST_WORKERS:-2} tests

e2e: install
	@command -v chromium >/dev/null || test -x /usr/bin/chromium || { echo "Chromium absent : apt-get install -y chromium"; exit 1; }
	$(BIN)/pytest -c e2e/pytest.ini --rootdir . -n $${PYTEST_WORKERS:-2} e2e

quality: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --check templates cnfs
	$(BIN)/djlint --lint templates cnfs

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint --reformat templates cnfs

bench: install
	TERRITORIES=$(TERRITORIES) $(PY) -m bench $(BENCH) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3* var node_modules static/vendor
