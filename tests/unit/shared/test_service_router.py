"""`ServiceRouter` passes a path none of its routes can take without trying them, and otherwise matches exactly as
FastAPI's `APIRouter` does: checked on every route of the four services' apps, with each method, against the same
routers matching with no heads (every path then goes through FastAPI's own matching)."""

from __future__ import annotations

import itertools
import re
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Match

from gongjian.services import SERVICES
from gongjian_shared.routing import ServiceRouter, literal_head

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_PARAMETER = re.compile(r"\{(\w+)(?::(\w+))?\}")
_SAMPLES = {"uuid": str(uuid.UUID(int=7)), "int": "2024", None: "x"}


def sample_path(path: str) -> str:
    """A concrete path the route template takes: a uuid, a year or a word for each parameter."""
    return _PARAMETER.sub(lambda match: _SAMPLES.get(match[2], "x"), path)


def http_scope(app: FastAPI, method: str, path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "headers": [],
        "query_string": b"",
        "app": app,
    }


def outcome(app: FastAPI, scope: dict[str, Any]) -> list[tuple[Match, Any, Any]]:
    """What each of the app's top-level routes answers for the scope (the app's router takes the first FULL)."""
    results = []
    for route in app.router.routes:
        match, child = route.matches(dict(scope))
        results.append((match, child.get("endpoint"), child.get("path_params")))
    return results


@pytest.fixture(scope="module")
def apps() -> dict[str, FastAPI]:
    return {entry.name: entry.create_app(entry.settings_class()) for entry in SERVICES}


def route_templates(app: FastAPI) -> list[tuple[str, set[str]]]:
    """The path template and methods of every API route of the app, its included routers' too."""
    templates = [(route.path, route.methods) for route in app.router.routes if isinstance(route, APIRoute)]
    for route in app.router.routes:
        if getattr(route, "original_router", None) is not None:
            contexts = route.effective_route_contexts()  # type: ignore[attr-defined]
            templates += [(context.path, context.methods or set()) for context in contexts]
    return templates


def probe_paths(app: FastAPI) -> list[str]:
    """Every API route's sample path, with and without a trailing slash, and paths no route takes."""
    paths = {sample_path(template) for template, _ in route_templates(app)}
    paths |= {path + "/" for path in list(paths)}
    return sorted(paths | {"/", "/api/v1", "/api/v1/", "/api/v1/nothing-here", "/api/v2/projects"})


def test_every_service_includes_only_service_routers(apps: dict[str, FastAPI]) -> None:
    for name, app in apps.items():
        included = [getattr(route, "original_router", None) for route in app.router.routes]
        routers = [router for router in included if router is not None]
        assert routers, name
        assert all(isinstance(router, ServiceRouter) for router in routers), name


def test_a_router_matches_every_path_as_fastapis_own_matching_does(
    apps: dict[str, FastAPI], monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = [
        (app, http_scope(app, method, path))
        for app in apps.values()
        for path, method in itertools.product(probe_paths(app), METHODS)
    ]
    assert len(cases) > 1_500
    fast = [outcome(app, scope) for app, scope in cases]
    monkeypatch.setattr(ServiceRouter, "route_heads", lambda self: ("",))  # every path tried, route by route
    slow = [outcome(app, scope) for app, scope in cases]
    assert fast == slow
    # the probes reach the routes: every route's own sample path, with its method, is taken in full
    taken = {
        (scope["method"], scope["path"])
        for (_, scope), result in zip(cases, fast, strict=True)
        if any(match == Match.FULL for match, _, _ in result)
    }
    own = {
        (method, sample_path(template))
        for app in apps.values()
        for template, methods in route_templates(app)
        for method in methods & set(METHODS)
    }
    assert own and own <= taken


def test_a_path_outside_every_head_is_passed_and_one_inside_is_tried() -> None:
    router = ServiceRouter(prefix="/api/v1/things")

    @router.get("/{thing_id:uuid}/parts")
    async def parts() -> None: ...

    @router.post("/")
    async def add() -> None: ...

    app = FastAPI()
    app.include_router(router)
    assert router.route_heads() == ("/api/v1/things/",)
    assert literal_head("/api/v1/things/{thing_id:uuid}/parts") == "/api/v1/things/"
    inside = f"/api/v1/things/{uuid.UUID(int=1)}/parts"
    (included,) = app.router.routes[-1:]
    assert included.matches(http_scope(app, "GET", inside))[0] == Match.FULL
    assert included.matches(http_scope(app, "DELETE", inside))[0] == Match.PARTIAL  # 405, as before
    assert included.matches(http_scope(app, "GET", "/api/v1/thing"))[0] == Match.NONE
    # a route added later adds its head
    archive = http_scope(app, "GET", "/api/v1/things-archive")
    assert included.matches(archive)[0] == Match.NONE
    router.add_api_route("-archive", parts, methods=["GET"])
    assert router.route_heads() == ("/api/v1/things-archive", "/api/v1/things/")
    assert included.matches(archive)[0] == Match.FULL


def test_a_router_including_routers_tries_every_path() -> None:
    outer, inner = ServiceRouter(), ServiceRouter(prefix="/api/v1/inner")

    @inner.get("/{item}")
    async def item() -> None: ...

    outer.include_router(inner)
    app = FastAPI()
    app.include_router(outer)
    assert outer.route_heads() == ("",)
    (included,) = app.router.routes[-1:]
    assert included.matches(http_scope(app, "GET", "/api/v1/inner/x"))[0] == Match.FULL
