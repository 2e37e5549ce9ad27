# The README's commands. `make run` serves the demo site; `make test` runs the whole suite.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Development conveniences apply to `make run` only; production settings stay safe by default.
DEV := DJANGO_DEBUG=1
# Tests run with DEBUG off, as in production; they need some secret key.
TEST_ENV := DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-insecure-key-for-tests-only}

.PHONY: run test check lint format messages translations superuser clean robustness bench bench-search bench-cold faults audit screenshots

run: $(VENV)/.installed translations
	$(DEV) $(PY) manage.py migrate --no-input
	$(DEV) $(PY) manage.py load_demo_content
	@echo
	@echo "Admin: http://127.0.0.1:8000/admin/ -- create a user with:"
	@echo "    make superuser"
	@echo
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed-test translations
	$(TEST_ENV) $(PY) manage.py check --fail-level WARNING
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(VENV)/bin/pytest --cov --cov-report=term

# The deep property-based run of tests/test_robustness.py: 10,000 examples a test, some minutes.
robustness: $(VENV)/.installed-test translations
	$(TEST_ENV) HYPOTHESIS_PROFILE=deep $(VENV)/bin/pytest tests/test_robustness.py -p no:cacheprovider

# Throughput, latency and queries per page under gunicorn at 15, 1,000 and 10,000 networks
# (bench/README.md); several minutes. BENCH_ARGS=--sqlite for SQLite instead of PostgreSQL.
bench:
	bench/run $(BENCH_ARGS)

# Searches with words at 15 and 10,000 networks on PostgreSQL, page cache off (bench/README.md);
# some three minutes.
bench-search:
	bench/search $(BENCH_ARGS)

# The pages and files a first visitor asks for, every cache emptied before each request, at 15
# and 10,000 networks on PostgreSQL (bench/README.md); some four minutes.
bench-cold:
	bench/cold $(BENCH_ARGS)

# Lighthouse (mobile) and axe-core on every kind of public page in both languages, under
# gunicorn (bench/README.md); some ten minutes. Needs Node.js for Lighthouse; not in CI.
audit:
	bench/audit $(AUDIT_ARGS)

# Load and faults under gunicorn (bench/README.md): a minute of visitors, then PostgreSQL
# restarted and Redis stopped under load, then two instances behind nginx (deploy/) with one
# stopped under load; about four minutes, seven at most. It restarts the
# PostgreSQL and Redis of 127.0.0.1, and always leaves them running.
faults:
	bench/faults $(FAULTS_ARGS)

# The demo's screenshots for the reuse catalogue (publiccode.yml), taken by the browser tests.
screenshots: $(VENV)/.installed-test
	SCREENSHOTS_DIR=docs/screenshots DJANGO_SECRET_KEY=screenshots-only $(VENV)/bin/pytest tests/test_accessibility.py -k screenshots -p no:cacheprovider -q

superuser: $(VENV)/.installed
	$(DEV) $(PY) manage.py createsuperuser

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Compile locale/*.po (pure Python: no gettext tools needed).
translations: $(VENV)/.installed
	$(DEV) $(PY) manage.py compiletranslations --verbosity 0

# Refresh locale/*.po from the source (needs GNU gettext's xgettext), then translate the new entries.
messages: $(VENV)/.installed
	$(DEV) $(PY) manage.py makemessages --all --no-obsolete --ignore '.venv/*' --ignore 'build/*'

# The environment: pinned versions from constraints.txt, so every clone installs the same set.
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --constraint constraints.txt --editable .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet --constraint constraints.txt --editable '.[test]'
	touch $@

clean:
	rm -rf $(VENV) build *.egg-info
