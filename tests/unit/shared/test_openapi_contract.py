"""One contract across the four services: what a client generator and a front end rely on."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gongjian.gateway import Gateway
from gongjian.services import SERVICES
from gongjian_shared.contract import ContractConflict, merge_documents
from gongjian_shared.errors import PROBLEM_MEDIA_TYPE, PROBLEM_SCHEMA_REF
from gongjian_shared.service import docs_path

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def build_apps(**settings: Any) -> dict[str, FastAPI]:
    return {entry.name: entry.create_app(entry.settings_class(**settings)) for entry in SERVICES}


@pytest.fixture(scope="module")
def documents() -> dict[str, dict[str, Any]]:
    return {name: app.openapi() for name, app in build_apps().items()}


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def test_operation_ids_are_unique_across_the_four_documents(documents: dict[str, dict[str, Any]]) -> None:
    seen: dict[str, list[str]] = defaultdict(list)
    for service, document in documents.items():
        for method, path, operation in operations(document):
            seen[operation["operationId"]].append(f"{service} {method.upper()} {path}")
    assert {op_id: where for op_id, where in seen.items() if len(where) > 1} == {}
    assert "projects-api-health-healthz" in seen


def test_a_schema_name_means_one_shape_in_every_document(documents: dict[str, dict[str, Any]]) -> None:
    shapes: dict[str, dict[str, str]] = defaultdict(dict)
    for service, document in documents.items():
        for name, schema in document["components"]["schemas"].items():
            shapes[name][service] = json.dumps(schema, sort_keys=True)
    assert {name: sorted(by) for name, by in shapes.items() if len(set(by.values())) > 1} == {}


def test_every_document_names_the_gateway_as_its_server(documents: dict[str, dict[str, Any]]) -> None:
    for document in documents.values():
        assert document["servers"] == [{"url": "http://127.0.0.1:8000", "description": "the gateway (网关)"}]
    custom = build_apps(frontend_base_url="https://gongjian.example.cn/")["notifier"].openapi()
    assert custom["servers"][0]["url"] == "https://gongjian.example.cn"


def test_every_problem_response_carries_the_problem_details_schema(
    documents: dict[str, dict[str, Any]],
) -> None:
    untyped = []
    for service, document in documents.items():
        schema = document["components"]["schemas"]["ProblemDetails"]
        assert {"type", "title", "title_zh", "status", "errors", "correlation_id"} <= set(
            schema["properties"]
        )
        assert document["components"]["schemas"]["FieldError"]["required"] == [
            "field", "rule", "message", "message_zh"
        ]  # fmt: skip
        for method, path, operation in operations(document):
            for status, response in operation["responses"].items():
                content = response.get("content", {})
                if PROBLEM_MEDIA_TYPE in content and content[PROBLEM_MEDIA_TYPE].get("schema") != {
                    "$ref": PROBLEM_SCHEMA_REF
                }:
                    untyped.append(f"{service} {method.upper()} {path} {status}")
                if content.get("application/json", {}).get("schema") == {"$ref": PROBLEM_SCHEMA_REF}:
                    untyped.append(f"{service} {method.upper()} {path} {status} as application/json")
    assert untyped == []


def _request_schemas(document: dict[str, Any]) -> set[str]:
    """Every component schema a request body reaches, through references."""
    schemas = document["components"]["schemas"]
    pending = [json.dumps(operation.get("requestBody", {})) for _, _, operation in operations(document)]
    found: set[str] = set()
    while pending:
        text = pending.pop()
        for part in text.split('"#/components/schemas/')[1:]:
            name = part.split('"', 1)[0]
            if name not in found:
                found.add(name)
                pending.append(json.dumps(schemas[name]))
    return found


def test_request_fields_with_a_default_are_not_required(documents: dict[str, dict[str, Any]]) -> None:
    assert "ProjectCreate" in _request_schemas(documents["projects-api"])
    wrong = []
    for service, document in documents.items():
        schemas = document["components"]["schemas"]
        for name in _request_schemas(document):
            for field in schemas[name].get("required", []):
                if "default" in schemas[name].get("properties", {}).get(field, {}):
                    wrong.append(f"{service} {name}.{field}")
    assert wrong == []


def test_merging_refuses_one_name_with_two_shapes() -> None:
    def document(shape: dict[str, Any], op_id: str) -> dict[str, Any]:
        operation = {"operationId": op_id, "responses": {}}
        return {
            "openapi": "3.1.0",
            "paths": {f"/api/{op_id}": {"get": operation}},
            "components": {"schemas": shape},
        }

    prefixes = {"a": ["/api/a"], "b": ["/api/b"]}
    same = {"Page": {"type": "object"}}
    merged = merge_documents(
        {"a": document(same, "a"), "b": document(same, "b")},
        prefixes,
        title="t",
        description="d",
        base_url="/",
    )
    assert set(merged["paths"]) == {"/api/a", "/api/b"} and merged["servers"][0]["url"] == "/"
    other = {"Page": {"type": "array"}}
    with pytest.raises(ContractConflict, match="Page"):
        merge_documents(
            {"a": document(same, "a"), "b": document(other, "b")},
            prefixes,
            title="t",
            description="d",
            base_url="/",
        )
    with pytest.raises(ContractConflict, match="operation id a"):
        merge_documents(
            {"a": document(same, "a"), "b": {**document(same, "b"), "paths": {"/api/b": {"get": {"operationId": "a"}}}}},
            prefixes, title="t", description="d", base_url="/",
        )  # fmt: skip


@pytest.fixture(scope="module")
def gateway() -> Gateway:
    return Gateway(build_apps(cors_origins=["https://web.example.cn"]))


async def _get(gateway: Gateway, path: str, method: str = "GET", **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=gateway), base_url="http://gateway"
    ) as client:
        return await client.request(method, path, headers=headers)


async def test_the_gateway_serves_the_four_documents_as_one(
    gateway: Gateway, documents: dict[str, dict[str, Any]]
) -> None:
    merged = (await _get(gateway, "/openapi.json")).json()
    for service, document in documents.items():
        public = {path for path in document["paths"] if path.startswith(("/api/", "/.well-known/"))}
        assert public <= set(merged["paths"]), service
        assert set(document["components"]["schemas"]) <= set(merged["components"]["schemas"])
    assert "/healthz" not in merged["paths"]
    assert merged["servers"] and merged["components"]["schemas"]["ProblemDetails"]


@pytest.mark.parametrize("service", [None, *(entry.name for entry in SERVICES)])
async def test_docs_load_swagger_ui_from_the_platform_not_a_cdn(
    gateway: Gateway, service: str | None
) -> None:
    docs = "/docs" if service is None else docs_path(service)
    page = await _get(gateway, docs)
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    assert f'src="{docs}/assets/swagger-ui-bundle.js"' in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"):
        response = await _get(gateway, f"{docs}/assets/{asset}")
        assert response.status_code == 200 and len(response.content) > 1000, asset
    if service is None:
        assert all(f'href="{docs_path(entry.name)}"' in page.text for entry in SERVICES)


async def test_options_answers_with_the_methods_the_route_takes(gateway: Gateway) -> None:
    response = await _get(gateway, "/api/v1/projects", "OPTIONS")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, OPTIONS, POST"
    assert (await _get(gateway, "/api/v1/no-such-thing", "OPTIONS")).status_code == 404


async def test_cors_admits_the_configured_front_end_origins_only(gateway: Gateway) -> None:
    preflight = {"Origin": "https://web.example.cn", "Access-Control-Request-Method": "PATCH"}
    allowed = await _get(gateway, "/api/v1/projects", "OPTIONS", **preflight)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://web.example.cn"
    refused = await _get(
        gateway, "/api/v1/projects", "OPTIONS", **(preflight | {"Origin": "https://evil.example"})
    )
    assert "access-control-allow-origin" not in refused.headers
    merged = await _get(gateway, "/openapi.json", Origin="https://web.example.cn")
    assert merged.headers["access-control-allow-origin"] == "https://web.example.cn"
    default = Gateway(build_apps())
    plain = await _get(default, "/api/v1/projects", "OPTIONS", **preflight)
    assert "access-control-allow-origin" not in plain.headers


def test_the_shared_rules_are_written_into_every_operation(documents: dict[str, dict[str, Any]]) -> None:
    for service, document in documents.items():
        for method, path, operation in operations(document):
            where = f"{service} {method.upper()} {path}"
            responses = operation["responses"]
            parameters = operation.get("parameters", [])
            if "requestBody" in operation:
                assert "400" in responses, f"{where}: a body that cannot be parsed"
            if any(parameter["in"] == "path" for parameter in parameters):
                assert "404" in responses, f"{where}: a path segment that names nothing"
            if method in ("put", "post", "patch", "delete"):
                assert "409" in responses, f"{where}: a write that meets a state not allowing it"
            for parameter in parameters:
                if parameter["in"] not in ("path", "query"):
                    continue
                schema = parameter["schema"]
                for option in schema.get("anyOf", [schema]):
                    if option.get("type") == "string":
                        assert {"pattern", "format", "enum", "const"} & option.keys(), (where, parameter)


async def test_a_typed_path_segment_never_shadows_a_static_path(gateway: Gateway) -> None:
    # /api/v1/accounts/{account_id} takes only a UUID: /accounts/import is not an account
    patched = await _get(gateway, "/api/v1/accounts/import", "PATCH")
    assert patched.status_code == 405 and patched.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert patched.headers["allow"] == "POST"
    options = await _get(gateway, "/api/v1/accounts/audit", "OPTIONS")
    assert options.status_code == 204 and options.headers["allow"] == "GET, OPTIONS"
    missing = await _get(gateway, "/api/v1/projects/not-a-uuid")
    assert missing.status_code == 404 and missing.json()["type"] == "/problems/not-found"
    assert (await _get(gateway, "/api/v1/plans/twenty/key-projects")).status_code == 404
