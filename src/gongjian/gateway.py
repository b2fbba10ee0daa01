"""One base URL for the front ends: routes each path prefix to its service, in one process.

In docker-compose nginx plays this part (deploy/gateway/nginx.conf) with the same prefixes.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from gongjian_shared.service import docs_path, routed_prefixes


class Gateway:
    def __init__(self, apps: dict[str, FastAPI]) -> None:
        self.apps = apps
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

        @own.get("/healthz")
        async def healthz() -> JSONResponse:
            """200 only when every service is ready."""
            checks = await asyncio.gather(*(self._ready(name, app) for name, app in self.apps.items()))
            services = dict(checks)
            ready = all(check.get("ready") for check in services.values())
            return JSONResponse({"ready": ready, "services": services}, status_code=200 if ready else 503)

        @own.get("/docs", response_class=HTMLResponse)
        async def docs() -> str:
            links = "".join(
                f'<li><a href="{docs_path(name)}">{html.escape(app.title)}</a></li>'
                for name, app in self.apps.items()
            )
            return f"<html><head><meta charset='utf-8'><title>Gongjian API</title></head><body><h1>Gongjian (攻坚) API</h1><ul>{links}</ul></body></html>"

        @own.get("/")
        async def root() -> dict[str, Any]:
            return {"name": "Gongjian (攻坚)", "docs": "/docs", "health": "/healthz"}

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
        await self._own(scope, receive, send)
