"""Monthly progress reports (月度进度): submission, review, acceptance, and their events.

The unit submits; a county or department reviewer passes or returns; the office accepts (a submitted report
directly, or a passed one) or returns it with a reason. A returned report is corrected and resubmitted.
Corrections after acceptance are amendments (see `amendments.py`). Nothing of a frozen month moves.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from gongjian_projects.access import Scope, ensure_may_write
from gongjian_projects.early_warning import service as early_warning
from gongjian_projects.models import Amendment, ProgressReport, Project, ReportingMonth, ReportStep
from gongjian_projects.progress import rules
from gongjian_projects.progress.errors import ReportNotAcceptable, ReportNotFound
from gongjian_projects.progress.repository import ProgressReportRepository
from gongjian_projects.progress.schemas import (
    AmendmentOut,
    ProgressReportCreate,
    ProgressReportOut,
    ReportFigures,
    ReportHistoryOut,
    ReportPage,
    ReportStepOut,
)
from gongjian_projects.projects.repository import ProjectRepository, visible_project_ids
from gongjian_projects.projects.service import readable_project, visible_project
from gongjian_projects.reporting import service as reporting
from gongjian_projects.reporting.errors import MonthFrozen
from gongjian_shared.access import Facts
from gongjian_shared.auth import Principal, Role
from gongjian_shared.clock import Clock
from gongjian_shared.errors import Forbidden
from gongjian_shared.events.projects import ProgressReported, ProgressReportLate, ProgressReportReturned
from gongjian_shared.outbox import outbox_row
from gongjian_shared.uow import UnitOfWork


def to_out(report: ProgressReport) -> ProgressReportOut:
    return ProgressReportOut.model_validate(report, from_attributes=True)


def amendment_out(amendment: Amendment) -> AmendmentOut:
    return AmendmentOut(
        id=amendment.id,
        report_id=amendment.report_id,
        year=amendment.year,
        month=amendment.month,
        lands_year=amendment.lands_year,
        lands_month=amendment.lands_month,
        landed_in_next_month=(amendment.lands_year, amendment.lands_month)
        != (amendment.year, amendment.month),
        applied_report_id=amendment.applied_report_id,
        old_completed_10k=amendment.old_completed_10k,
        new_completed_10k=amendment.new_completed_10k,
        delta_10k=amendment.delta_10k,
        changes=amendment.changes,
        reason=amendment.reason,
        amended_by=amendment.amended_by,
        amended_at=amendment.amended_at,
    )


def role_of(principal: Principal) -> str:
    if principal.is_office:
        return "office"
    return "reviewer" if principal.has(Role.REVIEWER) else "reporter"


def new_step(
    report: ProgressReport, action: str, principal: Principal, clock: Clock, reason: str | None = None
) -> ReportStep:
    return ReportStep(
        id=uuid.uuid4(),
        report_id=report.id,
        action=action,
        actor_id=principal.user_id,
        actor_role=role_of(principal),
        at=clock.now(),
        reason=reason,
    )


def record_step(
    reports: ProgressReportRepository,
    report: ProgressReport,
    action: str,
    principal: Principal,
    clock: Clock,
    reason: str | None = None,
) -> None:
    reports.add(new_step(report, action, principal, clock, reason))


def progress_reported(
    report: ProgressReport,
    year_to_date_10k: Decimal,
    *,
    amendment: bool = False,
    corrected: tuple[int, int] | None = None,
) -> ProgressReported:
    return ProgressReported(
        report_id=report.id,
        project_id=report.project_id,
        unit_id=report.unit_id,
        year=report.year,
        month=report.month,
        completed_10k=report.completed_10k,
        cumulative_10k=report.cumulative_10k,
        year_to_date_10k=year_to_date_10k,
        physical_progress=report.physical_progress,
        image_progress_percent=report.image_progress_percent,
        late=report.late,
        amendment=amendment,
        adjustment_10k=report.adjustment_10k,
        corrected_year=corrected[0] if corrected else None,
        corrected_month=corrected[1] if corrected else None,
    )


async def _ensure_not_frozen(uow: UnitOfWork, report: ProgressReport) -> None:
    if await reporting.is_frozen(uow, report.year, report.month):
        raise MonthFrozen(f"{report.year}-{report.month:02d} is frozen; correct it by an amendment.")


async def visible_report(
    uow: UnitOfWork, scope: Scope, report_id: uuid.UUID, *, for_update: bool = False
) -> ProgressReport:
    report = await ProgressReportRepository(uow.session).get(report_id, for_update=for_update)
    if report is None:
        raise ReportNotFound(f"No progress report {report_id}.")
    await visible_project(uow, scope, report.project_id, details=False)
    return report


async def project_reports(
    uow: UnitOfWork, scope: Scope, project_id: uuid.UUID, *, year: int | None, limit: int, offset: int
) -> ReportPage:
    """A project's monthly reports, latest first; 404 for a project the caller may not read."""
    project = await visible_project(uow, scope, project_id, details=False)
    items, total = await ProgressReportRepository(uow.session).page(
        visible_project_ids=None,
        project_id=project.id,
        year=year,
        month=None,
        status=None,
        unit_id=None,
        limit=limit,
        offset=offset,
    )
    return ReportPage(items=[to_out(r) for r in items], total=total)


