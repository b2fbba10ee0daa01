from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.dialects.postgresql import insert

from gongjian_meetings.access import BodyFilter
from gongjian_meetings.models import MeetingBody
from gongjian_shared.repository import ModelRepository


def visible_bodies(bodies: BodyFilter) -> ColumnElement[bool]:
    """The SQL twin of `access.sees` for a body: the city body, and those of the caller's county."""
    clauses: list[ColumnElement[bool]] = []
    if bodies.city:
        clauses.append(MeetingBody.unit_id.is_(None))
    if bodies.unit_ids:
        clauses.append(MeetingBody.unit_id.in_(list(bodies.unit_ids)))
    return or_(*clauses) if clauses else false()


class BodyRepository(ModelRepository[MeetingBody]):
    model = MeetingBody

    async def many(self, body_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, MeetingBody]:
        rows = await self._session.execute(select(MeetingBody).where(MeetingBody.id.in_(body_ids)))
        return {body.id: body for body in rows.scalars()}

    async def city(self) -> MeetingBody | None:
        query = select(MeetingBody).where(MeetingBody.level == "city")
        return (await self._session.execute(query)).scalar_one_or_none()

    async def list(self, bodies: BodyFilter | None = None) -> Sequence[MeetingBody]:
        """Every body, or (with `bodies`) those a caller sees."""
        query = select(MeetingBody).order_by(MeetingBody.level, MeetingBody.name)
        if bodies is not None:
            query = query.where(visible_bodies(bodies))
        return (await self._session.execute(query)).scalars().all()

    async def ensure(self, *, level: str, unit_id: uuid.UUID | None, name: str) -> None:
        """Create the body if missing; concurrent consumers may race, so the database decides."""
        statement = insert(MeetingBody).values(
            id=uuid.uuid4(),
            level=level,
            unit_id=unit_id,
            name=name,
            series_active=False,
            series_interval_months=2,
            series_first_month=1,
            series_week=2,
            series_weekday=3,
            series_horizon_months=6,
            topic_days=10,
            agenda_days=7,
            circulation_days=3,
            reminder_hour=9,
            skip_holidays=False,
            overdue_every_days=3,
            revision=1,
        )
        await self._session.execute(statement.on_conflict_do_nothing())
