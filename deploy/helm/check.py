"""Validate the Helm chart offline: `helm lint`, then `helm template` of each scenario (the optional Strimzi
Kafka and CloudNativePG PostgreSQL on and off) through `kubeconform -strict` against the schemas pinned in
deploy/helm/schemas/ (nothing is downloaded). helm and kubeconform are the ones `make k8s-tools` builds into
var/tools/bin (or $HELM / $KUBECONFORM).

    python deploy/helm/check.py        # what `make k8s-check` runs; exit 1 on the first failure
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "gongjian"
SCHEMAS = ROOT / "deploy" / "helm" / "schemas"
TOOLS = ROOT / "var" / "tools" / "bin"
KUBERNETES_VERSION = "1.34.4"  # the version deploy/helm/schemas/generate.py took the schemas from
RELEASE, NAMESPACE = "gongjian", "gongjian"

# scenario -> (helm --set values, kinds that must be rendered, kinds that must not)
OPERATOR_KINDS = {"Kafka", "KafkaNodePool", "KafkaTopic", "Cluster"}
SCENARIOS: dict[str, tuple[list[str], set[str], set[str]]] = {
    "defaults (Strimzi Kafka and CNPG PostgreSQL in the release)": ([], OPERATOR_KINDS, set()),
    "cluster already runs Kafka and PostgreSQL": (
        ["kafka.strimzi.enabled=false", "postgresql.cnpg.enabled=false"],
        set(),
        OPERATOR_KINDS,
    ),
    "Strimzi only, no PodDisruptionBudgets, evidence on a claim": (
        [
            "postgresql.cnpg.enabled=false",
            "podDisruptionBudget.enabled=false",
            "evidence.existingClaim=evidence",
        ],
        {"Kafka", "KafkaNodePool", "KafkaTopic"},
        {"Cluster", "PodDisruptionBudget"},
    ),
    "CNPG only": (["kafka.strimzi.enabled=false"], {"Cluster"}, {"Kafka", "KafkaNodePool", "KafkaTopic"}),
}


class CheckFailed(Exception):
    pass


def tool(name: str) -> str:
    path = Path(os.environ.get(name.upper(), TOOLS / name))
    if not path.is_file() or not os.access(path, os.X_OK):
        raise CheckFailed(
            f"{name} is not built at {path}: run `make k8s-tools` (go install at the pinned version)"
        )
    return str(path)


def run(args: list[str], stdin: str | None = None) -> str:
    done = subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise CheckFailed(
            f"{' '.join(args[:3])} ... failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return done.stdout


def set_args(values: list[str]) -> list[str]:
    return [part for value in values for part in ("--set", value)]


def render(values: list[str] | None = None) -> str:
    """`helm template` of the chart with these --set values: the manifests as one YAML stream."""
    args = [tool("helm"), "template", RELEASE, str(CHART), "--namespace", NAMESPACE]
    return run(args + set_args(values or []))


def documents(manifests: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(manifests) if doc]


def lint(values: list[str]) -> None:
    run([tool("helm"), "lint", "--strict", str(CHART), "--namespace", NAMESPACE, *set_args(values)])


def kubeconform(manifests: str) -> str:
    crds = str(SCHEMAS / "crds") + "/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"
    args = [
        tool("kubeconform"),
        "-strict",
        "-summary",
        "-kubernetes-version",
        KUBERNETES_VERSION,
        "-schema-location",
        str(SCHEMAS / "kubernetes"),
        "-schema-location",
        crds,
    ]
    return run(args, stdin=manifests).strip()


def check_scenario(title: str, values: list[str], present: set[str], absent: set[str]) -> str:
    lint(values)
    manifests = render(values)
    kinds = Counter(doc["kind"] for doc in documents(manifests))
    missing, extra = present - kinds.keys(), absent & kinds.keys()
    if missing or extra:
        raise CheckFailed(f"{title}: missing {sorted(missing)}, unexpected {sorted(extra)}")
    summary = kubeconform(manifests)
    counted = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    return f"{title}: helm lint ok; {summary} [{counted}]"


def main() -> int:
    try:
        for title, (values, present, absent) in SCENARIOS.items():
            print(check_scenario(title, values, present, absent))
    except CheckFailed as failure:
        print(f"k8s-check FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
