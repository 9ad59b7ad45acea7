# Two commands set everything up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install db db-stop migrate load static check-fixtures chromium pdf-libs backup restore serve bench soak wrk oidc-provider

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

# Loads only when a fixture, a source document, the loader's code or a migration changed since the last load
# (manage.py load_plans --force loads regardless).
load: migrate
	$(PY) manage.py load_plans
	@if [ -z "$$DATABASE_URL" ]; then $(PY) manage.py seed_local_users; fi

static: install
	$(PY) manage.py collectstatic --noinput --verbosity 0

# migrate, load, seed_local_users and collectstatic, each skipped when it has nothing to do, then runserver, all
# in one process (loader/management/commands/prepare_run.py).
run: install pdf-libs
	$(PY) manage.py prepare_run --serve 127.0.0.1:$(PORT)

backup: db
	$(PY) manage.py backup

# make restore FILE=backups/app-....dump [RESTORE_DB=app_restored]: into an empty or new database only.
restore: db
	@test -n "$(FILE)" || (echo "Usage: make restore FILE=backups/<file>.dump [RESTORE_DB=<new database>]"; exit 2)
	$(PY) manage.py restore "$(FILE)" $(if $(RESTORE_DB),--database "$(RESTORE_DB)",)

# Production-style serving: gunicorn behind your proxy; settings come from the environment (README).
serve: install pdf-libs
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py migrate --noinput
	$(PY) manage.py assess_kpis
	$(VENV)/bin/gunicorn config.wsgi:application --bind $${BIND:-127.0.0.1:$(PORT)} --workers $${WORKERS:-3} \
		--access-logfile - --error-logfile - --forwarded-allow-ips="$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

check-fixtures: migrate
	$(PY) manage.py load_plans --dry-run

# Browser tests need Debian's Chromium; install it when missing (never skip the tests).
chromium:
	@test -x /usr/bin/chromium || (apt-get update -q && apt-get install -y -q chromium)

# WeasyPrint (the PDF report packs) draws with Pango and HarfBuzz, and embeds fonts it finds with fontconfig.
pdf-libs:
	@ldconfig -p | grep -q libpangoft2-1.0 && ldconfig -p | grep -q libharfbuzz-subset && fc-list | grep -qi dejavu \
		|| (apt-get update -q && apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)

# ruff, then the apps' import contract ([tool.importlinter] in pyproject.toml: under a second, so no cache folder
# is kept), then the tests.
# Checks first, each failing the run: lint, layout, the apps' one-way imports, types (the dummy DATABASE_URL only
# stops settings from starting the embedded database for mypy: nothing connects), then every test.
test: install chromium pdf-libs
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache --no-logo
	DATABASE_URL=postgresql://localhost/typecheck $(VENV)/bin/mypy
	$(PY) -m pytest

# Performance (docs/performance.md). The benchmark and the soak start their own gunicorn on loopback and stop it.
# make bench: a fresh app_bench database (migrate, timed load_plans, seed users), then every page type measured
# with the page cache and without it (PAGE_CACHE=false); the tables go into docs/performance.md (its bench:seed
# block; the prose around the blocks stays).
# make bench SCALE=1 [REGENERATE=1]: the synthetic 100-council installation in app_scale (generated once; block
# bench:scale).
wrk:
	@command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk)

bench: install wrk
	@if [ -n "$$DATABASE_URL" ]; then echo "make bench uses the embedded PostgreSQL: unset DATABASE_URL"; exit 2; fi
	$(if $(filter 1 true yes,$(SCALE)),LOCAL_DATABASE_NAME=app_scale $(PY) manage.py bench --prepare --docs docs/performance.md --scale $(if $(filter 1 true yes,$(REGENERATE)),--regenerate,),LOCAL_DATABASE_NAME=app_bench $(PY) manage.py bench --prepare --docs docs/performance.md)

# make soak [MINUTES=10 CLIENTS=6]: concurrent reads and writes against a fresh app_soak database (block
# bench:soak of docs/performance.md).
soak: install
	@if [ -n "$$DATABASE_URL" ]; then echo "make soak uses the embedded PostgreSQL: unset DATABASE_URL"; exit 2; fi
	LOCAL_DATABASE_NAME=app_soak $(PY) manage.py soak --prepare --docs docs/performance.md --minutes $${MINUTES:-10} --clients $${CLIENTS:-6}

# A test OpenID provider on loopback (tests/oidc_provider: django-oidc-provider, its own database on the embedded
# server) for trying single sign-on locally; README "Single sign-on". Stop it with Ctrl-C.
OIDC_PROVIDER_PORT ?= 8900
oidc-provider: db
	OIDC_PROVIDER_PORT=$(OIDC_PROVIDER_PORT) OIDC_APP_URLS=http://127.0.0.1:$(PORT),http://localhost:$(PORT) \
		$(PY) tests/oidc_provider/serve.py
