"""The web console's built files (web/dist), served by the gateway beside the API.

Any GET of a path that is not the API's, the docs' or the gateway's own answers a file of the build, or
index.html (the console routes in the browser: history mode). Built files under /web-assets/ carry their
content hash in the name and are cached for a year; index.html is never cached, so a new build shows at once.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import FileResponse
from starlette.types import Receive, Scope, Send

ASSETS = "/web-assets/"
# Paths the console never answers: the API and what the gateway itself serves.
NOT_THE_CONSOLE = (
    "/api",
    "/.well-known",
    "/docs",
    "/openapi",
    "/openapi.json",
    "/assets",
    "/asyncapi",
    "/asyncapi.json",
    "/healthz",
    "/readyz",
    "/metrics",
)


def built_console(dist: Path | None) -> Path | None:
    """The build folder when it holds a built console (index.html), else None."""
    if dist is not None and (dist / "index.html").is_file():
        return dist.resolve()
    return None


def is_console_path(path: str) -> bool:
    return not any(path == prefix or path.startswith(prefix + "/") for prefix in NOT_THE_CONSOLE)


class WebConsole:
    """ASGI app answering GET and HEAD from the build folder, with index.html for every other path."""

    def __init__(self, dist: Path) -> None:
        self.dist = dist.resolve()
        self.index = self.dist / "index.html"

    def _file(self, path: str) -> Path | None:
        candidate = (self.dist / path.lstrip("/")).resolve()
        if candidate.is_relative_to(self.dist) and candidate.is_file():
            return candidate
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        found = self._file(path)
        if found is not None and path.startswith(ASSETS):
            headers = {"Cache-Control": "public, max-age=31536000, immutable"}
            response = FileResponse(found, headers=headers)
        elif found is None and path.startswith(ASSETS):
            response = FileResponse(self.index, status_code=404, headers={"Cache-Control": "no-store"})
        else:
            response = FileResponse(found or self.index, headers={"Cache-Control": "no-cache"})
        await response(scope, receive, send)
