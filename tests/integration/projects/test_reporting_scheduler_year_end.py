"""The registry's reporting scheduler loop itself (its PeriodicJob, running in the service as deployed) across
the year end: December's window opens on 25 December, January's month is opened in January, December's due
reminder goes on 4 January and December freezes on 11 January, each once; a correction of December after the
freeze lands in January of the next year, and the January report takes it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from integration.projects.conftest import Clocked
from integration.projects.registry_support import Actor, account, events, register
from sqlalchemy import text

from gongjian_shared.auth import Role
from gongjian_shared.clock import SHANGHAI, FrozenClock
from support.platform import Platform, eventually, platform_settings, running_platform

pytestmark = pytest.mark.asyncio

# the loop as deployed, only with a short interval: the test moves the clock and waits for what it does
LOOP = {"projects-api": {"scheduler_enabled": True, "scheduler_interval_seconds": 0.05}}


@pytest.fixture
async def looping(database_url: str) -> AsyncIterator[Clocked]:
    clock = FrozenClock(datetime(2019, 12, 20, 9, tzinfo=SHANGHAI))
    async with running_platform(platform_settings(database_url, overrides=LOOP), clock=clock) as running:
        await running.login()
        yield Clocked(running, clock)


async def query(platform: Platform, sql: str, **params: Any) -> list[Any]:
    async with platform.context("projects-api").sessionmaker() as session:
        return list((await session.execute(text(sql), params)).all())


async def months(platform: Platform) -> dict[tuple[int, int], Any]:
    rows = await query(platform, "SELECT year, month, frozen_at FROM projects.reporting_months")
    return {(row.year, row.month): row for row in rows}


async def deadlines(platform: Platform) -> dict[tuple[str, int, int], Any]:
    rows = await query(platform, "SELECT kind, year, month, due_at, done_at FROM projects.deadlines")
    return {(row.kind, row.year, row.month): row for row in rows}


async def until(check: Any, what: str) -> None:
    async def holds() -> bool:
        return bool(await check())

    await eventually(holds, timeout=30, what=what)


def at(*when: int) -> datetime:
    return datetime(*when, tzinfo=SHANGHAI)  # type: ignore[misc]


async def due_for(platform: Platform, year: int, month: int) -> list[dict[str, Any]]:
    return [
        e for e in await events(platform, "progress-report-due") if (e["year"], e["month"]) == (year, month)
    ]


async def report(
    platform: Platform, actor: Actor, project_id: str, year: int, month: int, **figures: str
) -> Any:
    body = {"year": year, "month": month, "physical_progress": "施工中", "image_progress_percent": "50"}
    return await platform.client.post(
        f"/api/v1/projects/{project_id}/progress-reports", json=body | figures, headers=actor.headers
    )


async def accept(platform: Platform, report_id: str) -> None:
    response = await platform.client.post(f"/api/v1/progress-reports/{report_id}/accept")
    assert response.status_code == 200, response.text


async def test_the_scheduler_loop_carries_december_over_the_year_end(looping: Clocked) -> None:
    platform = looping.platform
    # the loop opens this month and last as it starts, and catches up November's past deadlines
    await until(lambda: _has(months(platform), (2019, 12), (2019, 11)), "December and November opened")
    await until(lambda: _done(platform, ("month-freeze", 2019, 11)), "November frozen on catching up")
    assert (2020, 1) not in await months(platform)
    planned = await deadlines(platform)
    assert planned[("progress-report-due", 2019, 12)].due_at == at(2020, 1, 4)
    assert planned[("month-freeze", 2019, 12)].due_at == at(2020, 1, 11)
    assert planned[("progress-report-due", 2019, 12)].done_at is None

    unit = (await platform.client.post("/api/v1/units", json={"name": "跨年县", "kind": "county"})).json()
    reported, missing = [(await register(platform, unit["id"], name=f"跨年项目{i}"))["id"] for i in (1, 2)]
    reporter = await account(platform, [Role.REPORTER], unit["id"])

    # 25 December: December's window is open
    await looping.at(2019, 12, 26, 10)
    await reporter.sign_in(platform)
    december = await report(platform, reporter, reported, 2019, 12, completed_10k="900", cumulative_10k="900")
    assert december.status_code == 201, december.text
    await accept(platform, december.json()["id"])

    # the new year: the loop opens January 2020; December's deadlines are still ahead
    await looping.at(2020, 1, 2, 9)
    await until(lambda: _has(months(platform), (2020, 1)), "January 2020 opened by the loop")
    assert await due_for(platform, 2019, 12) == []
    assert (await months(platform))[(2019, 12)].frozen_at is None

    # 4 January: the reminder of December names the project still missing, once
    await looping.at(2020, 1, 4, 9)
    await until(lambda: _done(platform, ("progress-report-due", 2019, 12)), "December's reminder sent")
    [due] = await due_for(platform, 2019, 12)
    [owing] = [entry for entry in due["units"] if entry["unit_id"] == unit["id"]]
    assert owing["project_ids"] == [missing]

    # 11 January: December freezes, as published
    await looping.at(2020, 1, 11, 1)
    await until(lambda: _done(platform, ("month-freeze", 2019, 12)), "December frozen")
    assert (await months(platform))[(2019, 12)].frozen_at == at(2020, 1, 11, 1)
    published = (await platform.client.get("/api/v1/progress-reports/months/2019/12/figures")).json()
    assert published["frozen"] is True
    assert {item["project_id"]: item["completed_10k"] for item in published["items"]} == {reported: "900.00"}

    # a correction of December after the freeze lands in January 2020
    amended = await platform.client.post(
        f"/api/v1/progress-reports/{december.json()['id']}/amendments",
        json={"completed_10k": "1000", "reason": "补报 12 月设备款"},
    )
    assert amended.status_code in (200, 201), amended.text
    assert (amended.json()["lands_year"], amended.json()["lands_month"]) == (2020, 1)
    assert amended.json()["landed_in_next_month"] is True
    assert (await platform.client.get("/api/v1/progress-reports/months/2019/12/figures")).json() == published

    # later in January the loop keeps running and sends December nothing twice
    await looping.at(2020, 1, 26, 9)
    await until(lambda: _has(months(platform), (2020, 1), (2019, 12)), "the loop still running")
    assert len(await due_for(platform, 2019, 12)) == 1
    await reporter.sign_in(platform)
    wrong = await report(platform, reporter, reported, 2020, 1, completed_10k="50", cumulative_10k="950")
    assert wrong.status_code == 409, wrong.text
    january = await report(platform, reporter, reported, 2020, 1, completed_10k="50", cumulative_10k="1050")
    assert january.status_code == 201, january.text
    assert Decimal(january.json()["adjustment_10k"]) == Decimal(100)
    await accept(platform, january.json()["id"])
    landed = [
        e for e in await events(platform, "progress-reported") if e["report_id"] == january.json()["id"]
    ]
    assert (landed[-1]["corrected_year"], landed[-1]["corrected_month"]) == (2019, 12)
    assert (await months(platform))[(2019, 12)].frozen_at == at(2020, 1, 11, 1)


async def _has(rows: Any, *wanted: tuple[int, int]) -> bool:
    found = await rows
    return all(month in found for month in wanted)


async def _done(platform: Platform, key: tuple[str, int, int]) -> bool:
    row = (await deadlines(platform)).get(key)
    return row is not None and row.done_at is not None
