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
from pydantic.json_schema import models_json_schema
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gongjian_shared.errors import ProblemDetails, _allowed_methods

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


def with_problem_schemas(app: FastAPI) -> None:
    """Make `app.openapi()` carry `ProblemDetails` in its components, whatever routes reference it."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            components = document.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in problem_schemas().items():
                components.setdefault(name, schema)
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
