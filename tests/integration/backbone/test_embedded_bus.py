"""The embedded bus: the same event twice, and a replay from the start of the log, are applied once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from gongjian_meetings.models import BUS as MEETINGS_BUS
from gongjian_meetings.models import UNIT_REPLICA
from gongjian_shared.bus.consumer import EventApplier
from gongjian_shared.bus.embedded import EmbeddedConsumerRunner
from gongjian_shared.db import unit_of_work
from gongjian_shared.events.envelope import EventEnvelope
from support.platform import Platform, eventually

pytestmark = pytest.mark.asyncio


async def replica_rows(platform: Platform) -> list[tuple[object, ...]]:
    async with platform.context("meetings-api").sessionmaker() as session:
        rows = await session.execute(
            select(UNIT_REPLICA.c.unit_id, UNIT_REPLICA.c.name, UNIT_REPLICA.c.kind).order_by(
                UNIT_REPLICA.c.name
            )
        )
        return [tuple(row) for row in rows]


async def test_the_same_event_delivered_twice_is_applied_once(platform: Platform) -> None:
    await eventually(lambda: _count(platform, 36), what="seed units replicated")
    context = platform.context("meetings-api")
    async with platform.context("projects-api").sessionmaker() as session:
        raw = await session.scalar(text("SELECT envelope FROM projects.outbox ORDER BY id LIMIT 1"))
    envelope = EventEnvelope.model_validate(raw)
    assert context.bus is not None
    applier = EventApplier(MEETINGS_BUS, context.bus.consumers[0].subscription, context.unit_of_work)
    before = await replica_rows(platform)
    for _ in range(2):
        async with unit_of_work(context.sessionmaker) as session:
            assert await applier.apply(session, envelope) is False
    assert await replica_rows(platform) == before


async def test_a_replay_from_the_start_of_the_log_changes_nothing(platform: Platform) -> None:
    await eventually(lambda: _count(platform, 36), what="seed units replicated")
    context = platform.context("meetings-api")
    assert context.bus is not None
    runner = context.bus.consumers[0]
    assert isinstance(runner, EmbeddedConsumerRunner)
    before = await replica_rows(platform)
    applied, duplicates = runner.stats.applied, runner.stats.duplicates
    async with unit_of_work(context.sessionmaker) as session:
        rewound = await session.execute(text("UPDATE meetings.bus_positions SET txid = 0, outbox_id = 0"))
        assert rewound.rowcount >= 1  # type: ignore[attr-defined]
    await eventually(_more_duplicates(runner, duplicates + 36), what="the whole log read again")
    assert runner.stats.applied == applied
    assert await replica_rows(platform) == before
    async with context.sessionmaker() as session:
        inbox = MEETINGS_BUS.inbox
        group = inbox.c.group_id == runner.subscription.group_id  # not the account-states group's rows
        assert await session.scalar(select(func.count()).select_from(inbox).where(group)) == 36


async def _count(platform: Platform, expected: int) -> bool:
    return len(await replica_rows(platform)) == expected


def _more_duplicates(runner: EmbeddedConsumerRunner, target: int):  # type: ignore[no-untyped-def]
    async def check() -> bool:
        return runner.stats.duplicates >= target

    return check
