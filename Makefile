# Gongjian: the two set-up commands are `make dev` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := -e shared -e services/projects-api -e services/meetings-api -e services/scoring-worker -e services/notifier -e .

.PHONY: install dev dev-kafka test fuzz lint typecheck unit integration kafka postgres bench schemas clean k8s-tools k8s-check

# helm and kubeconform for the offline chart check, built from their Go modules at pinned versions.
TOOLS := var/tools/bin
HELM_VERSION := v4.3.2
KUBECONFORM_VERSION := v0.8.0
GO ?= go
HELM := $(TOOLS)/.helm-$(HELM_VERSION)
KUBECONFORM := $(TOOLS)/.kubeconform-$(KUBECONFORM_VERSION)

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

$(HELM):
	mkdir -p $(TOOLS)
	GOBIN=$(CURDIR)/$(TOOLS) $(GO) install helm.sh/helm/v4/cmd/helm@$(HELM_VERSION)
	touch $@

$(KUBECONFORM):
	mkdir -p $(TOOLS)
	GOBIN=$(CURDIR)/$(TOOLS) $(GO) install github.com/yannh/kubeconform/cmd/kubeconform@$(KUBECONFORM_VERSION)
	touch $@

k8s-tools: $(HELM) $(KUBECONFORM)

# The Helm chart: helm lint, and helm template (optional parts on and off) through kubeconform -strict against
# the schemas in deploy/helm/schemas/ (offline). make test runs it too (tests/integration/deploy/test_helm_chart.py).
k8s-check: install k8s-tools
	$(BIN)/python deploy/helm/check.py

test: install lint typecheck k8s-tools
	$(BIN)/python -m pytest -p no:cacheprovider

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
