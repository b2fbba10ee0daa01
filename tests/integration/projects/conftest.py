"""Fixtures of the registry's tests: a platform on a clock the test moves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

import pytest

from gongjian_shared.clock import SHANGHAI, FrozenClock
from support.platform import Platform, platform_settings, running_platform

# the scheduler's own loop must not race the test's clock: tests run the deadlines themselves
QUIET_SCHEDULER = {"projects-api": {"scheduler_enabled": False}}


@dataclass
class Clocked:
    platform: Platform
    clock: FrozenClock

    async def at(self, *when: int) -> None:
        """Move time to the Shanghai wall-clock instant and sign the admin in again (tokens follow the clock)."""
        self.clock.set(datetime(*when, tzinfo=SHANGHAI))  # type: ignore[misc]
        await self.platform.login()


@pytest.fixture
async def clocked(database_url: str) -> AsyncIterator[Clocked]:
    clock = FrozenClock(datetime(2019, 5, 20, 9, tzinfo=SHANGHAI))
    settings = platform_settings(database_url, overrides=QUIET_SCHEDULER)
    async with running_platform(settings, clock=clock) as running:
        await running.login()
        yield Clocked(running, clock)
