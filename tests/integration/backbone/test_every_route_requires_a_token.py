"""Every /api/v1 route of every service, except the token endpoint, refuses a caller without a bearer token."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from support.platform import Platform

pytestmark = pytest.mark.asyncio

# signing in, and renewing with a refresh token instead of a bearer token
OPEN_ROUTES = {("POST", "/api/v1/auth/token"), ("POST", "/api/v1/auth/refresh")}


def served_operations(routes: Sequence[BaseRoute]) -> set[tuple[str, str]]:
    """Every (method, path template) routed under /api/v1, documented or not, through included routers
    (ours are included without a prefix: each route carries its whole path)."""
    found: set[tuple[str, str]] = set()
    for route in routes:
        included = getattr(route, "original_router", None)
        if isinstance(included, APIRouter):
            found |= served_operations(included.routes)
        elif isinstance(route, APIRoute) and route.path.startswith("/api/v1/"):
            found |= {(method, route.path_format) for method in route.methods}
    return found


async def test_every_api_route_requires_a_bearer_token(platform: Platform) -> None:
    platform.client.headers.pop("Authorization")
    refused: dict[str, set[tuple[str, str]]] = {}
    for name in platform.gateway.apps:
        app = platform.app(name)
        paths = app.openapi()["paths"]
        served = served_operations(app.routes)
        # every route the service serves is in its published document, so the document is the whole list
        assert served == {(m.upper(), t) for t, ops in paths.items() if t.startswith("/api/v1/") for m in ops}
        for method, template in sorted(served - OPEN_ROUTES):
            operation = paths[template][method.lower()]
            integers = {
                parameter["name"]
                for parameter in operation.get("parameters", ())
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer"
            }
            # an id where the path takes one: a UUID, or an integer (a year, a month, an inbox item)
            path = re.sub(
                r"\{([^}]+)\}",
                lambda m, ints=integers: "2020" if m[1] in ints else str(uuid.uuid4()),
                template,
            )
            response = await platform.client.request(method, path)
            assert response.status_code == 401, f"{name} {method} {template} -> {response.status_code}"
            refused.setdefault(name, set()).add((method, template))
    # every service was asked, and every one of its routes but the two open ones refused
    assert set(refused) == set(platform.gateway.apps)
    for name, operations in refused.items():
        assert operations == served_operations(platform.app(name).routes) - OPEN_ROUTES


async def test_a_forged_token_is_refused(platform: Platform) -> None:
    platform.client.headers["Authorization"] = "Bearer not.a.token"
    response = await platform.client.get("/api/v1/units")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