async def list_reports(
    uow: UnitOfWork,
    scope: Scope,
    *,
    year: int | None,
    month: int | None,
    status: str | None,
    unit_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> ReportPage:
    """The reports of the projects the caller may read, filtered."""
    items, total = await ProgressReportRepository(uow.session).page(
        visible_project_ids=visible_project_ids(scope),
        project_id=None,
        year=year,
        month=month,
        status=status,
        unit_id=unit_id,
        limit=limit,
        offset=offset,
    )
    return ReportPage(items=[to_out(r) for r in items], total=total)


async def report_history(uow: UnitOfWork, scope: Scope, report_id: uuid.UUID) -> ReportHistoryOut:
    report = await visible_report(uow, scope, report_id)
    reports = ProgressReportRepository(uow.session)
    return ReportHistoryOut(
        steps=[
            ReportStepOut.model_validate(step, from_attributes=True)
            for step in await reports.steps(report.id)
        ],
        amendments=[amendment_out(a) for a in await reports.amendments(report.id)],
    )


def _new_report(
    project: Project,
    command: ProgressReportCreate,
    adjustment: Decimal,
    window: ReportingMonth,
    principal: Principal,
    now: datetime,
) -> ProgressReport:
    return ProgressReport(
        id=uuid.uuid4(),
        project_id=project.id,
        unit_id=project.unit_id,
        year=command.year,
        month=command.month,
        completed_10k=command.completed_10k,
        adjustment_10k=adjustment,
        cumulative_10k=command.cumulative_10k,
        physical_progress=command.physical_progress,
        image_progress_percent=command.image_progress_percent,
        problems=command.problems,
        over_total_reason=command.over_total_reason,
        status="submitted",
        late=now >= window.closes_at,
        submitted_by=principal.user_id,
        submitted_at=now,
        revision=1,
    )


def _late(report: ProgressReport, window: ReportingMonth) -> ProgressReportLate:
    return ProgressReportLate(
        report_id=report.id,
        project_id=report.project_id,
        unit_id=report.unit_id,
        year=report.year,
        month=report.month,
        window_closed_at=window.closes_at,
    )


async def _carried_previous(reports: ProgressReportRepository, project: Project) -> ProgressReport | None:
    """For the first report of an entry carried over from last year's plan: the last report of the project's
    earlier entries, which its cumulative continues from."""
    if project.carried_from_id is None:
        return None
    return await reports.last_of_earlier_years(project.identity_id, project.year)


async def submit_report(
    uow: UnitOfWork, scope: Scope, project_id: uuid.UUID, command: ProgressReportCreate
) -> ProgressReport:
    """Take a month's report of a key project; reads the month's window (with the entry, which it locks), never
    opens the month."""
    reports = ProgressReportRepository(uow.session)
    found, month = await reports.locked_project_and_month(project_id, command.year, command.month)
    project = await readable_project(uow, scope, project_id, found, details=False)
    ensure_may_write(scope, project.unit_id)
    rules.ensure_on_the_plan(project)
    now = uow.clock.now()
    rules.ensure_not_future(command.year, command.month, now)
    window = reporting.window_of(month, command.year, command.month)
    rules.ensure_window_open(window, now)
    previous, same, following, waiting = await reports.around(project.id, command.year, command.month)
    previous = previous or await _carried_previous(reports, project)
    rules.ensure_first_of_month(project, same, command.year, command.month)
    pending = await reports.pending_adjustments(project.id, command.year, command.month) if waiting else ()
    adjustment = sum((amendment.delta_10k for amendment in pending), Decimal(0))
    rules.check_figures(project, previous, following, command, adjustment)
    report = _new_report(project, command, adjustment, window, scope.principal, now)
    step = new_step(report, "submitted", scope.principal, uow.clock)
    late = outbox_row(uow.outbox.wrap(_late(report, window), key=str(project.id))) if report.late else None
    await reports.insert_submitted(report, step, late)
    for amendment in pending:  # written at the commit, after the report they now point to
        amendment.applied_report_id = report.id
    return report


async def resubmit_report(
    uow: UnitOfWork, scope: Scope, report_id: uuid.UUID, command: ReportFigures
) -> ProgressReport:
    clock = uow.clock
    report = await visible_report(uow, scope, report_id, for_update=True)
    ensure_may_write(scope, report.unit_id, field="report_id")
    if report.status != "returned":
        raise ReportNotAcceptable(f"The report is {report.status}.", extra={"allowed": ["returned"]})
    await _ensure_not_frozen(uow, report)
    project = await ProjectRepository(uow.session).get(report.project_id, for_update=True)
    assert project is not None
    reports = ProgressReportRepository(uow.session)
    previous, _, following, _ = await reports.around(project.id, report.year, report.month)
    previous = previous or await _carried_previous(reports, project)
    rules.check_figures(project, previous, following, command, report.adjustment_10k)
    for name, value in command.model_dump().items():
        setattr(report, name, value)
    report.status, report.returned_reason = "submitted", None
    report.submitted_at, report.submitted_by = clock.now(), scope.principal.user_id
    report.revision += 1
    record_step(reports, report, "resubmitted", scope.principal, clock)
    await reports.flush()
    return report


async def pass_report(uow: UnitOfWork, scope: Scope, report_id: uuid.UUID) -> ProgressReport:
    clock = uow.clock
    report = await visible_report(uow, scope, report_id, for_update=True)
    if not scope.principal.has(Role.REVIEWER) or not scope.may_review(Facts(unit_id=report.unit_id)):
        raise Forbidden("Only the county or department reviewer of the unit passes its reports (初审).")
    if report.status != "submitted":
        raise ReportNotAcceptable(f"The report is {report.status}.", extra={"allowed": ["submitted"]})
    await _ensure_not_frozen(uow, report)
    report.status = "passed"
    report.revision += 1
    reports = ProgressReportRepository(uow.session)
    record_step(reports, report, "passed", scope.principal, clock)
    await reports.flush()
    return report


async def return_report(uow: UnitOfWork, scope: Scope, report_id: uuid.UUID, reason: str) -> ProgressReport:
    report = await visible_report(uow, scope, report_id, for_update=True)
    principal = scope.principal
    if principal.is_office:
        allowed = ["submitted", "passed"]
    elif principal.has(Role.REVIEWER) and scope.may_review(Facts(unit_id=report.unit_id)):
        allowed = ["submitted"]
    else:
        raise Forbidden("Only the unit's reviewer or the office returns reports (退回).")
    if report.status not in allowed:
        raise ReportNotAcceptable(f"The report is {report.status}.", extra={"allowed": allowed})
    await _ensure_not_frozen(uow, report)
    report.status, report.returned_reason = "returned", reason
    report.revision += 1
    reports = ProgressReportRepository(uow.session)
    record_step(reports, report, "returned", principal, uow.clock, reason)
    await reports.flush()
    await uow.outbox.publish(
        uow.session,
        ProgressReportReturned(
            report_id=report.id,
            project_id=report.project_id,
            unit_id=report.unit_id,
            year=report.year,
            month=report.month,
            reason=reason,
            returned_by_role=role_of(principal),
        ),
        key=str(report.project_id),
    )
    return report


async def accept_report(uow: UnitOfWork, scope: Scope, report_id: uuid.UUID) -> ProgressReport:
    """The office accepts: `progress-reported` with the year-to-date figure, and the project judged against
    the benchmark with that same figure (read once)."""
    report = await visible_report(uow, scope, report_id, for_update=True)
    if not scope.principal.is_office:
        raise Forbidden("Only the office accepts progress reports (由重点项目办公室审核).")
    if report.status not in ("submitted", "passed"):
        raise ReportNotAcceptable(
            f"The report is {report.status}.", extra={"allowed": ["submitted", "passed"]}
        )
    await _ensure_not_frozen(uow, report)
    report.status = "accepted"
    report.accepted_by = scope.principal.user_id
    report.accepted_at = uow.clock.now()
    report.revision += 1
    reports = ProgressReportRepository(uow.session)
    record_step(reports, report, "accepted", scope.principal, uow.clock)
    await reports.flush()
    landed = [a for a in await reports.amendments(report.id) if a.report_id != report.id]
    corrected = (landed[0].year, landed[0].month) if landed else None
    year_to_date = await reports.year_to_date(report.project_id, report.year, report.month)
    event = progress_reported(report, year_to_date, corrected=corrected)
    await uow.outbox.publish(uow.session, event, key=str(report.project_id))
    project = await ProjectRepository(uow.session).get(report.project_id)
    assert project is not None
    await early_warning.judge_project(uow, project, report.year, report.month, year_to_date_10k=year_to_date)
    return report
