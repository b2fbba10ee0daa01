"""The services' routers: FastAPI's, passed at once by a request none of their routes can take.

FastAPI (0.165) matches an included router by trying its routes one by one, and the router that takes the
request twice. A service includes two dozen routers in order, so a request for a route of a late one was tried
against every route before it: 56 µs of a project read's 1 ms, 165 µs for a calendar path. A route's path
starts with its literal head, the text before its first parameter (`/api/v1/projects/` for
`/api/v1/projects/{project_id}`), so a path that starts with none of a router's heads matches none of its routes:
`ServiceRouter.matches` answers NONE for it without trying them. Everything else, the order, 405 for a path
taken with another method, the redirect of a trailing slash, is FastAPI's own.

The heads are the routes' own paths, which carry the router's prefix; a router is included without a further
prefix (`service.create_service_app`), since one would put text before every head.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

__all__ = ["ServiceRouter", "literal_head"]


def literal_head(path: str) -> str:
    """The text of a route's path before its first parameter: every path the route matches starts with it."""
    return path.split("{", 1)[0]


class ServiceRouter(APIRouter):
    """An `APIRouter` that answers NONE at once for a path no route of it can match (see the module)."""

    _heads: tuple[str, ...] = ("",)
    _heads_version: int | None = None

    def route_heads(self) -> tuple[str, ...]:
        """The literal heads of the routes; ("",), which every path starts with, when a route is not an API route
        (a mount, a router included in this one: their paths are not all known here)."""
        version = self._get_routes_version()
        if version != self._heads_version:
            paths = [route.path if isinstance(route, APIRoute) else None for route in self.routes]
            if None in paths:
                self._heads = ("",)
            else:
                self._heads = tuple(sorted({literal_head(path) for path in paths if path is not None}))
            self._heads_version = version
        return self._heads

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and not get_route_path(scope).startswith(self.route_heads()):
            return Match.NONE, {}
        return super().matches(scope)
