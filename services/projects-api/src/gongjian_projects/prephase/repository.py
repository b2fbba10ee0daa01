from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from gongjian_projects.models import PROCEDURES, PrephaseProcedure
from gongjian_shared.repository import Repository


class PrephaseRepository(Repository):
    async def ensure(self, project_id: uuid.UUID) -> None:
        """Every procedure has a row (required, not started) from the first time anyone asks."""
        rows = [
            {"project_id": project_id, "procedure": name, "required": True, "status": "not-started"}
            for name in PROCEDURES
        ]
        await self._session.execute(insert(PrephaseProcedure).values(rows).on_conflict_do_nothing())

    async def of_project(self, project_id: uuid.UUID) -> Sequence[PrephaseProcedure]:
        query = select(PrephaseProcedure).where(PrephaseProcedure.project_id == project_id)
        rows = (await self._session.execute(query.execution_options(populate_existing=True))).scalars().all()
        order = {name: index for index, name in enumerate(PROCEDURES)}
        return sorted(rows, key=lambda row: order[row.procedure])

    async def get(self, project_id: uuid.UUID, procedure: str) -> PrephaseProcedure | None:
        query = select(PrephaseProcedure).where(
            PrephaseProcedure.project_id == project_id, PrephaseProcedure.procedure == procedure
        )
        return (await self._session.execute(query.with_for_update())).scalar_one_or_none()
