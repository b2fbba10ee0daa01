# Gongjian: the two set-up commands are `make dev` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := -e shared -e services/projects-api -e services/meetings-api -e services/scoring-worker -e services/notifier -e .

.PHONY: install dev dev-kafka test fuzz lint typecheck unit integration kafka postgres bench soak schemas clean mutants k8s-tools k8s-check toxiproxy web web-api web-dev browser

# helm and kubeconform for the offline chart check, built from their Go modules at pinned versions.
TOOLS := var/tools/bin
HELM_VERSION := v4.3.2
KUBECONFORM_VERSION := v0.8.0
GO ?= go
HELM := $(TOOLS)/.helm-$(HELM_VERSION)
KUBECONFORM := $(TOOLS)/.kubeconform-$(KUBECONFORM_VERSION)
# Toxiproxy for the soak's faults between a service and the broker (its server is the module's cmd/server).
TOXIPROXY_VERSION := v2.12.0
TOXIPROXY := $(TOOLS)/.toxiproxy-$(TOXIPROXY_VERSION)

$(STAMP): requirements/dev.txt pyproject.toml shared/pyproject.toml services/*/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation $(PACKAGES)
	touch $(STAMP)

WEB_MODULES := web/node_modules/.package-lock.json
WEB_STAMP := web/.build-stamp
WEB_SOURCES := $(shell find web/src -type f) web/index.html web/package.json web/package-lock.json web/vite.config.ts web/tsconfig.json

install: $(STAMP) $(WEB_MODULES)

# The web console's packages, from package-lock.json (pinned with integrity hashes), again when the lock changes.
$(WEB_MODULES): web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $(WEB_MODULES)

# The web console's build (web/dist, served by `gongjian dev` at /), again only when its sources changed.
$(WEB_STAMP): $(WEB_MODULES) $(WEB_SOURCES)
	cd web && npm run build
	touch $(WEB_STAMP)

web: $(WEB_STAMP)

# Debian's Chromium and a CJK font for the console's browser tests (Playwright's own download does not work here).
browser:
	command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium)
	fc-list :lang=zh | grep -q . || (apt-get update -q && apt-get install -y -q fonts-noto-cjk)

dev: install web
	$(BIN)/gongjian dev

dev-kafka: install web
	$(BIN)/gongjian dev --bus kafka

# Vite's dev server on http://127.0.0.1:5173 for front-end work, proxying /api to `make dev` on :8000.
web-dev: $(WEB_MODULES)
	cd web && npm run dev

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

$(TOXIPROXY):
	mkdir -p $(TOOLS)
	GOBIN=$(CURDIR)/$(TOOLS) $(GO) install github.com/Shopify/toxiproxy/v2/cmd/server@$(TOXIPROXY_VERSION)
	mv $(TOOLS)/server $(TOOLS)/toxiproxy-server
	touch $@

toxiproxy: $(TOXIPROXY)

# The Helm chart: helm lint, and helm template (optional parts on and off) through kubeconform -strict against
# the schemas in deploy/helm/schemas/ (offline). make test runs it too (tests/integration/deploy/test_helm_chart.py).
k8s-check: install k8s-tools
	$(BIN)/python deploy/helm/check.py

test: install web browser lint typecheck k8s-tools toxiproxy
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

# Faults under load (issue 15): the platform on Kafka, services as processes, kill -9s, broker and PostgreSQL
# restarts, Toxiproxy latency and cuts, a clock jump; then every write and event checked. At most 10 minutes.
# `make test` runs the short version (tests/soak/test_soak_short.py).
soak: install toxiproxy
	$(BIN)/python -m soak

schemas: install
	$(BIN)/gongjian events --write

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache web/node_modules web/dist $(WEB_STAMP)

# The web console (web/): its typed client is generated from the services' OpenAPI document.
web-api: install
	cd web && GONGJIAN_PYTHON=$(CURDIR)/$(BIN)/python npm run gen:api
