from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_projects.models import ProgressReport


class ProgressReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, report_id: uuid.UUID, *, for_update: bool = False) -> ProgressReport | None:
        query = select(ProgressReport).where(ProgressReport.id == report_id)
        if for_update:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def for_month(self, project_id: uuid.UUID, year: int, month: int) -> ProgressReport | None:
        query = select(ProgressReport).where(
            ProgressReport.project_id == project_id,
            ProgressReport.year == year,
            ProgressReport.month == month,
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def latest_before(self, project_id: uuid.UUID, year: int, month: int) -> ProgressReport | None:
        period = ProgressReport.year * 12 + ProgressReport.month
        query = (
            select(ProgressReport)
            .where(ProgressReport.project_id == project_id, period < year * 12 + month)
            .order_by(period.desc())
            .limit(1)
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def earliest_after(self, project_id: uuid.UUID, year: int, month: int) -> ProgressReport | None:
        period = ProgressReport.year * 12 + ProgressReport.month
        query = (
            select(ProgressReport)
            .where(ProgressReport.project_id == project_id, period > year * 12 + month)
            .order_by(period)
            .limit(1)
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def year_to_date(self, project_id: uuid.UUID, year: int, month: int) -> Decimal:
        query = select(func.coalesce(func.sum(ProgressReport.completed_10k), 0)).where(
            ProgressReport.project_id == project_id,
            ProgressReport.year == year,
            ProgressReport.month <= month,
        )
        return Decimal(await self._session.scalar(query) or 0)

    def add(self, report: ProgressReport) -> None:
        self._session.add(report)

    async def flush(self) -> None:
        await self._session.flush()
