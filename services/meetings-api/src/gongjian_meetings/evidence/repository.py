from __future__ import annotations

import uuid

from sqlalchemy import select

from gongjian_meetings.models import Evidence, Feedback
from gongjian_shared.evidence.repository import EvidenceRows


class EvidenceRepository(EvidenceRows[Evidence]):
    model = Evidence

    async def feedback(self, resolution_id: uuid.UUID, feedback_id: uuid.UUID) -> Feedback | None:
        query = select(Feedback).where(Feedback.id == feedback_id, Feedback.resolution_id == resolution_id)
        return (await self._session.execute(query)).scalar_one_or_none()
