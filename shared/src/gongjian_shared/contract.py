"""The API contract the front ends build on: problem schema, servers, offline docs, CORS, one merged document."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gongjian_shared.errors import PROBLEM_MEDIA_TYPE, PROBLEM_SCHEMA_REF, ProblemDetails, _allowed_methods
from gongjian_shared.guards import FORM_MEDIA_TYPE
from gongjian_shared.types import NO_CONTROL_PATTERN

# Swagger UI's files, shipped inside the fastapi-offline wheel: /docs works on an intranet without internet.
SWAGGER_ASSETS = Path(fastapi_offline.__file__).parent / "static"
DOCS_ASSETS = "/assets"


class ContractConflict(ValueError):
    """Two OpenAPI documents define one name (schema, path, operation id) differently."""


def problem_schemas() -> dict[str, Any]:
    """`ProblemDetails` and `FieldError` as component schemas, for `problem_responses(...)` to reference."""
    _, top = models_json_schema(
        [(ProblemDetails, "serialization")], ref_template="#/components/schemas/{model}"
    )
    schemas: dict[str, Any] = top["$defs"]
    for schema in schemas.values():
        # Problems are sent without their empty members (exclude_none): no default to promise them.
        for member in schema["properties"].values():
            member.pop("default", None)
    return schemas


def servers(base_url: str) -> list[dict[str, str]]:
    """The `servers` of every document: the gateway's base URL, where the front ends send their requests."""
    return [{"url": base_url.rstrip("/") or "/", "description": "the gateway (网关)"}]


NO_SUCH_PATH = {
    "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}},
    "description": "Not found (未找到): no such resource, or a path segment that cannot be its id",
}
STATE_CONFLICT = {
    "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}},
    "description": "A valid request that what is stored, today's date or the Idempotency-Key does not allow"
    " (与当前状态冲突)",
}
_WRITES = ("put", "post", "patch", "delete")
MALFORMED_BODY = {
    "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}},
    "description": "The body cannot be read as its media type (请求体无法解析): not JSON, broken multipart",
}
_OPERATIONS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def _refuse_controls_in_schema(schema: dict[str, Any]) -> None:
    """A plain string schema (no pattern, format or enum) gets the pattern the request guard enforces."""
    for option in schema.get("anyOf", ()):
        _refuse_controls_in_schema(option)
    if schema.get("type") == "string" and not {"pattern", "format", "enum", "const"} & schema.keys():
        schema["pattern"] = NO_CONTROL_PATTERN


def complete_document(document: dict[str, Any]) -> None:
    """What every route shares, written into the document once rather than at each route.

    - `ProblemDetails` in the components, for every problem response to reference;
    - a 400 on each operation that takes a body, for a body that cannot be parsed;
    - a 404 on each operation with a path parameter (a UUID or integer one matches only such a segment);
    - a 409 on each write: a valid request can meet a state that does not allow it (a frozen month, a meeting
      day not come yet, an `Idempotency-Key` naming another request); 422 is kept for what the request itself
      gets wrong;
    - the guard's rule (no control character in the path, the query or a urlencoded form,
      :mod:`gongjian_shared.guards`) as a pattern on each such string parameter that has no stricter one.
    """
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in problem_schemas().items():
        components.setdefault(name, schema)
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _OPERATIONS:
                continue
            for parameter in operation.get("parameters", ()):
                if parameter.get("in") in ("path", "query"):
                    _refuse_controls_in_schema(parameter.get("schema", {}))
                if parameter.get("in") == "path":
                    operation.setdefault("responses", {}).setdefault("404", NO_SUCH_PATH)
            if method in _WRITES:
                operation.setdefault("responses", {}).setdefault("409", STATE_CONFLICT)
            body = operation.get("requestBody")
            if body is None:
                continue
            operation.setdefault("responses", {}).setdefault("400", MALFORMED_BODY)
            form = body.get("content", {}).get(FORM_MEDIA_TYPE, {}).get("schema", {})
            ref = form.get("$ref", "")
            fields = components.get(ref.rsplit("/", 1)[-1], form) if ref else form
            for member in fields.get("properties", {}).values():
                _refuse_controls_in_schema(member)


INPUT_SUFFIX = "-Input"


