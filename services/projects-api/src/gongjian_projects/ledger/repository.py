from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_projects.models import Obstacle, ObstacleAction


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, obstacle_id: uuid.UUID, *, for_update: bool = False) -> Obstacle | None:
        query = select(Obstacle).where(Obstacle.id == obstacle_id)
        if for_update:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def actions(self, obstacle_ids: Sequence[uuid.UUID]) -> Sequence[ObstacleAction]:
        query = select(ObstacleAction).where(ObstacleAction.obstacle_id.in_(list(obstacle_ids)))
        return (await self._session.execute(query.order_by(ObstacleAction.seq))).scalars().all()

    async def page(
        self,
        *,
        visible_project_ids: Select[Any] | None,
        helping_unit_id: uuid.UUID | None,
        project_id: uuid.UUID | None,
        unit_id: uuid.UUID | None,
        status: str | None,
        category: str | None,
        overdue_on: date | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[Obstacle], int]:
        query = select(Obstacle)
        if visible_project_ids is not None:
            visible: ColumnElement[bool] = Obstacle.project_id.in_(visible_project_ids)
            if helping_unit_id is not None:
                visible = or_(visible, Obstacle.responsible_unit_id == helping_unit_id)
            query = query.where(visible)
        for column, value in (
            (Obstacle.project_id, project_id),
            (Obstacle.unit_id, unit_id),
            (Obstacle.status, status),
            (Obstacle.category, category),
        ):
            if value is not None:
                query = query.where(column == value)
        if overdue_on is not None:
            query = query.where(Obstacle.due_on < overdue_on, Obstacle.status.in_(("open", "in-progress")))
        total = await self._session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self._session.execute(query.order_by(Obstacle.seq.desc()).limit(limit).offset(offset))
        return rows.scalars().all(), int(total or 0)

    def add(self, row: Obstacle | ObstacleAction) -> None:
        self._session.add(row)

    async def flush(self) -> None:
        await self._session.flush()
