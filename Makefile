# Réemploi — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run demo test test-fast lint format messages bench lighthouse topology image load migrations-check clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements/base.txt requirements/dev.txt pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11, 5) and "Python 3.11.5 or newer is needed (the pinned requirements need it)")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements/base.txt -r requirements/dev.txt
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed ## Create .venv and install the locked dependencies

run: install ## Migrate, load the demo data and serve the site on http://127.0.0.1:8000 (web, worker, local Stripe)
	SITE_BASE_URL=$${SITE_BASE_URL:-http://$(HOST):$(PORT)} $(PY) manage.py migrate --noinput
	SITE_BASE_URL=$${SITE_BASE_URL:-http://$(HOST):$(PORT)} $(PY) manage.py demo
	HOST=$(HOST) PORT=$(PORT) $(PY) -m reemploi.devserver

demo: install ## Load (or refresh) the demo data only
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo

test: install ## Run the whole test suite (DATABASE_URL / REDIS_URL select real services)
	$(VENV)/bin/pytest --create-db

test-fast: install ## Run the suite, reusing the test database of the previous run
	$(VENV)/bin/pytest --reuse-db -x

lint: install ## Lint and check formatting
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## Format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install ## Fail when a model change has no migration
	$(PY) manage.py makemigrations --check --dry-run

messages: install ## Extract French strings to locale/ and compile them
	$(PY) manage.py makemessages -l fr --ignore=.venv --ignore=var
	$(VENV)/bin/pybabel compile -d locale -D django -l fr

bench: install ## Serve the site with gunicorn and measure it (needs wrk; see bench/README.md)
	$(PY) bench/run.py

lighthouse: install ## Lighthouse (mobile) on the shop's key pages (needs chromium and npm; see bench/README.md)
	test -x var/tools/node_modules/.bin/lighthouse || npm install --prefix var/tools lighthouse
	$(PY) bench/lighthouse.py

topology: install ## Start the production topology on loopback and walk through it (needs PostgreSQL and Redis installed; see Deploying)
	$(PY) deploy/topology.py

image: install ## Build the production image and run the topology's journeys through its containers (needs a Docker engine; see Deploying)
	$(PY) deploy/image.py

load: install ## Locust on the production topology: steady load, a gunicorn worker killed, Redis stopped (see bench/README.md)
	$(PY) bench/load.py

clean: ## Remove the virtual environment and local data
	rm -rf $(VENV) var
