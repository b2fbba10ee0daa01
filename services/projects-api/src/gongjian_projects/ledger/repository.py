from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select

from gongjian_projects.models import Obstacle, ObstacleAction
from gongjian_shared.repository import ModelRepository


class LedgerRepository(ModelRepository[Obstacle]):
    model = Obstacle

    async def actions(self, obstacle_ids: Sequence[uuid.UUID]) -> Sequence[ObstacleAction]:
        query = select(ObstacleAction).where(ObstacleAction.obstacle_id.in_(list(obstacle_ids)))
        return (await self._session.execute(query.order_by(ObstacleAction.seq))).scalars().all()

    async def has_resolution_action(self, obstacle_id: uuid.UUID, resolution_id: uuid.UUID) -> bool:
        query = select(ObstacleAction.id).where(
            ObstacleAction.obstacle_id == obstacle_id, ObstacleAction.resolution_id == resolution_id
        )
        return (await self._session.execute(query.limit(1))).first() is not None

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
