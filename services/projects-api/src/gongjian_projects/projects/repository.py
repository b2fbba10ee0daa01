from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_projects.models import Project


class ProjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, project_id: uuid.UUID, *, for_update: bool = False) -> Project | None:
        query = select(Project).where(Project.id == project_id)
        if for_update:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def by_code(self, code: str) -> Project | None:
        return (await self._session.execute(select(Project).where(Project.code == code))).scalar_one_or_none()

    async def list(
        self, *, unit_ids: list[uuid.UUID] | None, year: int | None, kind: str | None, limit: int, offset: int
    ) -> tuple[list[Project], int]:
        query = select(Project)
        if unit_ids is not None:
            query = query.where(Project.unit_id.in_(unit_ids))
        if year is not None:
            query = query.where(Project.year == year)
        if kind is not None:
            query = query.where(Project.kind == kind)
        total = await self._session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self._session.execute(
            query.order_by(Project.year.desc(), Project.name).limit(limit).offset(offset)
        )
        return list(rows.scalars().all()), int(total or 0)

    def add(self, project: Project) -> None:
        self._session.add(project)

    async def flush(self) -> None:
        await self._session.flush()
