from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from gongjian_projects.models import Recognition
from gongjian_shared.repository import ModelRepository


class RecognitionRepository(ModelRepository[Recognition]):
    model = Recognition

    async def open_application(self, project_id: uuid.UUID, kind: str) -> Recognition | None:
        query = select(Recognition).where(
            Recognition.project_id == project_id, Recognition.kind == kind, Recognition.status == "applied"
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def of_project(self, project_id: uuid.UUID) -> Sequence[Recognition]:
        query = select(Recognition).where(Recognition.project_id == project_id).order_by(Recognition.seq)
        return (await self._session.execute(query)).scalars().all()
