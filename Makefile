# NISP Tracker: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
# Test processes: one per core (each gets its own test database). A worker that runs out of
# tests takes some from the other (worksteal): the long report and browser tests end unevenly.
TEST_WORKERS ?= auto

.PHONY: run test lint format install install-test demo-data clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files re-run the install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

var:
	mkdir -p var

## Serve the tracker on SQLite with demo accounts (no database server or Redis needed).
## The beat schedule runs beside it in-process (manage.py run_schedule); e-mail goes to the console.
run: install var
	DEBUG=$${DEBUG:-1} $(PY) manage.py compile_translations
	@fc-list 2>/dev/null | grep -q "Noto Nastaliq Urdu" || echo "NOTE: the Noto Nastaliq Urdu font is not installed (Debian: apt-get install fonts-noto-core); Urdu PDF reports fall back to another font and may show boxes."
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_policies
	DEBUG=$${DEBUG:-1} $(PY) manage.py ensure_periods
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py run_schedule & schedule=$$!; \
	trap 'kill $$schedule' EXIT INT TERM; \
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:$(PORT)

## Run the test suite (uses DATABASE_URL / REDIS_URL when set).
test: install-test var
	DEBUG=1 $(PY) manage.py compile_translations
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var
