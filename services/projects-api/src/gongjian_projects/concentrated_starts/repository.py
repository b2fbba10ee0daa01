from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, func, select

from gongjian_projects.models import ConcentratedStart, ConcentratedStartProject, Project, Unit
from gongjian_shared.repository import ModelRepository


class ConcentratedStartRepository(ModelRepository[ConcentratedStart]):
    model = ConcentratedStart

    async def projects(self, project_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Project]:
        query = select(Project).where(Project.id.in_(list(project_ids)))
        return {project.id: project for project in (await self._session.execute(query)).scalars()}

    async def already_declared(
        self, project_ids: Sequence[uuid.UUID], year: int, quarter: int
    ) -> set[uuid.UUID]:
        """Those of the projects in a batch of the quarter already."""
        query = select(ConcentratedStartProject.project_id).where(
            ConcentratedStartProject.project_id.in_(list(project_ids)),
            ConcentratedStartProject.year == year,
            ConcentratedStartProject.quarter == quarter,
        )
        return set((await self._session.execute(query)).scalars())

    async def entry(
        self, concentrated_start_id: uuid.UUID, project_id: uuid.UUID
    ) -> ConcentratedStartProject | None:
        query = (
            select(ConcentratedStartProject)
            .where(
                ConcentratedStartProject.concentrated_start_id == concentrated_start_id,
                ConcentratedStartProject.project_id == project_id,
            )
            .with_for_update()
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def listing(
        self,
        visible: ColumnElement[bool] | None,
        *,
        year: int | None = None,
        quarter: int | None = None,
        concentrated_start_id: uuid.UUID | None = None,
    ) -> Sequence[Any]:
        """(batch, entry, project name, unit id, unit name, recognised start) of the projects `visible`
        (None: all), batches in declaration order, projects in the order declared."""
        query = (
            select(
                ConcentratedStart,
                ConcentratedStartProject,
                Project.name,
                Project.unit_id,
                Unit.name,
                Project.started_on,
            )
            .join(
                ConcentratedStartProject,
                ConcentratedStartProject.concentrated_start_id == ConcentratedStart.id,
            )
            .join(Project, Project.id == ConcentratedStartProject.project_id)
            .join(Unit, Unit.id == Project.unit_id)
            .order_by(ConcentratedStart.seq, ConcentratedStartProject.position)
        )
        if year is not None:
            query = query.where(ConcentratedStart.year == year)
        if quarter is not None:
            query = query.where(ConcentratedStart.quarter == quarter)
        if concentrated_start_id is not None:
            query = query.where(ConcentratedStart.id == concentrated_start_id)
        if visible is not None:
            query = query.where(visible)
        return (await self._session.execute(query)).all()

    async def counts(
        self, year: int, quarter: int, quarter_end: date, visible: ColumnElement[bool] | None
    ) -> Sequence[Any]:
        """Per unit: (unit id, name, declared, confirmed, declined, started by the quarter's end)."""

        def answered(answer: str) -> Any:
            return func.sum((ConcentratedStartProject.answer == answer).cast(Integer))

        started = func.sum((Project.started_on <= quarter_end).cast(Integer))
        query = (
            select(
                Unit.id,
                Unit.name,
                func.count(),
                answered("confirmed"),
                answered("declined"),
                func.coalesce(started, 0),
            )
            .select_from(ConcentratedStartProject)
            .join(Project, Project.id == ConcentratedStartProject.project_id)
            .join(Unit, Unit.id == Project.unit_id)
            .where(ConcentratedStartProject.year == year, ConcentratedStartProject.quarter == quarter)
            .group_by(Unit.id, Unit.name)
            .order_by(Unit.name)
        )
        if visible is not None:
            query = query.where(visible)
        return (await self._session.execute(query)).all()
