"""Exchange by interface: what the change feed hands out, the year's plan in bulk, the office's dead letters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gongjian_projects.exchange import cursor
from gongjian_projects.exchange.errors import DeadLetterNotFound
from gongjian_projects.exchange.repository import ChangeRepository, PlanExportRepository, PushRepository
from gongjian_projects.exchange.schemas import (
    Change,
    ChangePage,
    DeadLetter,
    DeadLetterPage,
    MonthFigure,
    PlanEntryExport,
    PlanExport,
    Replayed,
)
from gongjian_projects.models import ProgressReport, Project, PushDelivery
from gongjian_projects.plans.repository import PlanRepository
from gongjian_shared.events.projects import (
    PlannedProjectUpdated,
    ProgressReported,
    ProjectCompleted,
    ProjectRegistered,
    ProjectRemovedFromPlan,
    ProjectStarted,
    ProjectUpdated,
    RecognitionDecided,
)
from gongjian_shared.pagination import Paging
from gongjian_shared.uow import UnitOfWork

# What the feed and the push adapter carry: projects and plan entries, accepted progress reports (a report's
# event is written when the office accepts it), and recognitions.
CHANGE_PAYLOADS = (
    ProjectRegistered,
    ProjectUpdated,
    ProjectRemovedFromPlan,
    PlannedProjectUpdated,
    ProgressReported,
    ProjectStarted,
    ProjectCompleted,
    RecognitionDecided,
)
CHANGE_TYPES = tuple(sorted(payload.event_type for payload in CHANGE_PAYLOADS))


def change_of(envelope: dict[str, Any]) -> Change:
    return Change(
        change_id=envelope["event_id"],
        type=envelope["type"],
        version=envelope["version"],
        key=envelope["key"],
        occurred_at=envelope["occurred_at"],
        payload=envelope["payload"],
    )


async def changes_since(uow: UnitOfWork, since: str | None, limit: int) -> ChangePage:
    """The changes after the cursor, at most `limit`, in log order; a page never passes over a change whose
    transaction is still running, so each change is handed out once, after everything before it."""
    position = cursor.decode(since)
    changes = ChangeRepository(uow.session)
    if position.txid > await changes.horizon():
        raise cursor.malformed("The cursor lies beyond the log.")
    rows = await changes.after(position, CHANGE_TYPES, limit)
    if rows:
        position = cursor.Position(rows[-1].txid, rows[-1].id)
    return ChangePage(
        changes=[change_of(row.envelope) for row in rows],
        next_cursor=cursor.encode(position),
        has_more=len(rows) == limit,
    )


def _months(plan: dict[int, Decimal], reports: list[ProgressReport]) -> list[MonthFigure]:
    by_month = {report.month: report for report in reports}
    figures = []
    for month in range(1, 13):
        report = by_month.get(month)
        figures.append(
            MonthFigure(
                month=month,
                planned_10k=plan.get(month),
                completed_10k=report.completed_10k + report.adjustment_10k if report else None,
                cumulative_10k=report.cumulative_10k if report else None,
                image_progress_percent=report.image_progress_percent if report else None,
            )
        )
    return figures


def _entry(
    project: Project, plan: dict[int, Decimal], reports: list[ProgressReport], leaders: list[Any]
) -> PlanEntryExport:
    return PlanEntryExport(
        project_id=project.id,
        identity_id=project.identity_id,
        code=project.code,
        legacy_code=project.legacy_code,
        name=project.name,
        unit_id=project.unit_id,
        plan_category=project.plan_category,
        status=project.status,
        provincial_key=project.provincial_key,
        industry=project.industry,
        location_admin_code=project.location_admin_code,
        total_investment_10k=project.total_investment_10k,
        planned_investment_10k=project.planned_investment_10k,
        baseline_planned_investment_10k=project.baseline_planned_investment_10k,
        planned_start=project.planned_start,
        planned_completion=project.planned_completion,
        started_on=project.started_on,
        completed_on=project.completed_on,
        added_mid_year=project.added_mid_year,
        removed_on=project.removed_on,
        removal_reason=project.removal_reason,
        leader_ids=leaders,
        year_to_date_10k=sum((r.completed_10k + r.adjustment_10k for r in reports), Decimal(0)),
        cumulative_10k=reports[-1].cumulative_10k if reports else None,
        months=_months(plan, reports),
    )


async def export_plan(uow: UnitOfWork, year: int) -> PlanExport:
    """Every key project of the year's plan (removed ones with their removal) and its figures, in one read."""
    exports = PlanExportRepository(uow.session)
    projects = await exports.entries(year)
    ids = [project.id for project in projects]
    plans, leaders = await exports.month_plans(ids), await exports.leaders(ids)
    reports = await exports.accepted_reports(year)
    entries = [_entry(p, plans.get(p.id, {}), reports.get(p.id, []), leaders.get(p.id, [])) for p in projects]
    plan = await PlanRepository(uow.session).get(year)
    return PlanExport(
        year=year,
        published_at=plan.published_at if plan else None,
        exported_at=uow.clock.now(),
        total_projects=len(entries),
        total_planned_investment_10k=sum(
            (e.planned_investment_10k for e in entries if e.status != "removed"), Decimal(0)
        ),
        total_year_to_date_10k=sum((e.year_to_date_10k for e in entries), Decimal(0)),
        projects=entries,
    )


def dead_letter_of(row: PushDelivery) -> DeadLetter:
    return DeadLetter(
        delivery_id=row.id,
        change_id=row.event_id,
        type=row.type,
        key=row.key,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        dead_at=row.dead_at,
        replays=row.replays,
    )


async def dead_letters(uow: UnitOfWork, paging: Paging) -> DeadLetterPage:
    rows, total = await PushRepository(uow.session).dead_letters(paging.limit, paging.offset)
    return DeadLetterPage.of([dead_letter_of(row) for row in rows], total, paging)


async def replay(uow: UnitOfWork, delivery_id: int) -> Replayed:
    """Send a dead letter again: it waits first in line, with its attempts counted anew. A delivery that is
    not dead (waiting, or delivered) is no dead letter: 404, and nothing changes."""
    pushes = PushRepository(uow.session)
    row = await pushes.get(delivery_id, for_update=True)
    if row is None or row.status != "dead":
        raise DeadLetterNotFound(f"Push delivery {delivery_id} is not a dead letter.")
    await pushes.replay(row, uow.clock.now())
    return Replayed(delivery_id=delivery_id, status="pending")
