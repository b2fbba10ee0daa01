"""The scoring tests' platforms: on a clock the tests inject, and settled before they stop.

The clock (`RunningClock`, as every platform's) starts at a fixed morning and runs at the wall clock's pace, so
events and judgements keep the order they were made in, and no test crosses midnight in Asia/Shanghai (which
would date facts on another day and add a snapshot). A test of the clock itself builds its own platform on a
`FrozenClock`; the scoring tests take this one as a fixture to read the time their facts are dated at.

A test that ends while scores are still being written stops the platform amid a burst of outbox
notifications, which is when a consumer task can miss its cancellation (see the report on wait_for_wake): so
each platform waits, at the end, for scoring-worker to finish what the test set off. A platform that does not
settle fails the test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from integration.scoring.scoring_support import settle

from gongjian.infra.kafka import KafkaBroker
from support.platform import Platform, RunningClock, platform_settings, running_platform


@pytest.fixture
def clock() -> RunningClock:
    return RunningClock()


@pytest.fixture
async def platform(database_url: str, clock: RunningClock) -> AsyncIterator[Platform]:
    """The whole platform on the embedded bus and the injected clock, seeded, with the admin logged in."""
    async with running_platform(platform_settings(database_url), clock=clock) as running:
        await running.login()
        yield running
        await settle(running, timeout=20)


@pytest.fixture
async def kafka_platform(
    database_url: str, kafka: KafkaBroker, clock: RunningClock
) -> AsyncIterator[Platform]:
    """The whole platform on the real Kafka broker and the injected clock, seeded, with the admin logged in."""
    settings = platform_settings(database_url, bus="kafka", kafka_bootstrap=kafka.bootstrap_servers)
    async with running_platform(settings, clock=clock) as running:
        await running.login()
        yield running
        await settle(running, timeout=30)
