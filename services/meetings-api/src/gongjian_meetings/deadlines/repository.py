from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects.postgresql import insert

from gongjian_meetings.models import Deadline
from gongjian_shared.repository import Repository

DEADLINES: Table = Deadline.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class DueDeadline:
    """A claimed row, as plain values: it stays readable even if the firing's savepoint rolls back."""

    id: int
    kind: str
    meeting_id: uuid.UUID
    subject_id: uuid.UUID
    generation: int
    sequence: int
    due_at: datetime
    attempts: int


class DeadlineRepository(Repository):
    async def insert_planned(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert planned rows; a row planned twice (same kind, subject, generation, sequence) is kept once."""
        if rows:
            await self._session.execute(insert(DEADLINES).values(list(rows)).on_conflict_do_nothing())

    async def cancel_pending(self, subject_id: uuid.UUID, now: datetime) -> None:
        await self._session.execute(
            update(DEADLINES)
            .where(
                DEADLINES.c.subject_id == subject_id,
                DEADLINES.c.fired_at.is_(None),
                DEADLINES.c.cancelled_at.is_(None),
            )
            .values(cancelled_at=now)
        )

    async def claim_due(self, now: datetime, limit: int) -> list[DueDeadline]:
        """Lock up to `limit` due rows; rows another scheduler holds are skipped, never waited for."""
        query = (
            select(
                DEADLINES.c.id,
                DEADLINES.c.kind,
                DEADLINES.c.meeting_id,
                DEADLINES.c.subject_id,
                DEADLINES.c.generation,
                DEADLINES.c.sequence,
                DEADLINES.c.due_at,
                DEADLINES.c.attempts,
            )
            .where(
                DEADLINES.c.fired_at.is_(None),
                DEADLINES.c.cancelled_at.is_(None),
                DEADLINES.c.due_at <= now,
            )
            .order_by(DEADLINES.c.due_at, DEADLINES.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [DueDeadline(**row._mapping) for row in await self._session.execute(query)]

    async def next_due_at(self, after: datetime) -> datetime | None:
        """When the earliest pending row due after `after` falls due (the partial index on pending rows)."""
        pending = DEADLINES.c.fired_at.is_(None) & DEADLINES.c.cancelled_at.is_(None)
        query = select(func.min(DEADLINES.c.due_at)).where(pending, DEADLINES.c.due_at > after)
        value: datetime | None = await self._session.scalar(query)
        return value

    async def stamp(self, outcomes: dict[int, str], now: datetime) -> None:
        for outcome in set(outcomes.values()):
            ids = [row_id for row_id, value in outcomes.items() if value == outcome]
            await self._session.execute(
                update(DEADLINES).where(DEADLINES.c.id.in_(ids)).values(fired_at=now, outcome=outcome)
            )

    async def record_failure(self, row_id: int, error: str, *, give_up_at: datetime | None) -> None:
        values: dict[str, Any] = {"attempts": DEADLINES.c.attempts + 1, "last_error": error}
        if give_up_at is not None:
            values |= {"fired_at": give_up_at, "outcome": "failed"}
        await self._session.execute(update(DEADLINES).where(DEADLINES.c.id == row_id).values(**values))

    async def for_meeting(self, meeting_id: uuid.UUID) -> Sequence[Deadline]:
        query = (
            select(Deadline).where(Deadline.meeting_id == meeting_id).order_by(Deadline.due_at, Deadline.id)
        )
        return (await self._session.execute(query)).scalars().all()

    async def due_and_late(self, now: datetime, late_before: datetime) -> list[tuple[str, int, int]]:
        """Per kind: pending rows whose time has come, and those of them still pending since before
        `late_before` (the scheduler is behind or a firing keeps failing); for the metrics."""
        pending = DEADLINES.c.fired_at.is_(None) & DEADLINES.c.cancelled_at.is_(None)
        query = (
            select(
                DEADLINES.c.kind,
                func.count(),
                func.count().filter(DEADLINES.c.due_at < late_before),
            )
            .where(pending, DEADLINES.c.due_at <= now)
            .group_by(DEADLINES.c.kind)
        )
        return [(kind, int(due), int(late)) for kind, due, late in (await self._session.execute(query)).all()]
