from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    Insert,
    Select,
    Table,
    Uuid,
    and_,
    bindparam,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)

from gongjian_projects.models import Amendment, ProgressReport, Project, ReportingMonth, ReportStep
from gongjian_projects.models.base import BUS
from gongjian_shared.outbox import outbox_insert
from gongjian_shared.repository import ModelRepository

_PERIOD = ProgressReport.year * 12 + ProgressReport.month


def _entries_of_same_project(project_id: uuid.UUID | BindParameter[uuid.UUID]) -> Select[Any]:
    """The ids of every year's plan entry of the entry's project identity."""
    identity = select(Project.identity_id).where(Project.id == project_id).scalar_subquery()
    return select(Project.id).where(Project.identity_id == identity)


# The statements of the submit path, built once: each request binds its values (no statement built and no
# cache key computed per request).
# The entry locked (FOR UPDATE OF the entry alone) with its month's window row beside it, in one round trip.
# The window row is read as of the statement's start even when the lock was waited for: it is never locked by a
# submit (the office's window change and the freeze lock the month's row, not the entry), so reading it in the
# next statement, as before, ordered nothing either. The reports and corrections are read after the lock, in
# their own statements (a concurrent submit of the same entry that held the lock is then seen).
_PROJECT_AND_MONTH = (
    select(Project, ReportingMonth)
    .outerjoin(
        ReportingMonth,
        and_(ReportingMonth.year == bindparam("year"), ReportingMonth.month == bindparam("month")),
    )
    .where(Project.id == bindparam("project_id", type_=Uuid))
    .with_for_update(of=Project)
)
# Corrections of frozen months waiting for the month's report to land on (of the project's earlier years' entries
# too): read with the history as a flag (almost always false), and locked, to be applied, only when there are any.
_WAITING = (
    Amendment.project_id.in_(_entries_of_same_project(bindparam("project_id", type_=Uuid))),
    Amendment.lands_year == bindparam("year"),
    Amendment.lands_month == bindparam("month"),
    Amendment.applied_report_id.is_(None),
    or_(Amendment.lands_year != Amendment.year, Amendment.lands_month != Amendment.month),
)
_CORRECTIONS_WAITING = select(exists().where(*_WAITING).label("waiting")).subquery("corrections")
# every report of the entry (none: one row of NULLs), each row with the flag
_ALL_OF_PROJECT = (
    select(_CORRECTIONS_WAITING.c.waiting, ProgressReport)
    .select_from(_CORRECTIONS_WAITING)
    .outerjoin(ProgressReport, ProgressReport.project_id == bindparam("project_id", type_=Uuid))
    .order_by(_PERIOD)
)
_PENDING_ADJUSTMENTS = select(Amendment).where(*_WAITING).with_for_update()


# A new report, its `submitted` step and, when it has one, its event's outbox row: one statement of
# data-modifying CTEs, values bound (the step's foreign key is checked at the statement's end, the report there).
# Every column the database does not number itself is written, from the new objects' attributes (an attribute
# never set is None, as its column would be).
def _written_columns(model: type[ProgressReport | ReportStep]) -> tuple[str, ...]:
    table: Table = model.__table__  # type: ignore[assignment]
    return tuple(column.name for column in table.columns if column.identity is None)


_REPORT_COLUMNS = _written_columns(ProgressReport)
_STEP_COLUMNS = _written_columns(ReportStep)


def _bound_insert(model: type[ProgressReport | ReportStep], columns: tuple[str, ...], prefix: str) -> Insert:
    table: Table = model.__table__  # type: ignore[assignment]
    return insert(table).values(
        {name: bindparam(prefix + name, type_=table.c[name].type) for name in columns}
    )


def _submitted(*, with_event: bool) -> Insert:
    report = _bound_insert(ProgressReport, _REPORT_COLUMNS, "report_").cte("report")
    step = _bound_insert(ReportStep, _STEP_COLUMNS, "step_")
    if not with_event:
        return step.add_cte(report)
    return outbox_insert(BUS).add_cte(report, step.cte("step"))


_SUBMITTED = _submitted(with_event=False)
_SUBMITTED_WITH_EVENT = _submitted(with_event=True)


def _bound_values(row: ProgressReport | ReportStep, columns: tuple[str, ...], prefix: str) -> dict[str, Any]:
    return {prefix + name: getattr(row, name) for name in columns}


class History(NamedTuple):
    """The reports of an entry around a month, and whether corrections wait for the month's report."""

    before: ProgressReport | None  # the latest report before the month
    same: ProgressReport | None  # the month's own
    after: ProgressReport | None  # the earliest after it
    corrections_waiting: bool  # `pending_adjustments` has some to lock and apply


