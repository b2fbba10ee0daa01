"""All SQL of the provincial exchange: batches and their rows, the province's figures, and what they are
matched and reconciled against (plan entries by code, the units' monthly reports)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import or_, select

from gongjian_projects.models import (
    ProgressReport,
    Project,
    ProvincialBatch,
    ProvincialFigure,
    ProvincialRow,
)
from gongjian_shared.repository import ModelRepository


class ProvincialRepository(ModelRepository[ProvincialBatch]):
    model = ProvincialBatch

    async def batch_by_sha256(self, sha256: str) -> ProvincialBatch | None:
        query = select(ProvincialBatch).where(ProvincialBatch.sha256 == sha256)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def rows_of(self, batch_id: uuid.UUID) -> Sequence[ProvincialRow]:
        query = (
            select(ProvincialRow).where(ProvincialRow.batch_id == batch_id).order_by(ProvincialRow.row_number)
        )
        return (await self._session.execute(query)).scalars().all()

    async def entries_by_code(self, year: int, codes: Collection[str]) -> Sequence[Project]:
        """The year's plan entries carrying any of the codes, as their code or their pre-2020 code."""
        if not codes:
            return []
        query = select(Project).where(
            Project.year == year, or_(Project.code.in_(list(codes)), Project.legacy_code.in_(list(codes)))
        )
        return (await self._session.execute(query)).scalars().all()

    async def entries(self, project_ids: Collection[uuid.UUID]) -> Sequence[Project]:
        if not project_ids:
            return []
        query = select(Project).where(Project.id.in_(list(project_ids)))
        return (await self._session.execute(query)).scalars().all()

    async def plan_entries(self, year: int, month_start: date) -> Sequence[Project]:
        """The year's key projects still on the plan in the month (a removal dated before it takes one off)."""
        query = (
            select(Project)
            .where(
                Project.year == year,
                Project.kind == "key",
                or_(Project.removed_on.is_(None), Project.removed_on >= month_start),
            )
            .order_by(Project.unit_id, Project.code, Project.name)
        )
        return (await self._session.execute(query)).scalars().all()

    async def reports(
        self, year: int, month: int, project_ids: Collection[uuid.UUID] | None = None
    ) -> dict[uuid.UUID, ProgressReport]:
        """The units' own reports of the month (our side), returned ones left out."""
        query = select(ProgressReport).where(
            ProgressReport.year == year, ProgressReport.month == month, ProgressReport.status != "returned"
        )
        if project_ids is not None:
            query = query.where(ProgressReport.project_id.in_(list(project_ids)))
        return {report.project_id: report for report in (await self._session.execute(query)).scalars()}

    async def figures(
        self,
        year: int,
        month: int,
        project_ids: Collection[uuid.UUID] | None = None,
        *,
        for_update: bool = False,
    ) -> dict[uuid.UUID, ProvincialFigure]:
        query = select(ProvincialFigure).where(ProvincialFigure.year == year, ProvincialFigure.month == month)
        if project_ids is not None:
            query = query.where(ProvincialFigure.project_id.in_(list(project_ids)))
        if for_update:
            query = query.order_by(ProvincialFigure.project_id).with_for_update()
        return {figure.project_id: figure for figure in (await self._session.execute(query)).scalars()}
