from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import aliased

from gongjian_projects.models import (
    AnnualTarget,
    Leader,
    ProgressReport,
    Project,
    ProjectLeader,
    ProjectMonthPlan,
    ProjectWarning,
    PublishedBulletin,
    StatisticsSnapshot,
    Unit,
)
from gongjian_shared.repository import Repository


def on_plan_at(cut: date) -> ColumnElement[bool]:
    """On the plan at the end of the day before `cut` (spec A8, A13): a project taken off the plan counts
    until its removal date, and from that date leaves numerator and denominator alike."""
    return or_(Project.status != "removed", Project.removed_on.is_(None), Project.removed_on >= cut)


def not_completed_at(cut: date) -> ColumnElement[bool]:
    return or_(Project.completed_on.is_(None), Project.completed_on >= cut)


class StatisticsRepository(Repository):
    async def project_figures(self, year: int, month: int, cut: date) -> Sequence[Any]:
        """Every project on the year's adjusted plan at `cut` (the day after the month's end), with its
        accepted 万元 and monthly plan up to the month."""
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
                Project.total_investment_10k,
                Project.capital_origin,
                Project.funds_in_place_10k,
                planned.label("planned_ytd"),
                completed.label("completed_ytd"),
            )
            .where(Project.year == year, on_plan_at(cut))
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

    async def red_projects(self, year: int, month: int, cut: date) -> Sequence[Any]:
        """Projects whose colour judged at the month's end or earlier is red, on the plan and not completed
        then. A project judged after the month has no colour of the month here (its history is not kept):
        the published snapshot of a frozen month is what carries the colours of that month."""
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
                ProjectWarning.month <= month,
                on_plan_at(cut),
                not_completed_at(cut),
            )
            .order_by(Unit.name, Project.name)
        )
        return (await self._session.execute(query)).all()

    async def snapshot(self, year: int, month: int) -> StatisticsSnapshot | None:
        return await self._session.get(StatisticsSnapshot, (year, month))

    async def bulletin(self, year: int, quarter: int) -> PublishedBulletin | None:
        return await self._session.get(PublishedBulletin, (year, quarter))
