from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import select

from gongjian_meetings.access import BodyFilter
from gongjian_meetings.bodies.repository import visible_bodies
from gongjian_meetings.models import Meeting, MeetingBody
from gongjian_shared.pagination import Paging, fetch_page
from gongjian_shared.repository import ModelRepository


class MeetingRepository(ModelRepository[Meeting]):
    model = Meeting

    async def get_with_body(
        self, meeting_id: uuid.UUID, *, for_update: bool = False
    ) -> tuple[Meeting, MeetingBody] | None:
        """The meeting and its body in one round trip (the body decides who may see and run it)."""
        query = select(Meeting, MeetingBody).join(MeetingBody).where(Meeting.id == meeting_id)
        if for_update:
            query = query.with_for_update(of=Meeting)
        row = (await self._session.execute(query)).first()
        return (row[0], row[1]) if row else None

    async def many(
        self, meeting_ids: Iterable[uuid.UUID], *, lock_skipping: bool = False
    ) -> dict[uuid.UUID, Meeting]:
        """Meetings by id; with `lock_skipping`, only those no other transaction holds, locked."""
        query = select(Meeting).where(Meeting.id.in_(list(meeting_ids)))
        if lock_skipping:
            query = query.order_by(Meeting.id).with_for_update(skip_locked=True)
        return {meeting.id: meeting for meeting in (await self._session.execute(query)).scalars()}

    async def list(
        self,
        *,
        bodies: BodyFilter | None,
        body_id: uuid.UUID | None,
        state: str | None,
        held_from: date | None,
        held_to: date | None,
        paging: Paging,
    ) -> tuple[Sequence[tuple[Meeting, MeetingBody]], int]:
        """One page of meetings with their bodies, and how many match; `bodies` None means every body (the
        office, conveners)."""
        query = (
            select(Meeting, MeetingBody)
            .join(MeetingBody)
            .order_by(Meeting.held_on, Meeting.created_at, Meeting.id)
        )
        if bodies is not None:
            query = query.where(visible_bodies(bodies))
        if body_id is not None:
            query = query.where(Meeting.body_id == body_id)
        if state is not None:
            query = query.where(Meeting.state == state)
        if held_from is not None:
            query = query.where(Meeting.held_on >= held_from)
        if held_to is not None:
            query = query.where(Meeting.held_on <= held_to)
        rows, total = await fetch_page(self._session, query, paging)
        return [(row[0], row[1]) for row in rows], total

    async def series_keys(self, body_id: uuid.UUID) -> set[str]:
        query = select(Meeting.series_key).where(Meeting.body_id == body_id, Meeting.series_key.is_not(None))
        return {str(key) for key in (await self._session.execute(query)).scalars()}

    async def next_open(self, body_id: uuid.UUID, states: Sequence[str]) -> Meeting | None:
        query = (
            select(Meeting)
            .where(Meeting.body_id == body_id, Meeting.state.in_(states))
            .order_by(Meeting.held_on)
            .limit(1)
        )
        return (await self._session.execute(query)).scalar_one_or_none()
