"""Outbox rows that commit out of id order are never skipped, on the embedded bus and through the relay."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from gongjian_scoring.models import ProjectInvestment
from gongjian_shared.events.projects import ProgressReported
from support.platform import Platform, eventually

pytestmark = pytest.mark.asyncio


def report_event(project_id: uuid.UUID, unit_id: uuid.UUID, amount: str) -> ProgressReported:
    return ProgressReported(
        report_id=uuid.uuid4(),
        project_id=project_id,
        unit_id=unit_id,
        year=2019,
        month=3,
        completed_10k=Decimal(amount),
        cumulative_10k=Decimal(amount),
        year_to_date_10k=Decimal(amount),
        physical_progress="施工",
        image_progress_percent=Decimal(5),
        late=False,
    )


async def commit_out_of_order(platform: Platform) -> tuple[uuid.UUID, uuid.UUID]:
    """T1 writes first and commits last; T2 writes later and commits first, while consumers keep reading."""
    projects = platform.context("projects-api")
    unit_id = uuid.uuid4()
    first, second = uuid.uuid4(), uuid.uuid4()
    async with projects.sessionmaker() as t1, projects.sessionmaker() as t2:
        await projects.outbox.publish(t1, report_event(first, unit_id, "100"), key=str(first))
        await t1.flush()
        await projects.outbox.publish(t2, report_event(second, unit_id, "200"), key=str(second))
        await t2.commit()
        ids = (await t2.execute(text("SELECT id, txid FROM projects.outbox ORDER BY id DESC LIMIT 2"))).all()
        assert len(ids) == 1 or ids[0].id > ids[-1].id
        await asyncio.sleep(1.5)  # several polls and a NOTIFY pass while T1 is still open
        await t1.commit()
    return unit_id, uuid.UUID(int=0)


async def wait_for_both(platform: Platform, unit_id: uuid.UUID) -> None:
    scoring = platform.context("scoring-worker")

    async def both_applied() -> bool:
        async with scoring.sessionmaker() as session:
            total = await session.scalar(
                select(func.coalesce(func.sum(ProjectInvestment.year_to_date_10k), 0)).where(
                    ProjectInvestment.unit_id == unit_id
                )
            )
        return Decimal(total or 0) == Decimal(300)

    await eventually(both_applied, what="both out-of-order events to be applied")


async def test_embedded_bus_delivers_rows_committed_out_of_id_order(platform: Platform) -> None:
    unit_id, _ = await commit_out_of_order(platform)
    await wait_for_both(platform, unit_id)


@pytest.mark.kafka
async def test_relay_publishes_rows_committed_out_of_id_order(kafka_platform: Platform) -> None:
    unit_id, _ = await commit_out_of_order(kafka_platform)
    await wait_for_both(kafka_platform, unit_id)
    async with kafka_platform.context("projects-api").sessionmaker() as session:
        unsent = await session.scalar(text("SELECT count(*) FROM projects.outbox WHERE sent_at IS NULL"))
    assert unsent == 0
