# TwinSpaces: `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DATA ?= data
PYPROJECT_HASH := $(shell sha1sum pyproject.toml | cut -c1-12)
STAMP := $(VENV)/.installed-$(PYPROJECT_HASH)

.PHONY: run test test-sqlite test-postgres lint lint-web check bench install web node-deps browser ocr turn haproxy clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test,lint]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

web:
	@bash scripts/build-web.sh

node-deps:
	@bash scripts/node-deps.sh

browser:
	@bash scripts/install-chromium.sh

ocr:
	@bash scripts/install-ocr.sh

turn:
	@bash scripts/install-coturn.sh

haproxy:
	@bash scripts/install-haproxy.sh

run: install web
	$(VENV)/bin/twinspace serve --demo --data $(DATA)

# Every check, then the whole suite on SQLite and, at the same time, every test that depends
# on the database on PostgreSQL (scripts/test-both-backends.sh). Measured on this 2-core VM
# (README, "Two commands"; 2026-12-07, both started together, nothing else running): SQLite
# 20.5 min, PostgreSQL 19.3 min, 22 min for the whole of .ci/run.
test: install node-deps browser ocr turn haproxy web lint lint-web
	@bash scripts/ensure-services.sh
	CI=$${CI:-} PY=$(PY) bash scripts/test-both-backends.sh

# One backend alone: every test on SQLite files, or on a PostgreSQL database of its own
# (tests/support/database.py).
test-sqlite: install node-deps browser ocr turn haproxy web
	CI=$${CI:-} $(PY) -m pytest -q

test-postgres: install node-deps browser ocr turn haproxy web
	@bash scripts/ensure-services.sh
	CI=$${CI:-} TWINSPACE_TEST_DATABASE=postgresql $(PY) -m pytest -q

# Every check CI enforces: lint errors fail `make test` too.
lint: install
	$(VENV)/bin/ruff check twinspace tests bench scripts
	$(VENV)/bin/ruff format --check twinspace tests bench scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy --strict scripts/check_import_cycles.py
	$(PY) scripts/check_import_cycles.py
	cd bench && ../$(VENV)/bin/mypy --strict --ignore-missing-imports --explicit-package-bases \
		run.py chat_fanout.py cluster.py floor_server.py large_page.py memory.py stability.py harness

# The web client: its generated types match the server (OpenAPI document, events schema),
# it type-checks, and the linter (web/biome.jsonc: no `any`) is clean.
lint-web: install
	@bash scripts/web-tools.sh
	PYTHON=$(PY) bash scripts/check-generated.sh
	cd web && npm run --silent typecheck && npm run --silent lint

check: lint

bench: install node-deps
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) web/dist web/node_modules web/codegen/node_modules tests/node/node_modules bench/node/node_modules bench/results artifacts
