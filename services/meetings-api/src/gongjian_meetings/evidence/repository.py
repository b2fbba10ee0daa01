from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import select

from gongjian_meetings.models import Evidence, Feedback
from gongjian_shared.repository import ModelRepository


class EvidenceRepository(ModelRepository[Evidence]):
    model = Evidence

    async def save(self, evidence: Evidence) -> None:
        self.add(evidence)
        await self.flush()

    async def of_owner(self, owner_kind: str, owner_id: uuid.UUID) -> Sequence[Evidence]:
        query = (
            select(Evidence)
            .where(Evidence.owner_kind == owner_kind, Evidence.owner_id == owner_id)
            .order_by(Evidence.uploaded_at, Evidence.id)
        )
        return (await self._session.execute(query)).scalars().all()

    async def one_of_owner(
        self, owner_kind: str, owner_id: uuid.UUID, evidence_id: uuid.UUID
    ) -> Evidence | None:
        query = select(Evidence).where(
            Evidence.id == evidence_id, Evidence.owner_kind == owner_kind, Evidence.owner_id == owner_id
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def known_keys(self, keys: Collection[str]) -> set[str]:
        query = select(Evidence.storage_key).where(Evidence.storage_key.in_(list(keys)))
        return set((await self._session.execute(query)).scalars().all())

    async def feedback(self, resolution_id: uuid.UUID, feedback_id: uuid.UUID) -> Feedback | None:
        query = select(Feedback).where(Feedback.id == feedback_id, Feedback.resolution_id == resolution_id)
        return (await self._session.execute(query)).scalar_one_or_none()
