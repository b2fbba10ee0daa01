"""What matching a request's path to its route costs in each service's app, with the routers' heads
(`gongjian_shared.routing.ServiceRouter`) and with FastAPI's own matching (the heads switched off):

    .venv/bin/python -m bench.route_matching [--rounds 5000]

For a few paths of projects-api (the project read, a report's submit, a calendar path, a path no route takes), the
app's top-level routes are tried as its router tries them, until one takes the path in full; the figure is the
mean per path in µs over `rounds`. No server, no database: the apps are built and matched in this process.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI
from starlette.routing import Match

from gongjian.services import service
from gongjian_shared.routing import ServiceRouter

PROJECT = uuid.UUID(int=7)
PATHS = (
    ("GET", f"/api/v1/projects/{PROJECT}"),
    ("POST", f"/api/v1/projects/{PROJECT}/progress-reports"),
    ("GET", "/api/v1/calendar/2019"),
    ("GET", "/api/v1/nothing-here"),
)


def match_micros(app: FastAPI, method: str, path: str, rounds: int) -> float:
    """The mean time, in µs, of trying the app's top-level routes in order until one takes the path in full."""
    started = time.perf_counter()
    for _ in range(rounds):
        scope: dict[str, Any] = {"type": "http", "method": method, "path": path, "root_path": "", "app": app}
        for route in app.router.routes:
            if route.matches(scope)[0] == Match.FULL:
                break
    return (time.perf_counter() - started) / rounds * 1e6


def measure(app: FastAPI, paths: Sequence[tuple[str, str]], rounds: int) -> list[tuple[str, float, float]]:
    """(path, µs with the heads, µs with FastAPI's matching alone) for each path."""
    with_heads = [match_micros(app, method, path, rounds) for method, path in paths]
    heads = ServiceRouter.route_heads
    ServiceRouter.route_heads = lambda self: ("",)  # type: ignore[method-assign]  # every router tried in full
    try:
        without = [match_micros(app, method, path, rounds) for method, path in paths]
    finally:
        ServiceRouter.route_heads = heads  # type: ignore[method-assign]
    return [
        (f"{method} {path}", a, b) for (method, path), a, b in zip(paths, with_heads, without, strict=True)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.route_matching", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rounds", type=int, default=5_000)
    args = parser.parse_args(argv)
    entry = service("projects-api")
    app = entry.create_app(entry.settings_class())
    print(
        f"projects-api: {len(app.router.routes)} top-level routes; mean µs per match over {args.rounds} rounds"
    )
    print(f"  {'path':<66} {'heads':>8} {'FastAPI':>8}")
    for path, with_heads, without in measure(app, PATHS, args.rounds):
        print(f"  {path:<66} {with_heads:8.1f} {without:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
