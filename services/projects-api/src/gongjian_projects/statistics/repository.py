from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from gongjian_projects.models import (
    AnnualTarget,
    Leader,
    ProgressReport,
    Project,
    ProjectLeader,
    ProjectMonthPlan,
    ProjectWarning,
    Unit,
)
from gongjian_shared.repository import Repository


class StatisticsRepository(Repository):
    async def project_figures(self, year: int, month: int) -> Sequence[Any]:
        """Every project of the year's adjusted plan with its accepted 万元 and monthly plan up to the month."""
        report = aliased(ProgressReport)
        completed = (
            select(func.coalesce(func.sum(report.completed_10k + report.adjustment_10k), 0))
            .where(
                report.project_id == Project.id,
                report.year == year,
                report.month <= month,
                report.status == "accepted",
            )
            .scalar_subquery()
        )
        planned = (
            select(func.sum(ProjectMonthPlan.planned_10k))
            .where(ProjectMonthPlan.project_id == Project.id, ProjectMonthPlan.month <= month)
            .scalar_subquery()
        )
        query = (
            select(
                Project.id,
                Project.name,
                Project.unit_id,
                Project.kind,
                Project.plan_category,
                Project.status,
                Project.started_on,
                Project.completed_on,
                Project.planned_investment_10k,
                planned.label("planned_ytd"),
                completed.label("completed_ytd"),
            )
            .where(Project.year == year, Project.status != "removed")
            .order_by(Project.unit_id, Project.id)
        )
        return (await self._session.execute(query)).all()

    async def units(self) -> Sequence[Unit]:
        return (await self._session.execute(select(Unit).order_by(Unit.name))).scalars().all()

    async def targets(self, year: int) -> Sequence[AnnualTarget]:
        return (
            (await self._session.execute(select(AnnualTarget).where(AnnualTarget.year == year)))
            .scalars()
            .all()
        )

    async def leader_links(self, year: int) -> Sequence[Any]:
        query = (
            select(Leader.id, Leader.name, ProjectLeader.project_id)
            .join(ProjectLeader, ProjectLeader.leader_id == Leader.id)
            .join(Project, Project.id == ProjectLeader.project_id)
            .where(Project.year == year)
            .order_by(Leader.name, Leader.id)
        )
        return (await self._session.execute(query)).all()

    async def red_projects(self, year: int) -> Sequence[Any]:
        query = (
            select(
                Project.id,
                Project.name,
                Unit.name,
                ProjectWarning.completion_share_percent,
                ProjectWarning.reason,
            )
            .join(ProjectWarning, ProjectWarning.project_id == Project.id)
            .join(Unit, Unit.id == Project.unit_id)
            .where(
                Project.year == year,
                ProjectWarning.colour == "red",
                Project.status.in_(("planned", "started")),
            )
            .order_by(Unit.name, Project.name)
        )
        return (await self._session.execute(query)).all()
