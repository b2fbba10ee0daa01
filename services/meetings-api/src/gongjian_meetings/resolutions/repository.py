from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, Uuid, any_, func, literal, or_, select

from gongjian_meetings.models import Escalation, Feedback, Meeting, MeetingBody, Resolution
from gongjian_shared.pagination import Paging, fetch_page
from gongjian_shared.repository import ModelRepository


class ResolutionRepository(ModelRepository[Resolution]):
    model = Resolution

    async def get_with_body(
        self, resolution_id: uuid.UUID, *, for_update: bool = False
    ) -> tuple[Resolution, MeetingBody] | None:
        """The resolution and its meeting's body in one round trip (the body decides who runs it)."""
        query = (
            select(Resolution, MeetingBody)
            .join(Meeting, Meeting.id == Resolution.meeting_id)
            .join(MeetingBody, MeetingBody.id == Meeting.body_id)
            .where(Resolution.id == resolution_id)
        )
        if for_update:
            query = query.with_for_update(of=Resolution)
        row = (await self._session.execute(query)).first()
        return (row[0], row[1]) if row else None

    async def many(
        self, resolution_ids: Iterable[uuid.UUID], *, lock_skipping: bool = False
    ) -> dict[uuid.UUID, Resolution]:
        query = select(Resolution).where(Resolution.id.in_(list(resolution_ids)))
        if lock_skipping:
            query = query.order_by(Resolution.id).with_for_update(skip_locked=True)
        return {r.id: r for r in (await self._session.execute(query)).scalars()}

    async def for_meeting(
        self, meeting_id: uuid.UUID, *, unit_id: uuid.UUID | None = None
    ) -> Sequence[Resolution]:
        query = select(Resolution).where(Resolution.meeting_id == meeting_id).order_by(Resolution.number)
        if unit_id is not None:
            query = query.where(self._involves(unit_id))
        return (await self._session.execute(query)).scalars().all()

    async def page_for_unit(
        self,
        unit_id: uuid.UUID | None,
        *,
        status: str | None,
        paging: Paging,
        every: bool = False,
        run_unit_ids: Iterable[uuid.UUID] = (),
    ) -> tuple[Sequence[Resolution], int]:
        """One page of every resolution (`every`), or of those `unit_id` is responsible for and those of the
        meetings of the bodies of `run_unit_ids` (the county bodies a unit-admin runs); and how many match."""
        query = select(Resolution).order_by(Resolution.due_on, Resolution.number, Resolution.id)
        if not every:
            clauses: list[ColumnElement[bool]] = []
            if unit_id is not None:
                clauses.append(self._involves(unit_id))
            bodies = list(run_unit_ids)
            if bodies:
                clauses.append(
                    Resolution.meeting_id.in_(
                        select(Meeting.id).join(MeetingBody).where(MeetingBody.unit_id.in_(bodies))
                    )
                )
            if not clauses:
                return [], 0
            query = query.where(or_(*clauses))
        if status is not None:
            query = query.where(Resolution.status == status)
        rows, total = await fetch_page(self._session, query, paging)
        return [row[0] for row in rows], total

    @staticmethod
    def _involves(unit_id: uuid.UUID) -> ColumnElement[bool]:
        return or_(
            Resolution.lead_unit_id == unit_id, literal(unit_id, Uuid) == any_(Resolution.supporting_unit_ids)
        )

    async def next_number(self, meeting_id: uuid.UUID) -> int:
        query = select(func.coalesce(func.max(Resolution.number), 0)).where(
            Resolution.meeting_id == meeting_id
        )
        return int(await self._session.scalar(query) or 0) + 1

    async def open_count(self, meeting_id: uuid.UUID) -> int:
        query = select(func.count()).where(Resolution.meeting_id == meeting_id, Resolution.status == "open")
        return int(await self._session.scalar(query) or 0)

    async def feedback(self, resolution_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Feedback]]:
        ids = list(resolution_ids)
        found: dict[uuid.UUID, list[Feedback]] = {rid: [] for rid in ids}
        if ids:
            query = select(Feedback).where(Feedback.resolution_id.in_(ids)).order_by(Feedback.submitted_at)
            for item in (await self._session.execute(query)).scalars():
                found[item.resolution_id].append(item)
        return found

    async def get_feedback(self, feedback_id: uuid.UUID, *, for_update: bool = False) -> Feedback | None:
        query = select(Feedback).where(Feedback.id == feedback_id)
        if for_update:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def escalations(self, resolution_id: uuid.UUID) -> Sequence[Escalation]:
        query = select(Escalation).where(Escalation.resolution_id == resolution_id).order_by(Escalation.step)
        return (await self._session.execute(query)).scalars().all()
