# Gongjian: the two set-up commands are `make dev` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := -e shared -e services/projects-api -e services/meetings-api -e services/scoring-worker -e services/notifier -e .

.PHONY: install dev dev-kafka test mutants fuzz lint typecheck unit integration kafka postgres bench schemas clean

$(STAMP): requirements/dev.txt pyproject.toml shared/pyproject.toml services/*/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation $(PACKAGES)
	touch $(STAMP)

install: $(STAMP)

dev: install
	$(BIN)/gongjian dev

dev-kafka: install
	$(BIN)/gongjian dev --bus kafka

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy src shared/src services/projects-api/src services/meetings-api/src services/scoring-worker/src services/notifier/src

test: install lint typecheck
	$(BIN)/python -m pytest -p no:cacheprovider
	$(BIN)/python tests/mutants/run.py

# Each deliberately broken variant of a reliability property must make its tests fail (tests/mutants/).
mutants: install
	$(BIN)/python tests/mutants/run.py

fuzz: install
	$(BIN)/python -m pytest -p no:cacheprovider -m fuzz tests/contract/test_schemathesis.py

kafka: install
	$(BIN)/python -m gongjian.infra.kafka

postgres: install
	$(BIN)/python -m gongjian.infra.postgres --data-dir var/postgres

bench: install
	$(BIN)/python -m bench

schemas: install
	$(BIN)/gongjian events --write

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
