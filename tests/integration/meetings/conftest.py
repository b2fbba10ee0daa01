"""Fixtures of the joint-meeting tests: the platform on a frozen clock with the scheduler driven by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from integration.meetings.meetings_driver import START, Meetings, prepare

from gongjian_meetings.settings import SchedulerSettings
from gongjian_shared.clock import FrozenClock
from support.platform import platform_settings, running_platform


@pytest.fixture
async def meetings(database_url: str) -> AsyncIterator[Meetings]:
    """The platform on the embedded bus, a frozen clock at Monday 6 May 2019, the scheduler driven by hand."""
    clock = FrozenClock(START)
    settings = platform_settings(
        database_url, overrides={"meetings-api": {"scheduler": SchedulerSettings(enabled=False)}}
    )
    async with running_platform(settings, clock=clock) as platform:
        await platform.login()
        yield await prepare(platform, clock)
