# QMarket: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CATALOGS := $(wildcard app/locale/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: install meilisearch run run-meili test bench bench-quick messages clean

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

# The pinned Meilisearch server (checked by sha256, kept under var/): the tests' second engine, and make run-meili's.
meilisearch:
	scripts/meilisearch.sh install

# Like `make run`, with a local Meilisearch from the pinned binary started beside the app and stopped with it.
run-meili: install meilisearch
	$(BIN)/python scripts/run_meili.py

test: install
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

# Benchmarks (never timed assertions in tests): reports with the machine and the commands in bench/results/.
bench-quick: install meilisearch
	$(BIN)/python bench/http_bench.py --docs 10000 --rounds 15 --report bench/results

bench: install meilisearch
	$(BIN)/python bench/http_bench.py --docs 10000 --rounds 60 --report bench/results
	$(BIN)/python bench/search_bench.py --docs 100000 --index /tmp/qmarket-bench-100k.db --json bench/results/embedded-100k.json

# After changing UI strings: extract them and merge into the catalogues, then translate the new entries.
messages: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k N_ --no-location --no-wrap \
		--project=QMarket -o app/locale/messages.pot .
	$(BIN)/pybabel update -i app/locale/messages.pot -d app/locale --no-wrap --ignore-obsolete --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache
