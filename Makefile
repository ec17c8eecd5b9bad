# warmteregio: two commands do all set-up on a fresh machine.
#   make run   installs everything, loads the demo region into SQLite (var/) and serves http://127.0.0.1:8000
#   make test  installs everything (incl. Debian chromium for browser tests) and runs the whole test suite
UV_VERSION := 0.13.9
PYTHON ?= python3
UV := $(PYTHON) -m uv
export UV_LINK_MODE := copy

.PHONY: install install-python install-frontend install-system run demo test lint bench clean

install: install-python install-frontend

install-python:
	@$(PYTHON) -m uv --version 2>/dev/null | grep -q "$(UV_VERSION)" || $(PYTHON) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) sync --frozen

install-frontend:
	npm ci --no-audit --no-fund --loglevel=error
	$(UV) run python scripts/vendor_static.py

install-system:
	bash scripts/install_system_deps.sh

demo: install
	$(UV) run warmteregio db upgrade
	$(UV) run warmteregio demo laden
	$(UV) run warmteregio beoordeling start --regio ES18 --gebruiker demo@warmteregio.nl --als-nog-geen
	$(UV) run warmteregio demo allocaties --gebruiker demo@warmteregio.nl
	$(UV) run warmteregio demo programmas
	$(UV) run warmteregio demo netwerk

run: demo
	$(UV) run warmteregio serve --host 127.0.0.1 --port 8000

test: install install-system
	$(UV) run pytest -n 2

lint: install-python
	$(UV) run ruff check src tests scripts bench
	$(UV) run ruff format --check src tests scripts bench

bench: install
	$(UV) run python bench/run_all.py

clean:
	rm -rf var/ .pytest_cache node_modules src/warmteregio/web/static/vendor