class ProgressReportRepository(ModelRepository[ProgressReport]):
    model = ProgressReport

    async def for_month(self, project_id: uuid.UUID, year: int, month: int) -> ProgressReport | None:
        query = select(ProgressReport).where(
            ProgressReport.project_id == project_id,
            ProgressReport.year == year,
            ProgressReport.month == month,
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def of_project_in_month(
        self, project_id: uuid.UUID, year: int, month: int
    ) -> ProgressReport | None:
        """The month's report of the project on any year's plan entry (a correction of December lands in
        the next year's entry's January)."""
        query = select(ProgressReport).where(
            ProgressReport.project_id.in_(_entries_of_same_project(project_id)),
            ProgressReport.year == year,
            ProgressReport.month == month,
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def locked_project_and_month(
        self, project_id: uuid.UUID, year: int, month: int
    ) -> tuple[Project | None, ReportingMonth | None]:
        """The entry, locked for the submit (None when there is none), and the month's window row (None while
        the month is not opened), in one round trip."""
        parameters = {"project_id": project_id, "year": year, "month": month}
        row = (await self._session.execute(_PROJECT_AND_MONTH, parameters)).one_or_none()
        if row is None:
            return None, None
        return row[0], row[1]

    async def around(self, project_id: uuid.UUID, year: int, month: int) -> History:
        """The reports around the month, and whether corrections wait for it, in one round trip."""
        period = year * 12 + month
        before = same = after = None
        parameters = {"project_id": project_id, "year": year, "month": month}
        rows = (await self._session.execute(_ALL_OF_PROJECT, parameters)).all()
        for _, report in rows:
            if report is None:
                continue
            current = report.year * 12 + report.month
            if current < period:
                before = report
            elif current == period:
                same = report
            elif after is None:
                after = report
        return History(before, same, after, bool(rows[0].waiting))

    async def insert_submitted(
        self, report: ProgressReport, step: ReportStep, event: dict[str, Any] | None
    ) -> None:
        """Write a new report (left out of the session: it is the request's answer) with its `submitted` step
        and, when given, its event's outbox row (`outbox_row`), in one round trip."""
        parameters = {
            **_bound_values(report, _REPORT_COLUMNS, "report_"),
            **_bound_values(step, _STEP_COLUMNS, "step_"),
            **(event or {}),
        }
        await self._session.execute(_SUBMITTED_WITH_EVENT if event else _SUBMITTED, parameters)

    async def last_of_earlier_years(self, identity_id: uuid.UUID, year: int) -> ProgressReport | None:
        """The latest report of the project's entries of the years before `year` (its cumulative runs on
        into the year's entry, 累计完成投资跨年度连续)."""
        query = (
            select(ProgressReport)
            .join(Project, Project.id == ProgressReport.project_id)
            .where(Project.identity_id == identity_id, Project.year < year, ProgressReport.year < year)
            .order_by(_PERIOD.desc())
            .limit(1)
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def year_to_date(self, project_id: uuid.UUID, year: int, month: int) -> Decimal:
        """Accepted 万元 of the project in the year up to the month, corrections included."""
        query = select(
            func.coalesce(func.sum(ProgressReport.completed_10k + ProgressReport.adjustment_10k), 0)
        ).where(
            ProgressReport.project_id == project_id,
            ProgressReport.year == year,
            ProgressReport.month <= month,
            ProgressReport.status == "accepted",
        )
        return Decimal(await self._session.scalar(query) or 0)

    async def shift_cumulative_from(
        self, project_id: uuid.UUID, year: int, month: int, delta: Decimal
    ) -> Sequence[ProgressReport]:
        """Move the cumulative of every report of the project (on every year's entry) from (year, month) on by
        delta; returns them, in order."""
        entries = _entries_of_same_project(project_id)
        await self._session.execute(
            update(ProgressReport)
            .where(ProgressReport.project_id.in_(entries), year * 12 + month <= _PERIOD)
            .values(
                cumulative_10k=ProgressReport.cumulative_10k + delta, revision=ProgressReport.revision + 1
            )
            .execution_options(synchronize_session="fetch")
        )
        query = (
            select(ProgressReport)
            .where(ProgressReport.project_id.in_(entries), year * 12 + month <= _PERIOD)
            .order_by(_PERIOD)
            .execution_options(populate_existing=True)
        )
        return (await self._session.execute(query)).scalars().all()

    async def pending_adjustments(self, project_id: uuid.UUID, year: int, month: int) -> Sequence[Amendment]:
        """Corrections of frozen months waiting for this month's report to land on (of the project's earlier
        years' entries too), locked to be applied."""
        parameters = {"project_id": project_id, "year": year, "month": month}
        return (await self._session.execute(_PENDING_ADJUSTMENTS, parameters)).scalars().all()

    async def page(
        self,
        *,
        visible_project_ids: Select[Any] | None,
        project_id: uuid.UUID | None,
        year: int | None,
        month: int | None,
        status: str | None,
        unit_id: uuid.UUID | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[ProgressReport], int]:
        query = select(ProgressReport)
        if visible_project_ids is not None:
            query = query.where(ProgressReport.project_id.in_(visible_project_ids))
        for column, value in (
            (ProgressReport.project_id, project_id),
            (ProgressReport.year, year),
            (ProgressReport.month, month),
            (ProgressReport.status, status),
            (ProgressReport.unit_id, unit_id),
        ):
            if value is not None:
                query = query.where(column == value)
        total = await self._session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self._session.execute(
            query.order_by(_PERIOD.desc(), ProgressReport.submitted_at, ProgressReport.id)
            .limit(limit)
            .offset(offset)
        )
        return rows.scalars().all(), int(total or 0)

    async def steps(self, report_id: uuid.UUID) -> Sequence[ReportStep]:
        query = select(ReportStep).where(ReportStep.report_id == report_id).order_by(ReportStep.seq)
        return (await self._session.execute(query)).scalars().all()

    async def amendments(self, report_id: uuid.UUID) -> Sequence[Amendment]:
        """Corrections of this report, and corrections of frozen months that landed on it."""
        query = (
            select(Amendment)
            .where(or_(Amendment.report_id == report_id, Amendment.applied_report_id == report_id))
            .order_by(Amendment.amended_at, Amendment.id)
        )
        return (await self._session.execute(query)).scalars().all()

    def add_step(self, step: ReportStep) -> None:
        self._session.add(step)

    def add_amendment(self, amendment: Amendment) -> None:
        self._session.add(amendment)
