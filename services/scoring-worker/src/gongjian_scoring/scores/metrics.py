"""The assessment's metrics: how long rescoring takes (one unit on an event, or a whole recompute)."""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from gongjian_shared.observability.metrics import histogram

SERVICE = "scoring-worker"

RECOMPUTE_SECONDS = histogram(
    "gongjian_score_recompute_duration_seconds",
    "Time to rescore: one unit after an event (scope unit) or every unit of a recompute (scope all)",
    ("scope",),
)

P = ParamSpec("P")
R = TypeVar("R")


def timed(scope: str) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Observe the decorated coroutine's duration under `scope` (also when it raises)."""
    child = RECOMPUTE_SECONDS.labels(SERVICE, scope)

    def decorate(function: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(function)
        async def observed(*args: P.args, **kwargs: P.kwargs) -> R:
            started = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                child.observe(time.perf_counter() - started)

        return observed

    return decorate