def request_body_schemas(app: FastAPI, *models: type[BaseModel]) -> None:
    """Components `<Model>-Input` (and their parts) for bodies a route reads itself rather than through a
    parameter, so that `openapi_extra` can reference what the route accepts, not what a response writes."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            _, top = models_json_schema(
                [(model, "validation") for model in models],
                ref_template="#/components/schemas/{model}" + INPUT_SUFFIX,
            )
            components = document.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in top.get("$defs", {}).items():
                components.setdefault(name + INPUT_SUFFIX, schema)
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def with_problem_schemas(app: FastAPI) -> None:
    """Make `app.openapi()` complete: `ProblemDetails` in its components and the shared rules
    (:func:`complete_document`), whatever the routes declare."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            complete_document(generate())
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def install_docs(
    app: FastAPI, docs_url: str, openapi_url: str, links: Sequence[tuple[str, str]] = ()
) -> None:
    """Swagger UI at `docs_url`, its files under `docs_url/assets` (no CDN); `links` lead to other docs."""
    assets = docs_url.rstrip("/") + DOCS_ASSETS
    redirect = docs_url.rstrip("/") + "/oauth2-redirect"
    app.mount(assets, StaticFiles(directory=SWAGGER_ASSETS), name=f"docs-assets{docs_url}")

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} (接口文档)",
            oauth2_redirect_url=f"{root}{redirect}",
            swagger_js_url=f"{root}{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{assets}/swagger-ui.css",
            swagger_favicon_url=f"{root}{assets}/favicon.png",
        )
        if not links:
            return page
        nav = " · ".join(f'<a href="{html.escape(href)}">{html.escape(text)}</a>' for href, text in links)
        body = bytes(page.body).decode().replace("<body>", f"<body><nav style='margin:1em'>{nav}</nav>", 1)
        return HTMLResponse(body)

    @app.get(redirect, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()


class OptionsMiddleware:
    """`OPTIONS` on a route answers 204 with the methods the route really takes in `Allow`.

    Inside CORSMiddleware, which answers the browsers' preflight requests first.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS" and "app" in scope:
            allowed = _allowed_methods(Request(scope))
            if allowed:
                methods = sorted({*allowed.split(", "), "OPTIONS"})
                await Response(status_code=204, headers={"Allow": ", ".join(methods)})(scope, receive, send)
                return
        await self.app(scope, receive, send)


def install_cors(app: FastAPI, origins: Sequence[str]) -> None:
    """CORS for the front ends' origins (none by default), and the real `Allow` on OPTIONS."""
    app.add_middleware(OptionsMiddleware)
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(origins),
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "Idempotency-Key",
                "X-Correlation-ID",
            ],
            expose_headers=["ETag", "Location", "Retry-After", "X-Correlation-ID", "Content-Disposition"],
            max_age=600,
        )


def _routed(path: str, prefixes: Sequence[str]) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in prefixes)


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def merge_documents(
    documents: Mapping[str, dict[str, Any]],
    prefixes: Mapping[str, Sequence[str]],
    *,
    title: str,
    description: str,
    base_url: str,
) -> dict[str, Any]:
    """One document of the paths each service serves behind the gateway and all their components.

    Raises ContractConflict when two documents use one path, operation id or component name differently:
    names are unique across the services, so a clash is a bug to fix, never one to paper over.
    """
    merged: dict[str, Any] = {
        "openapi": next(iter(documents.values()))["openapi"] if documents else "3.1.0",
        "info": {"title": title, "description": description, "version": "0.1.0"},
        "servers": servers(base_url),
        "paths": {},
        "components": {},
    }
    owners: dict[str, str] = {}
    for service, document in documents.items():
        for path, item in document.get("paths", {}).items():
            if not _routed(path, prefixes[service]):
                continue  # /healthz, /readyz: each service's own, answered by the gateway itself
            if path in merged["paths"]:
                raise ContractConflict(f"path {path} is in {owners['path ' + path]} and {service}")
            owners["path " + path] = service
            merged["paths"][path] = item
            for operation in item.values():
                if not isinstance(operation, dict) or "operationId" not in operation:
                    continue
                key = "operation " + operation["operationId"]
                if key in owners:
                    raise ContractConflict(
                        f"operation id {operation['operationId']} is in {owners[key]} and {service}"
                    )
                owners[key] = service
        for section, entries in document.get("components", {}).items():
            target = merged["components"].setdefault(section, {})
            for name, value in entries.items():
                if name in target and not _same(target[name], value):
                    raise ContractConflict(
                        f"components.{section}.{name} means one thing in {owners[section + name]}"
                        f" and another in {service}"
                    )
                owners.setdefault(section + name, service)
                target[name] = value
    return merged
