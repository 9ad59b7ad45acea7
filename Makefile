# Two commands set everything up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install db db-stop migrate load static check-fixtures chromium

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

# Start (or attach to) the embedded PostgreSQL in .pg/ unless DATABASE_URL points elsewhere.
db: install
	$(PY) -c "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup()"

db-stop: install
	$(PY) -c "from config.localdb import stop_server; stop_server()"

migrate: db
	$(PY) manage.py migrate --noinput

load: migrate
	$(PY) manage.py load_plans

static: install
	$(PY) manage.py collectstatic --noinput --verbosity 0

run: load static
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

check-fixtures: migrate
	$(PY) manage.py load_plans --dry-run

# Browser tests need Debian's Chromium; install it when missing (never skip the tests).
chromium:
	@test -x /usr/bin/chromium || (apt-get update -q && apt-get install -y -q chromium)

test: install chromium
	$(PY) -m pytest
