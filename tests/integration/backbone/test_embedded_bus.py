"""The embedded bus: the same event twice, and a replay from the start of the log, are applied once."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select, text

from gongjian_meetings.app import EVENT_HANDLERS as MEETINGS_HANDLERS
from gongjian_meetings.models import BUS as MEETINGS_BUS
from gongjian_meetings.models import UNIT_REPLICA
from gongjian_shared.bus.consumer import Event
from gongjian_shared.bus.embedded import EmbeddedConsumerRunner
from gongjian_shared.db import unit_of_work
from gongjian_shared.events.projects import UnitUpdated
from support.bus_probes import count_applications
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


async def unit_event(platform: Platform, unit_id: str) -> tuple[uuid.UUID, int, int]:
    """The event id and log position (txid, id) of the unit's `unit-updated` row in the projects outbox."""
    async with platform.context("projects-api").sessionmaker() as session:
        row = (
            await session.execute(
                text("SELECT event_id, txid, id FROM projects.outbox WHERE key = :key AND type = :type"),
                {"key": unit_id, "type": UnitUpdated.event_type},
            )
        ).one()
    return row.event_id, row.txid, row.id


def position_past(platform: Platform, group: str, txid: int, outbox_id: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        async with platform.context("meetings-api").sessionmaker() as session:
            position = (
                await session.execute(
                    text(
                        "SELECT txid, outbox_id FROM meetings.bus_positions "
                        "WHERE group_id = :group AND source = 'projects'"
                    ),
                    {"group": group},
                )
            ).first()
        return position is not None and (position.txid, position.outbox_id) >= (txid, outbox_id)

    return check


async def test_the_same_event_delivered_twice_is_applied_once(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the bus: the group's position is moved back before an event it applied, so its runner reads
    and hands the event to the consumer a second time; the handler must not run again."""
    await eventually(lambda: _count(platform, 36), what="seed units replicated")
    context = platform.context("meetings-api")
    assert context.bus is not None
    runner = context.bus.consumers[0]
    assert isinstance(runner, EmbeddedConsumerRunner)
    group = runner.subscription.group_id
    applications = count_applications(monkeypatch, MEETINGS_HANDLERS["members"], UnitUpdated)
    created = await platform.client.post("/api/v1/units", json={"name": "重投局", "kind": "department"})
    assert created.status_code == 201, created.text
    event_id, txid, outbox_id = await unit_event(platform, created.json()["id"])
    await eventually(position_past(platform, group, txid, outbox_id), what="the unit's event read")
    assert applications.counts[event_id] == 1
    before, duplicates = await replica_rows(platform), runner.stats.duplicates
    async with unit_of_work(context.sessionmaker) as session:
        rewound = await session.execute(
            text(
                "UPDATE meetings.bus_positions SET txid = :txid, outbox_id = :id "
                "WHERE group_id = :group AND source = 'projects'"
            ),
            {"txid": txid, "id": outbox_id - 1, "group": group},
        )
        assert rewound.rowcount == 1  # type: ignore[attr-defined]
    await eventually(position_past(platform, group, txid, outbox_id), what="the unit's event read again")
    assert applications.counts[event_id] == 1, "the handler ran again for an event it had applied"
    assert runner.stats.duplicates > duplicates, "the second delivery was not recognised as a duplicate"
    assert await replica_rows(platform) == before
    async with context.sessionmaker() as session:
        inbox = MEETINGS_BUS.inbox
        held = await session.scalar(
            select(func.count())
            .select_from(inbox)
            .where(inbox.c.group_id == group, inbox.c.event_id == event_id)
        )
    assert held == 1


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


async def test_what_a_handler_asks_after_commit_runs_once_the_events_transaction_has_committed(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runner applies each event in a savepoint, which SQLAlchemy reports as a commit when released; a
    worker woken then would look before the rows are visible to it (the notifier's delivery worker did)."""
    await eventually(lambda: _count(platform, 36), what="seed units replicated")
    handlers = MEETINGS_HANDLERS["members"]
    inner = handlers[UnitUpdated]
    transaction_still_open: list[bool] = []

    async def handler(uow: Any, event: Event[Any]) -> None:
        await inner(uow, event)
        outermost = uow.session.sync_session.get_transaction()
        uow.after_commit(lambda: transaction_still_open.append(outermost.is_active))

    monkeypatch.setitem(handlers, UnitUpdated, handler)
    created = await platform.client.post("/api/v1/units", json={"name": "提交局", "kind": "department"})
    assert created.status_code == 201, created.text

    async def ran() -> bool:
        return bool(transaction_still_open)

    await eventually(ran, what="the after-commit callback of the unit's event")
    assert transaction_still_open == [False]


async def _count(platform: Platform, expected: int) -> bool:
    return len(await replica_rows(platform)) == expected


def _more_duplicates(runner: EmbeddedConsumerRunner, target: int):  # type: ignore[no-untyped-def]
    async def check() -> bool:
        return runner.stats.duplicates >= target

    return check
