"""One base URL for the front ends: routes each path prefix to its service, in one process.

In docker-compose nginx plays this part (deploy/gateway/nginx.conf) with the same prefixes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from gongjian.event_contract import install_event_contract
from gongjian.web import WebConsole, is_console_path
from gongjian_shared.contract import install_cors, install_docs, merge_documents
from gongjian_shared.errors import install_problem_handlers
from gongjian_shared.observability.metrics import METRICS_PATH, metrics_endpoint
from gongjian_shared.service import docs_path, routed_prefixes

MERGED_OPENAPI = "/openapi.json"
DESCRIPTION = (
    "Every route of the four services behind one base URL, for client generators (one document: operation ids"
    " and schema names are unique across the services). 攻坚平台全部接口。"
)


def merged_openapi(apps: dict[str, FastAPI], base_url: str) -> dict[str, Any]:
    """The services' documents as one; raises ContractConflict when two define one name differently."""
    return merge_documents(
        {name: app.openapi() for name, app in apps.items()},
        {name: app.state.spec.public_prefixes for name, app in apps.items()},
        title="Gongjian (攻坚) API",
        description=DESCRIPTION,
        base_url=base_url,
    )


class Gateway:
    def __init__(self, apps: dict[str, FastAPI], web_dist: Path | None = None) -> None:
        """`web_dist`: a built web console (web/dist) to serve at / (see gongjian.web); API only without it."""
        self.apps = apps
        self._web = WebConsole(web_dist) if web_dist is not None else None
        first = next(iter(apps.values()), None)
        self.base_url = str(first.servers[0]["url"]) if first is not None and first.servers else "/"
        # Built here, so two services that define one name differently stop the gateway from starting.
        self.openapi = merged_openapi(apps, self.base_url)
        self._routes: list[tuple[str, ASGIApp]] = sorted(
            ((prefix, app) for app in apps.values() for prefix in routed_prefixes(app.state.spec)),
            key=lambda route: len(route[0]),
            reverse=True,
        )
        self._own = self._build_own_app()

    def _build_own_app(self) -> FastAPI:
        @asynccontextmanager
        async def lifespan(_: FastAPI) -> AsyncIterator[None]:
            async with AsyncExitStack() as stack:
                for app in self.apps.values():
                    await stack.enter_async_context(app.router.lifespan_context(app))
                yield

        own = FastAPI(
            title="Gongjian gateway", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
        )
        install_problem_handlers(own)  # an unknown route answers problem details too

        @own.get("/healthz")
        async def healthz() -> JSONResponse:
            """200 only when every service is ready."""
            checks = await asyncio.gather(*(self._ready(name, app) for name, app in self.apps.items()))
            services = dict(checks)
            ready = all(check.get("ready") for check in services.values())
            return JSONResponse({"ready": ready, "services": services}, status_code=200 if ready else 503)

        # the whole process's metrics (in development every service runs in it), for Prometheus
        own.add_route(METRICS_PATH, metrics_endpoint, methods=["GET"], include_in_schema=False)

        @own.get(MERGED_OPENAPI, include_in_schema=False)
        async def openapi() -> JSONResponse:
            """The four services' documents merged: the one to generate front-end clients from."""
            return JSONResponse(self.openapi)

        own.title = "Gongjian (攻坚) API"
        install_docs(
            own,
            "/docs",
            MERGED_OPENAPI,
            links=[(docs_path(name), app.title) for name, app in self.apps.items()],
        )
        install_event_contract(own)
        origins = sorted({origin for app in self.apps.values() for origin in app.state.cors_origins})
        install_cors(own, origins)

        @own.get("/")
        async def root() -> dict[str, Any]:
            return {
                "name": "Gongjian (攻坚)",
                "docs": "/docs",
                "openapi": MERGED_OPENAPI,
                "health": "/healthz",
            }

        return own

    async def _ready(self, name: str, app: FastAPI) -> tuple[str, dict[str, Any]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            response = await client.get("/readyz")
        body: dict[str, Any] = response.json()
        return name, body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            path: str = scope["path"]
            for prefix, app in self._routes:
                if path == prefix or path.startswith(prefix + "/"):
                    await app(scope, receive, send)
                    return
            if self._web is not None and self._for_console(scope):
                await self._web(scope, receive, send)
                return
        await self._own(scope, receive, send)

    @staticmethod
    def _for_console(scope: Scope) -> bool:
        return (
            scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and is_console_path(scope["path"])
        )
