# Two commands on a fresh machine: `make run` (the whole system, embedded default) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run stop test lint unit integration e2e infra clean

MODEL := routing/build/router-model.pkl

install: $(STAMP) $(MODEL)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The router's model: trained on the project's own corpus, cross-validated, calibrated.
$(MODEL): $(STAMP) $(wildcard routing/data/*.csv routing/data/*.jsonl routing/data/corpus/*) $(wildcard routing/adapters/*.py)
	$(BIN)/lapor routing train --output $(MODEL)

infra: install
	bash deploy/system-deps.sh --with-browser
	bash deploy/kafka.sh install

run: infra
	$(BIN)/lapor dev up
	$(BIN)/lapor dev seed

stop:
	$(BIN)/lapor dev down

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: install
	$(BIN)/pytest -q tests/unit

# Unit tests need nothing running and use both cores. The real-stack tests mostly wait on the
# broker and the services: two workers, each with its own Kafka and PostgreSQL, take whole files,
# the slowest first (tests/conftest.py names the groups and the order). `test` runs test_faults
# (1,000 reports through the system) alone afterwards: beside it, on two workers, other e2e
# files' 60 s waits ran out (sms_kannel, text_edge).
REAL_STACK := -n 2 --dist loadfile --no-loadscope-reorder
FAULTS := tests/e2e/test_faults.py

integration: infra
	$(BIN)/pytest -q $(REAL_STACK) tests/integration

e2e: infra
	$(BIN)/pytest -q $(REAL_STACK) tests/e2e

test: infra lint
	$(BIN)/pytest -q -p no:cacheprovider -n 2 tests/unit
	$(BIN)/pytest -q -p no:cacheprovider $(REAL_STACK) --ignore=$(FAULTS) tests/integration tests/e2e
	$(BIN)/pytest -q -p no:cacheprovider $(FAULTS)

clean:
	rm -rf $(VENV) .lapor .pytest_cache .mypy_cache .ruff_cache
