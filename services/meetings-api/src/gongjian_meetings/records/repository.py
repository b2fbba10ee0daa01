from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select

from gongjian_meetings.models import Attendance
from gongjian_shared.repository import Repository


class AttendanceRepository(Repository):
    async def for_meeting(self, meeting_id: uuid.UUID) -> Sequence[Attendance]:
        query = select(Attendance).where(Attendance.meeting_id == meeting_id).order_by(Attendance.unit_id)
        return (await self._session.execute(query)).scalars().all()

    async def replace(self, meeting_id: uuid.UUID, entries: Sequence[Attendance]) -> None:
        await self._session.execute(delete(Attendance).where(Attendance.meeting_id == meeting_id))
        self.add_all(entries)
        await self.flush()
