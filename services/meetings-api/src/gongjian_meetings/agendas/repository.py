from __future__ import annotations

import uuid

from sqlalchemy import select

from gongjian_meetings.models import Agenda
from gongjian_shared.repository import Repository


class AgendaRepository(Repository):
    """Agendas by their meeting (one agenda a meeting, keyed by `meeting_id`)."""

    async def get(self, meeting_id: uuid.UUID, *, for_update: bool = False) -> Agenda | None:
        query = select(Agenda).where(Agenda.meeting_id == meeting_id)
        if for_update:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def get_or_add(self, meeting_id: uuid.UUID) -> Agenda:
        agenda = await self.get(meeting_id, for_update=True)
        if agenda is None:
            agenda = Agenda(meeting_id=meeting_id, version=0, status="draft", topic_ids=[])
            self.add(agenda)
            await self.flush()
        return agenda
