"""The Helm chart (deploy/helm/gongjian), offline: `helm lint` and `helm template` through `kubeconform -strict`
against the schemas pinned in deploy/helm/schemas/ (deploy/helm/check.py, which `make k8s-check` runs alone),
and the chart against docker-compose.yml: every compose container has its workload, with the same command and
the same environment variables. helm and kubeconform are what `make k8s-tools` built: without them these tests
fail, they do not skip."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from integration.deploy.test_compose import command, services

from gongjian_shared.bus.kafka import dead_letter_topic
from gongjian_shared.events.registry import STREAM_PRODUCERS, topic_name
from support.reports import report

ROOT = Path(__file__).resolve().parents[3]
CHECK = ROOT / "deploy" / "helm" / "check.py"
_spec = importlib.util.spec_from_file_location("gongjian_helm_check", CHECK)
assert _spec is not None and _spec.loader is not None
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)
EXTERNAL = ["kafka.strimzi.enabled=false", "postgresql.cnpg.enabled=false"]
# The one variable the chart adds: with CloudNativePG, the generated password, which the database URLs use.
CNPG_PASSWORD = "GONGJIAN_K8S_DATABASE_PASSWORD"
# Compose values that name a host of the compose network: the chart names the cluster's.
ENDPOINTS = ("_KAFKA__BOOTSTRAP", "_DATABASE__URL")
LABELS = {
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/component",
    "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/part-of",
}


def rendered(values: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in check.documents(check.render(values))}


def workload(chart: dict[tuple[str, str], dict[str, Any]], container: str) -> dict[str, Any]:
    """The chart's pod container for a compose container: a Deployment of the same name, or for the
    one-shot `bootstrap` the migrations Job."""
    if container == "bootstrap":
        found = chart[("Job", f"{check.RELEASE}-migrations")]
    else:
        found = chart[("Deployment", container)]
    pod = found["spec"]["template"]["spec"]
    assert len(pod["containers"]) == 1, container
    spec: dict[str, Any] = pod["containers"][0]
    return spec


def test_the_chart_validates_offline() -> None:
    done = subprocess.run(
        [sys.executable, str(CHECK)], capture_output=True, text=True, timeout=600, check=False, cwd=ROOT
    )
    report("Helm chart (make k8s-check)", "deploy/helm/check.py", done.stdout + done.stderr)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("helm lint ok") == len(check.SCENARIOS), done.stdout
    assert "Invalid: 0, Errors: 0, Skipped: 0" in done.stdout


@pytest.mark.parametrize("values", [[], EXTERNAL], ids=["with-operators", "external"])
def test_every_compose_container_has_its_workload_with_the_same_environment(values: list[str]) -> None:
    chart = rendered(values)
    cnpg = not values
    for name, spec in services().items():
        if name in ("postgres", "kafka"):
            kind = {"postgres": "Cluster", "kafka": "Kafka"}[name]
            assert any(key[0] == kind for key in chart) is (not values), (name, kind)
            continue
        container = workload(chart, name)
        if name == "gateway":  # nginx: compose mounts deploy/gateway's files, the chart its copies of them
            assert container["image"].split(":")[0] == spec["image"].split(":")[0]
            continue
        assert container["command"] == command(spec), name
        compose_env: dict[str, str] = {
            key: str(value) for key, value in (spec.get("environment") or {}).items()
        }
        chart_env = {entry["name"]: entry for entry in container.get("env", [])}
        extra = (
            {CNPG_PASSWORD} if cnpg and any(key.endswith("_DATABASE__URL") for key in compose_env) else set()
        )
        assert set(chart_env) == set(compose_env) | extra, name
        for key, value in compose_env.items():
            entry = chart_env[key]
            secret = "${" in value
            if cnpg and key.endswith("_DATABASE__URL"):
                assert f"$({CNPG_PASSWORD})" in entry["value"], (name, key)
            elif secret:
                assert "secretKeyRef" in entry.get("valueFrom", {}), (
                    f"{name} {key}: a secret comes by reference"
                )
            elif not key.endswith(ENDPOINTS):
                assert entry.get("value") == value, (name, key)


def test_the_chart_declares_every_topic_the_platform_uses() -> None:
    chart = rendered([])
    topics = {doc["spec"]["topicName"] for (kind, _), doc in chart.items() if kind == "KafkaTopic"}
    streams = {topic_name("gongjian.", stream) for stream in STREAM_PRODUCERS}
    assert topics == streams | {dead_letter_topic(topic) for topic in streams}
    kafka = next(doc for (kind, _), doc in chart.items() if kind == "Kafka")
    bootstrap = f"{kafka['metadata']['name']}-kafka-bootstrap:9092"
    env = workload(chart, "projects-api")["env"]
    assert {"name": "PROJECTS_KAFKA__BOOTSTRAP", "value": bootstrap} in env


def test_services_are_probed_labelled_and_budgeted() -> None:
    chart = rendered([])
    for (kind, name), doc in chart.items():
        assert doc["metadata"]["labels"].keys() >= LABELS, (kind, name)
        if kind in ("Deployment", "Job"):
            assert doc["spec"]["template"]["metadata"]["labels"].keys() >= LABELS, (kind, name)
    for service in STREAM_PRODUCERS.values():
        container = workload(chart, service)
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["resources"]["requests"] and container["resources"]["limits"]
        selector = chart[("PodDisruptionBudget", service)]["spec"]["selector"]["matchLabels"]
        pod_labels = chart[("Deployment", service)]["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= pod_labels.items()
        assert chart[("Service", service)]["spec"]["selector"] == selector
        assert chart[("Deployment", f"{service}-relay")]["spec"]["replicas"] == 1
    job = chart[("Job", f"{check.RELEASE}-migrations")]
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "post-install,pre-upgrade"


def test_the_gateway_serves_deploy_gateways_routes() -> None:
    chart_files = ROOT / "deploy" / "helm" / "gongjian" / "files"
    for name in ("nginx.conf", "routes.conf"):
        assert (chart_files / name).read_text() == (ROOT / "deploy" / "gateway" / name).read_text(), (
            f"deploy/helm/gongjian/files/{name} differs from deploy/gateway/{name}: copy it again"
        )
    config = rendered([])[("ConfigMap", "gateway")]["data"]["nginx.conf"]
    assert "resolver 127.0.0.11" not in config
    assert f"server projects-api.{check.NAMESPACE}.svc.cluster.local:8000 resolve;" in config
