"""The push adapter's sender: a periodic job, present only when PROJECTS_PUSH__URL is set."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import httpx

from gongjian_projects.exchange.push import HttpJsonPush, push_once
from gongjian_projects.settings import projects_settings
from gongjian_shared.jobs import PeriodicJob
from gongjian_shared.service import ServiceContext


def jobs(context: ServiceContext) -> tuple[Callable[[], Coroutine[Any, Any, None]], ...]:
    settings = projects_settings(context.settings).push
    if not settings.enabled:
        return ()

    async def push_deliveries() -> None:
        async with httpx.AsyncClient(follow_redirects=False) as client:
            target = HttpJsonPush(settings, client)

            async def step() -> bool:
                return await push_once(context.sessionmaker, target, settings, context.clock)

            await PeriodicJob(
                name="push deliveries",
                step=step,
                interval_seconds=settings.interval_seconds,
                backoff_seconds=min(settings.backoff_seconds, settings.interval_seconds),
                max_backoff_seconds=settings.max_backoff_seconds,
            )()

    return (push_deliveries,)
