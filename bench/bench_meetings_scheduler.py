"""Meetings (issue 4): the deadline scheduler fires due deadlines into the outbox; throughput and lateness.

The scheduler under test is meetings-api's own `run_due` (claim with FOR UPDATE SKIP LOCKED, lock the
subjects without waiting, write each event to the outbox, stamp the row, one transaction per batch), driven
by the service's own background job (`due_deadlines_job`: a full batch runs the next one at once, a partial
batch sleeps until the next pending due time, at most the poll interval) on the real clock, in this process, against a fresh migrated database.

Data: one city body with the 36 member units of Annex 1 in the replica (each with a liaison), meetings
already held, and one resolution per deadline; each deadline is a `resolution-due-today` row, whose firing
reads the resolution's feedback and its units' liaisons and writes one `resolution-due` event.

- **backlog**: every deadline is already due when the scheduler starts; throughput = deadlines / time from
  the first claim to the last commit.
- **paced**: the deadlines fall due at an even rate (the goal's 1,000 per second) while the scheduler runs
  with its default poll interval (1 s); lateness = the commit that wrote the event minus the row's due time.
  The job sleeps until the next pending row's due time (at most the poll interval), so lateness is one pass.

Goals: >= 1,000 deadlines/s (issue 4); p99 lateness <= 100 ms (issue 16; issue 4 asked 2 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import SecretStr
from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bench.context import Context
from bench.core import Goal, Result, Stats
from gongjian_meetings.deadlines.jobs import due_deadlines_job
from gongjian_meetings.deadlines.service import RESOLUTION_DUE_TODAY
from gongjian_meetings.models import BUS, UNIT_REPLICA, Deadline, Meeting, MeetingBody, Resolution
from gongjian_meetings.settings import SchedulerSettings
from gongjian_shared.db import create_engine, create_sessionmaker
from gongjian_shared.jobs import cancel_and_wait
from gongjian_shared.settings import DatabaseSettings

TITLE = "deadline scheduler: due deadlines -> outbox events, throughput and lateness"
TIMEOUT_SECONDS = 600

THROUGHPUT_GOAL = 1_000.0
LATENESS_P99_GOAL_MS = 100.0  # issue 16: wake at the next due time, not on the 1 s poll (issue 4 asked 2 s)
RESOLUTIONS_PER_MEETING = 100
UNITS = 36
CHUNK = 2_000


def table(model: Any) -> Table:
    value = model.__table__
    assert isinstance(value, Table)
    return value


class RecordingClock:
    """The real clock, remembering its readings since the last pass ended (one of them is the pass's
    `fired_at`, the first reading `run_due` takes)."""

    def __init__(self) -> None:
        self.readings: list[datetime] = []

    def now(self) -> datetime:
        value = datetime.now(UTC)
        self.readings.append(value)
        return value


async def seed(engine: AsyncEngine, count: int, due: list[datetime]) -> None:
    """The replica, a body, held meetings, one open resolution and one due deadline per deadline."""
    units = [uuid.uuid4() for _ in range(UNITS)]
    body_id = uuid.uuid4()
    meetings = [uuid.uuid4() for _ in range((count + RESOLUTIONS_PER_MEETING - 1) // RESOLUTIONS_PER_MEETING)]
    resolutions = [uuid.uuid4() for _ in range(count)]
    async with engine.begin() as connection:
        await connection.execute(
            insert(UNIT_REPLICA),
            [
                {
                    "unit_id": unit,
                    "name": f"成员单位{i}",
                    "kind": "department",
                    "joint_meeting_member": True,
                    "contacts": [{"person_id": str(uuid.uuid4()), "role": "liaison", "name": f"联络员{i}"}],
                    "source_event_id": uuid.uuid4(),
                }
                for i, unit in enumerate(units)
            ],
        )
        await connection.execute(
            insert(table(MeetingBody)),
            [
                {
                    "id": body_id,
                    "level": "city",
                    "name": "bench",
                    "series_active": False,
                    "series_interval_months": 2,
                    "series_first_month": 1,
                    "series_week": 2,
                    "series_weekday": 3,
                    "series_horizon_months": 6,
                    "topic_days": 10,
                    "agenda_days": 7,
                    "circulation_days": 3,
                    "reminder_hour": 9,
                    "skip_holidays": False,
                    "overdue_every_days": 3,
                    "revision": 1,
                }
            ],
        )
        await connection.execute(
            insert(table(Meeting)),
            [
                {
                    "id": meeting,
                    "body_id": body_id,
                    "title": f"会议{i}",
                    "ad_hoc": False,
                    "held_on": date(2019, 7, 11),
                    "state": "held",
                    "topic_days": 10,
                    "agenda_days": 7,
                    "circulation_days": 3,
                    "schedule_generation": 1,
                }
                for i, meeting in enumerate(meetings)
            ],
        )
        for start in range(0, count, CHUNK):
            part = range(start, min(count, start + CHUNK))
            await connection.execute(
                insert(table(Resolution)),
                [
                    {
                        "id": resolutions[i],
                        "meeting_id": meetings[i // RESOLUTIONS_PER_MEETING],
                        "number": i % RESOLUTIONS_PER_MEETING + 1,
                        "text": f"议定事项{i}",
                        "lead_unit_id": units[i % UNITS],
                        "supporting_unit_ids": [units[(i + 1) % UNITS]],
                        "due_on": date(2019, 8, 1),
                        "project_ids": [],
                        "topic_ids": [],
                        "status": "open",
                        "escalation_step": 0,
                    }
                    for i in part
                ],
            )
            await connection.execute(
                insert(table(Deadline)),
                [
                    {
                        "kind": RESOLUTION_DUE_TODAY,
                        "meeting_id": meetings[i // RESOLUTIONS_PER_MEETING],
                        "subject_id": resolutions[i],
                        "generation": 1,
                        "sequence": 0,
                        "due_at": due[i],
                        "attempts": 0,
                    }
                    for i in part
                ],
            )
    async with engine.connect() as connection:
        await connection.exec_driver_sql("ANALYZE")


async def drive(
    sessionmaker: async_sessionmaker[AsyncSession], count: int, settings: SchedulerSettings, limit_s: float
) -> tuple[dict[datetime, datetime], float, float]:
    """The service's own job (`due_deadlines_job`, as meetings-api runs it) until every row fired or the time
    bound; returns {pass start: commit time}, first claim, last commit."""
    commits: dict[datetime, datetime] = {}
    clock = RecordingClock()
    fired = 0
    first, last = time.perf_counter(), time.perf_counter()
    all_fired = asyncio.Event()

    def after_pass(done: int) -> None:
        nonlocal fired, last
        if done:
            committed = datetime.now(UTC)
            commits.update(dict.fromkeys(clock.readings, committed))
            last = time.perf_counter()
            fired += done
            if fired >= count:
                all_fired.set()
        clock.readings.clear()

    job = due_deadlines_job(sessionmaker, clock, settings, after_pass=after_pass)
    task = asyncio.create_task(job())
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_fired.wait(), limit_s)
    finally:
        await cancel_and_wait([task])
    return commits, first, last


async def stamped(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> tuple[list[tuple[datetime, datetime]], int]:
    async with sessionmaker() as session:
        rows = (
            await session.execute(
                select(Deadline.due_at, Deadline.fired_at).where(Deadline.fired_at.is_not(None))
            )
        ).all()
        events = int(await session.scalar(select(func.count()).select_from(BUS.outbox)) or 0)
    return [(row.due_at, row.fired_at) for row in rows], events


async def phase(ctx: Context, label: str, count: int, paced: bool) -> Result:
    url = await ctx.fresh_database(f"meetings_{label}")
    engine = create_engine(DatabaseSettings(url=SecretStr(url), pool_size=4))
    sessionmaker = create_sessionmaker(engine)
    settings = SchedulerSettings()
    try:
        lead = timedelta(seconds=3)  # time to start the loop before the first row falls due
        start = datetime.now(UTC) + (lead if paced else -timedelta(minutes=1))
        due = [start + timedelta(seconds=i / THROUGHPUT_GOAL) if paced else start for i in range(count)]
        await seed(engine, count, due)
        if paced:
            await asyncio.sleep(max(0.0, (start - datetime.now(UTC)).total_seconds() - 0.5))
        commits, first, last = await drive(sessionmaker, count, settings, limit_s=120)
        rows, events = await stamped(sessionmaker)
    finally:
        await engine.dispose()
    # in the backlog every row was due before the loop started: lateness counts from the start
    began = min(commits) if commits else datetime.now(UTC)
    lateness = [(commits[fired_at] - max(due_at, began)).total_seconds() * 1000 for due_at, fired_at in rows]
    result = Result(
        name=label,
        stats=Stats.of(lateness),
        throughput_rps=len(rows) / (last - first) if not paced and last > first else None,
        errors=count - len(rows) + abs(events - len(rows)),
        notes=[
            f"{len(rows)} of {count} deadlines fired, {events} events in the outbox; latency columns are lateness: "
            "event committed - due time (backlog: - the first pass's start); "
            f"batch {settings.batch_size}, poll {settings.poll_interval_seconds:g} s",
        ],
    )
    if paced:
        result.goals.append(Goal.at_most("p99 lateness", result.stats.p99_ms, LATENESS_P99_GOAL_MS))
    else:
        result.goals.append(Goal.at_least("deadlines/s", result.throughput_rps or 0.0, THROUGHPUT_GOAL))
    return result


async def run(ctx: Context) -> list[Result]:
    count = ctx.pick(2_000, 10_000, 50_000)
    return [await phase(ctx, "backlog", count, paced=False), await phase(ctx, "paced", count, paced=True)]
