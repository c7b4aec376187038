# The two commands a newcomer needs: `make run` serves the site (PORT= and HOST= to choose where), `make test` runs
# every test.
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

# `make run PORT=8080 HOST=0.0.0.0` to serve elsewhere than 127.0.0.1:5000.
PORT ?= 5000
HOST ?= 127.0.0.1

run: install
	$(VENV)/bin/equiptrain serve --host $(HOST) --port $(PORT)

test: install
	scripts/test

benchmark: install
	scripts/benchmark
