from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_scoring.models import ProjectInvestment


class InvestmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(
        self,
        *,
        project_id: uuid.UUID,
        unit_id: uuid.UUID,
        year: int,
        month: int,
        year_to_date_10k: Decimal,
        cumulative_10k: Decimal,
    ) -> None:
        """Keep the figures of the latest month; an older month arriving late changes nothing."""
        statement = insert(ProjectInvestment).values(
            project_id=project_id,
            unit_id=unit_id,
            year=year,
            month=month,
            year_to_date_10k=year_to_date_10k,
            cumulative_10k=cumulative_10k,
        )
        statement = statement.on_conflict_do_update(
            index_elements=[ProjectInvestment.project_id, ProjectInvestment.year],
            set_={
                "unit_id": statement.excluded.unit_id,
                "month": statement.excluded.month,
                "year_to_date_10k": statement.excluded.year_to_date_10k,
                "cumulative_10k": statement.excluded.cumulative_10k,
                "updated_at": func.now(),
            },
            where=ProjectInvestment.month <= statement.excluded.month,
        )
        await self._session.execute(statement)

    async def unit_completed(self, unit_id: uuid.UUID, year: int) -> tuple[Decimal, int]:
        query = select(func.coalesce(func.sum(ProjectInvestment.year_to_date_10k), 0), func.count()).where(
            ProjectInvestment.unit_id == unit_id, ProjectInvestment.year == year
        )
        total, projects = (await self._session.execute(query)).one()
        return Decimal(total), int(projects)
