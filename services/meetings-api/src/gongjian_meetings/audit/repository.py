from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from gongjian_meetings.models import Action
from gongjian_shared.repository import Repository


class ActionRepository(Repository):
    async def for_meeting(self, meeting_id: uuid.UUID) -> Sequence[Action]:
        query = select(Action).where(Action.meeting_id == meeting_id).order_by(Action.id)
        return (await self._session.execute(query)).scalars().all()
