from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.dialects.postgresql import insert

from gongjian_projects.models import Leader, Project, ProjectLeader, ProjectWarning, Unit, WarningThresholds
from gongjian_shared.repository import Repository

JUDGED_STATUSES = ("planned", "started")


class WarningRepository(Repository):
    async def thresholds(self, year: int, *, for_update: bool = False) -> WarningThresholds | None:
        query = select(WarningThresholds).where(WarningThresholds.year == year)
        if for_update:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def warning(self, project_id: uuid.UUID) -> ProjectWarning | None:
        return await self._session.get(ProjectWarning, project_id, with_for_update=True)

    async def save(self, values: dict[str, Any]) -> None:
        statement = insert(ProjectWarning).values(**values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[ProjectWarning.project_id],
                set_={name: statement.excluded[name] for name in values if name != "project_id"},
            )
        )

    async def judged_projects(self, year: int) -> Sequence[Project]:
        """Key projects of the year still on the plan and not completed, in a stable order."""
        query = (
            select(Project)
            .where(Project.year == year, Project.kind == "key", Project.status.in_(JUDGED_STATUSES))
            .order_by(Project.id)
        )
        return (await self._session.execute(query)).scalars().all()

    async def leader_ids(self, project_id: uuid.UUID) -> list[uuid.UUID]:
        query = (
            select(ProjectLeader.leader_id)
            .where(ProjectLeader.project_id == project_id)
            .order_by(ProjectLeader.position)
        )
        return list((await self._session.execute(query)).scalars())

    async def of_year(
        self, year: int, colour: str | None, visible: ColumnElement[bool] | None
    ) -> Sequence[Any]:
        """The year's judged key projects with their colour; `visible` narrows to the caller's projects."""
        query = (
            select(ProjectWarning, Project.name, Project.unit_id)
            .join(Project, Project.id == ProjectWarning.project_id)
            .where(Project.year == year, Project.kind == "key", Project.status.in_(JUDGED_STATUSES))
            .order_by(ProjectWarning.colour.desc(), Project.name)
        )
        if colour is not None:
            query = query.where(ProjectWarning.colour == colour)
        if visible is not None:
            query = query.where(visible)
        return (await self._session.execute(query)).all()

    async def counts_by_unit(self, year: int) -> Sequence[Any]:
        colour = func.coalesce(ProjectWarning.colour, "unjudged")
        query = (
            select(Unit.id, Unit.name, colour, func.count())
            .select_from(Project)
            .join(Unit, Unit.id == Project.unit_id)
            .outerjoin(ProjectWarning, ProjectWarning.project_id == Project.id)
            .where(Project.year == year, Project.kind == "key", Project.status.in_(JUDGED_STATUSES))
            .group_by(Unit.id, Unit.name, colour)
            .order_by(Unit.name)
        )
        return (await self._session.execute(query)).all()

    async def counts_by_leader(self, year: int) -> Sequence[Any]:
        colour = func.coalesce(ProjectWarning.colour, "unjudged")
        query = (
            select(Leader.id, Leader.name, colour, func.count())
            .select_from(ProjectLeader)
            .join(Leader, Leader.id == ProjectLeader.leader_id)
            .join(Project, Project.id == ProjectLeader.project_id)
            .outerjoin(ProjectWarning, ProjectWarning.project_id == Project.id)
            .where(Project.year == year, Project.kind == "key", Project.status.in_(JUDGED_STATUSES))
            .group_by(Leader.id, Leader.name, colour)
            .order_by(Leader.name)
        )
        return (await self._session.execute(query)).all()
