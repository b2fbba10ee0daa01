"""Stopping background tasks within a bound, so a stuck task is named in the log instead of hanging shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence

logger = logging.getLogger("gongjian")

STOP_TIMEOUT_SECONDS = 10.0


async def cancel_and_wait(tasks: Sequence[asyncio.Task[None]], timeout: float = STOP_TIMEOUT_SECONDS) -> None:
    for task in tasks:
        task.cancel()
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        logger.error(
            "task %s did not stop within %.0fs of being cancelled; leaving it", task.get_name(), timeout
        )


async def bounded(step: Awaitable[None], what: str, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
    try:
        async with asyncio.timeout(timeout):
            await step
    except TimeoutError:
        logger.error("%s did not finish within %.0fs; going on", what, timeout)
