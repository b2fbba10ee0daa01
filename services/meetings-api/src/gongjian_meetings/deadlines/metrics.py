"""The deadline scheduler's metrics: rows due and late (read at each scrape), firings by kind and outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from gongjian_meetings.deadlines.repository import DeadlineRepository
from gongjian_shared.observability.metrics import Sample, Sampler, counter, sampled_gauge
from gongjian_shared.service import ServiceContext

# a due row still pending this long after its time is late: the scheduler polls every few seconds
LATE_AFTER = timedelta(minutes=1)

DEADLINES_DUE = sampled_gauge(
    "gongjian_deadlines_due", "Pending deadlines whose time has come, by kind", ("kind",)
)
DEADLINES_LATE = sampled_gauge(
    "gongjian_deadlines_late",
    f"Pending deadlines more than {int(LATE_AFTER.total_seconds())} s past their time, by kind",
    ("kind",),
)
DEADLINES_FIRED = counter(
    "gongjian_deadlines_fired", "Deadlines the scheduler stamped, by kind and outcome", ("kind", "outcome")
)


def deadline_samplers(context: ServiceContext) -> Sequence[Sampler]:
    async def due_and_late() -> list[Sample]:
        now = context.clock.now()
        async with context.sessionmaker() as session:
            counts = await DeadlineRepository(session).due_and_late(now, now - LATE_AFTER)
        samples: list[Sample] = []
        for kind, due, late in counts:
            samples.append((DEADLINES_DUE, {"kind": kind}, float(due)))
            samples.append((DEADLINES_LATE, {"kind": kind}, float(late)))
        return samples

    return (due_and_late,)
