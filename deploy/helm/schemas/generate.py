"""Write the JSON Schemas kubeconform checks the chart against, offline, from pinned sources.

- Kubernetes kinds: from the OpenAPI v2 document (api/openapi-spec/swagger.json) of the Go module
  k8s.io/kubernetes at KUBERNETES_VERSION, fetched with `go mod download` (the Go module proxy the tool
  set-up uses anyway). One standalone file per kind the chart renders, in kubeconform's layout
  kubernetes/v<version>-standalone-strict/<kind>-<group>-<version>.json, every definition it reaches copied
  into its own `definitions`.
- Custom resources: from the CRD files in crds/source/ (copied from the Strimzi and CloudNativePG release tags
  named in README.md), one file per served version: crds/<group>/<kind>_<version>.json.

Strict, as kubeconform -strict expects: every object schema that lists its properties refuses others; and the
Kubernetes conventions JSON Schema does not know are spelled out (int-or-string, quantities, nullable).

    python deploy/helm/schemas/generate.py            # rewrite the files
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
KUBERNETES_VERSION = "1.34.4"
# (group/version, kind) of every Kubernetes kind the chart renders; a kind missing here fails kubeconform.
KINDS = [
    ("apps/v1", "Deployment"),
    ("batch/v1", "Job"),
    ("policy/v1", "PodDisruptionBudget"),
    ("v1", "ConfigMap"),
    ("v1", "Service"),
]
INT_OR_STRING: dict[str, Any] = {"oneOf": [{"type": "string"}, {"type": "integer"}]}
QUANTITY: dict[str, Any] = {"oneOf": [{"type": "string"}, {"type": "number"}]}


def strict(node: Any) -> Any:
    """A copy of `node` with closed objects, int-or-string and nullable made plain JSON Schema."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: strict(value) for key, value in node.items()}
    if out.pop("x-kubernetes-int-or-string", False):
        out.pop("type", None)
        out.pop("anyOf", None)
        out |= INT_OR_STRING
    if out.get("format") == "int-or-string":
        out.pop("format")
        out.pop("type", None)
        out |= INT_OR_STRING
    if out.pop("nullable", False) and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    open_ended = out.get("x-kubernetes-preserve-unknown-fields") or "additionalProperties" in out
    if "properties" in out and not open_ended:
        out["additionalProperties"] = False
    return out


# --- Kubernetes ---------------------------------------------------------------------------------------------


def kubernetes_swagger() -> dict[str, Any]:
    env = os.environ | {"GOFLAGS": "-mod=mod"}
    found = subprocess.run(
        ["go", "mod", "download", "-json", f"k8s.io/kubernetes@v{KUBERNETES_VERSION}"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=HERE,
    )
    module = Path(json.loads(found.stdout)["Dir"])
    document: dict[str, Any] = json.loads((module / "api/openapi-spec/swagger.json").read_text())
    return document


def references(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[1]} if isinstance(node.get("$ref"), str) else set()
        for value in node.values():
            found |= references(value)
        return found
    if isinstance(node, list):
        return set().union(*(references(item) for item in node)) if node else set()
    return set()


def reachable(definitions: dict[str, Any], start: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen[name] = definitions[name]
        todo.extend(references(definitions[name]) - seen.keys())
    return seen


def kind_definition(definitions: dict[str, Any], api_version: str, kind: str) -> str:
    group, _, version = api_version.rpartition("/")
    for name, schema in definitions.items():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            if (gvk["group"], gvk["version"], gvk["kind"]) == (group, version, kind):
                return name
    raise SystemExit(f"Kubernetes {KUBERNETES_VERSION} has no {api_version} {kind}")


def kubernetes_schema(definitions: dict[str, Any], api_version: str, kind: str) -> dict[str, Any]:
    name = kind_definition(definitions, api_version, kind)
    used = {key: strict(value) for key, value in reachable(definitions, name).items()}
    used["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = INT_OR_STRING
    used["io.k8s.apimachinery.pkg.api.resource.Quantity"] = QUANTITY
    schema = dict(used[name])
    properties = dict(schema["properties"])
    properties["apiVersion"] = {"type": "string", "enum": [api_version]}
    properties["kind"] = {"type": "string", "enum": [kind]}
    schema["properties"] = properties
    schema["required"] = sorted({*schema.get("required", []), "apiVersion", "kind"})
    return {"$schema": "http://json-schema.org/draft-04/schema#", **schema, "definitions": used}


def write_kubernetes() -> list[Path]:
    definitions = kubernetes_swagger()["definitions"]
    folder = HERE / "kubernetes" / f"v{KUBERNETES_VERSION}-standalone-strict"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for api_version, kind in KINDS:
        group, _, version = api_version.rpartition("/")
        suffix = f"-{group.split('.')[0]}-{version}" if group else f"-{version}"
        path = folder / f"{kind.lower()}{suffix}.json"
        write(path, kubernetes_schema(definitions, api_version, kind))
        written.append(path)
    return written


# --- custom resources ---------------------------------------------------------------------------------------


def write_crds() -> list[Path]:
    written = []
    for source in sorted((HERE / "crds" / "source").glob("*.yaml")):
        crd = yaml.safe_load(source.read_text(encoding="utf-8"))
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if not version.get("served", False):
                continue
            schema = strict(version["schema"]["openAPIV3Schema"])
            properties = dict(schema["properties"])
            properties["apiVersion"] = {"type": "string", "enum": [f"{group}/{version['name']}"]}
            properties["kind"] = {"type": "string", "enum": [kind]}
            schema["properties"] = properties
            schema["required"] = sorted({*schema.get("required", []), "apiVersion", "kind"})
            path = HERE / "crds" / group / f"{kind.lower()}_{version['name']}.json"
            write(path, {"$schema": "http://json-schema.org/draft-04/schema#", **schema})
            written.append(path)
    return written


def write(path: Path, schema: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main() -> int:
    for path in [*write_kubernetes(), *write_crds()]:
        print(f"wrote {path.relative_to(HERE)} ({path.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
