# Escalade: `make run` starts everything with demo data, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make run ESCALADE_PORT=8123`: the banner, the web server and the links in
# e-mails (SITE_URL, unless set) all follow the port.
ESCALADE_PORT ?= 8000
export ESCALADE_PORT
STAMP := $(VENV)/.installed

.PHONY: run test lint check migrate seed clean messages compilemessages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

migrate: $(STAMP) compilemessages
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput

seed: migrate
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo

# Translations: the .po catalogs under locale/ are committed, the .mo files are built.
compilemessages: $(STAMP)
	cd $(CURDIR) && env -u DJANGO_SETTINGS_MODULE $(BIN)/django-admin compilemessages --ignore=.venv --ignore=var --ignore=staticfiles

# Extract the marked strings into the catalogs of every language, then list what
# is untranslated or fuzzy (see README, Languages).
messages: $(STAMP)
	$(BIN)/python -m config.i18n_check --update || true

run: seed
	@echo ""
	@echo "  Escalade is starting on http://127.0.0.1:$(ESCALADE_PORT)/"
	@echo "  Logins (password 'demo'): admin, agent1, agent2, agent3, agent4, manager, customer"
	@echo "  API docs: http://127.0.0.1:$(ESCALADE_PORT)/api/docs/   Admin: http://127.0.0.1:$(ESCALADE_PORT)/admin/"
	@echo "  Ctrl-C stops the web server, the two Celery workers and beat."
	@echo ""
	DEBUG=$${DEBUG:-1} PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start

test: $(STAMP) compilemessages
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(STAMP)
	SECRET_KEY=check $(BIN)/python manage.py makemigrations --check --dry-run
	SECRET_KEY=check $(BIN)/python manage.py check --deploy --fail-level ERROR
	$(BIN)/ruff check .

clean:
	rm -rf var staticfiles .pytest_cache
