from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import aliased

from gongjian_projects.models import (
    Deadline,
    FrozenFigure,
    ProgressReport,
    Project,
    ReportingMonth,
    Unit,
    UnitContact,
)
from gongjian_shared.repository import Repository

OWING_STATUSES = ("planned", "started")


def _year_to_date(report: Any) -> Any:
    """Accepted 万元 of the report's project in its year up to its month (corrections included)."""
    earlier = aliased(ProgressReport)
    return (
        select(func.coalesce(func.sum(earlier.completed_10k + earlier.adjustment_10k), 0))
        .where(
            earlier.project_id == report.project_id,
            earlier.year == report.year,
            earlier.month <= report.month,
            earlier.status == "accepted",
        )
        .scalar_subquery()
    )


class ReportingRepository(Repository):
    async def get(self, year: int, month: int, *, for_update: bool = False) -> ReportingMonth | None:
        query = select(ReportingMonth).where(ReportingMonth.year == year, ReportingMonth.month == month)
        if for_update:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def insert_if_missing(self, values: dict[str, Any]) -> None:
        statement = pg_insert(ReportingMonth).values(**values).on_conflict_do_nothing()
        await self._session.execute(statement)

    async def set_deadline(self, kind: str, year: int, month: int, due_at: datetime) -> None:
        """Create the deadline, or move it while it is still pending."""
        statement = pg_insert(Deadline).values(
            id=uuid.uuid4(), kind=kind, year=year, month=month, due_at=due_at
        )
        statement = statement.on_conflict_do_update(
            index_elements=[Deadline.kind, Deadline.year, Deadline.month],
            set_={"due_at": due_at},
            where=Deadline.done_at.is_(None),
        )
        await self._session.execute(statement)

    async def claim_due(self, now: datetime, limit: int) -> Sequence[Deadline]:
        """Deadlines due and not done; rows another scheduler holds are skipped, never waited for."""
        query = (
            select(Deadline)
            .where(Deadline.done_at.is_(None), Deadline.due_at <= now)
            .order_by(Deadline.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return (await self._session.execute(query)).scalars().all()

    async def frozen_periods_after(self, year: int, month: int, horizon: int) -> set[tuple[int, int]]:
        period = ReportingMonth.year * 12 + ReportingMonth.month
        query = select(ReportingMonth.year, ReportingMonth.month).where(
            ReportingMonth.frozen_at.is_not(None),
            period > year * 12 + month,
            period <= year * 12 + month + horizon,
        )
        return {(int(y), int(m)) for y, m in (await self._session.execute(query)).all()}

    async def owing(
        self, year: int, month: int, visible: ColumnElement[bool] | None
    ) -> Sequence[Row[uuid.UUID, str, uuid.UUID]]:
        """(unit, unit name, project) of key projects on the plan with no report for the month."""
        reported = select(ProgressReport.id).where(
            ProgressReport.project_id == Project.id,
            ProgressReport.year == year,
            ProgressReport.month == month,
        )
        query = (
            select(Unit.id, Unit.name, Project.id)
            .join(Unit, Unit.id == Project.unit_id)
            .where(
                Project.kind == "key",
                Project.year == year,
                Project.status.in_(OWING_STATUSES),
                ~reported.exists(),
            )
            .order_by(Unit.name, Project.name, Project.id)
        )
        if visible is not None:
            query = query.where(visible)
        return (await self._session.execute(query)).all()

    async def liaisons(self, unit_ids: Sequence[uuid.UUID]) -> Sequence[UnitContact]:
        query = select(UnitContact).where(
            UnitContact.unit_id.in_(list(unit_ids)), UnitContact.role == "liaison"
        )
        return (await self._session.execute(query.order_by(UnitContact.created_at))).scalars().all()

    async def snapshot(self, year: int, month: int) -> int:
        """Copy the month's accepted figures into frozen_figures; returns how many."""
        report = ProgressReport
        rows = select(
            report.year,
            report.month,
            report.project_id,
            report.unit_id,
            report.id,
            report.completed_10k,
            report.adjustment_10k,
            report.cumulative_10k,
            _year_to_date(report),
        ).where(report.year == year, report.month == month, report.status == "accepted")
        columns = [
            "year",
            "month",
            "project_id",
            "unit_id",
            "report_id",
            "completed_10k",
            "adjustment_10k",
            "cumulative_10k",
            "year_to_date_10k",
        ]
        result = await self._session.execute(
            insert(FrozenFigure).from_select(columns, rows).returning(FrozenFigure.project_id)
        )
        return len(result.all())

    async def live_figures(self, year: int, month: int) -> Sequence[Any]:
        report = ProgressReport
        query = select(
            report.project_id,
            report.unit_id,
            report.id.label("report_id"),
            report.completed_10k,
            report.adjustment_10k,
            report.cumulative_10k,
            _year_to_date(report).label("year_to_date_10k"),
        ).where(report.year == year, report.month == month, report.status == "accepted")
        return (await self._session.execute(query.order_by(report.project_id))).all()

    async def frozen_figures(self, year: int, month: int) -> Sequence[Any]:
        figure = FrozenFigure
        query = select(
            figure.project_id,
            figure.unit_id,
            figure.report_id,
            figure.completed_10k,
            figure.adjustment_10k,
            figure.cumulative_10k,
            figure.year_to_date_10k,
        ).where(and_(figure.year == year, figure.month == month))
        return (await self._session.execute(query.order_by(figure.project_id))).all()

    async def mark_done(self, deadline: Deadline, at: datetime) -> None:
        await self._session.execute(update(Deadline).where(Deadline.id == deadline.id).values(done_at=at))
