from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_meetings.models import Action


class ActionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, action: Action) -> None:
        self._session.add(action)

    async def for_meeting(self, meeting_id: uuid.UUID) -> Sequence[Action]:
        query = select(Action).where(Action.meeting_id == meeting_id).order_by(Action.id)
        return (await self._session.execute(query)).scalars().all()
