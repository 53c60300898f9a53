# QMarket: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CATALOGS := $(wildcard app/locale/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: install run test messages clean

install: $(INSTALLED) $(COMPILED)

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

%.mo: %.po $(INSTALLED)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

run: install
	$(BIN)/qmarket db upgrade
	$(BIN)/qmarket seed --demo --if-empty
	$(BIN)/qmarket serve

test: install
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

# After changing UI strings: extract them and merge into the catalogues, then translate the new entries.
messages: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k N_ --no-location --no-wrap \
		--project=QMarket -o app/locale/messages.pot .
	$(BIN)/pybabel update -i app/locale/messages.pot -d app/locale --no-wrap --ignore-obsolete --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache
