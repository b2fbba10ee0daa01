"""Every /api/v1 route of every service, except the token endpoint, refuses a caller without a bearer token."""

from __future__ import annotations

import re
import uuid

import pytest

from support.platform import Platform

pytestmark = pytest.mark.asyncio

# signing in, and renewing with a refresh token instead of a bearer token
OPEN_ROUTES = {("POST", "/api/v1/auth/token"), ("POST", "/api/v1/auth/refresh")}


async def test_every_api_route_requires_a_bearer_token(platform: Platform) -> None:
    platform.client.headers.pop("Authorization")
    checked = 0
    for name in platform.gateway.apps:
        # the published OpenAPI document lists every route the service serves
        for template, operations in platform.app(name).openapi()["paths"].items():
            if not template.startswith("/api/v1/"):
                continue
            for method, operation in operations.items():
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
                if (method.upper(), template) in OPEN_ROUTES:
                    continue
                response = await platform.client.request(method.upper(), path)
                assert response.status_code == 401, f"{name} {method} {template} -> {response.status_code}"
                checked += 1
    assert checked >= 8


async def test_a_forged_token_is_refused(platform: Platform) -> None:
    platform.client.headers["Authorization"] = "Bearer not.a.token"
    response = await platform.client.get("/api/v1/units")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
