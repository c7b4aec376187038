# The two commands a newcomer needs: `make run` serves the site, `make test` runs every test.
VENV ?= .venv
PYTHON ?= python3

.PHONY: run test install benchmark

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[test]"
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

run: install
	$(VENV)/bin/equiptrain serve

test: install
	scripts/test

benchmark: install
	scripts/benchmark
