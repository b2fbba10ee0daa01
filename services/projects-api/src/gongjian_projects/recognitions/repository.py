from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_projects.models import Recognition


class RecognitionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, recognition_id: uuid.UUID, *, for_update: bool = False) -> Recognition | None:
        query = select(Recognition).where(Recognition.id == recognition_id)
        if for_update:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def open_application(self, project_id: uuid.UUID, kind: str) -> Recognition | None:
        query = select(Recognition).where(
            Recognition.project_id == project_id, Recognition.kind == kind, Recognition.status == "applied"
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def of_project(self, project_id: uuid.UUID) -> Sequence[Recognition]:
        query = select(Recognition).where(Recognition.project_id == project_id).order_by(Recognition.seq)
        return (await self._session.execute(query)).scalars().all()

    def add(self, recognition: Recognition) -> None:
        self._session.add(recognition)

    async def flush(self) -> None:
        await self._session.flush()
