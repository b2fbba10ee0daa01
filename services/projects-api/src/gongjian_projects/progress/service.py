"""Monthly progress reports (月度进度): submission, review, acceptance, and their events.

The unit submits; a county or department reviewer passes or returns; the office accepts (a submitted report
directly, or a passed one) or returns it with a reason. A returned report is corrected and resubmitted.
Corrections after acceptance are amendments (see `amendments.py`). Nothing of a frozen month moves.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_projects.access import Scope, ensure_may_write
from gongjian_projects.early_warning import service as early_warning
from gongjian_projects.models import ProgressReport, Project, ReportStep
from gongjian_projects.progress.errors import ReportExists, ReportNotAcceptable, ReportNotFound
from gongjian_projects.progress.repository import ProgressReportRepository
from gongjian_projects.progress.schemas import ProgressReportCreate, ProgressReportOut, ReportFigures
from gongjian_projects.projects.repository import ProjectRepository
from gongjian_projects.projects.service import visible_project
from gongjian_projects.reporting import service as months
from gongjian_projects.reporting.errors import MonthFrozen
from gongjian_shared.access import Facts
from gongjian_shared.auth import Principal, Role
from gongjian_shared.clock import SHANGHAI, Clock
from gongjian_shared.errors import Conflict, Forbidden, field_error
from gongjian_shared.events.projects import ProgressReported, ProgressReportLate, ProgressReportReturned
from gongjian_shared.uow import UnitOfWork


def to_out(report: ProgressReport) -> ProgressReportOut:
    return ProgressReportOut.model_validate(report, from_attributes=True)


def role_of(principal: Principal) -> str:
    if principal.is_office:
        return "office"
    return "reviewer" if principal.has(Role.REVIEWER) else "reporter"


def record_step(
    reports: ProgressReportRepository,
    report: ProgressReport,
    action: str,
    principal: Principal,
    clock: Clock,
    reason: str | None = None,
) -> None:
    reports.add_step(
        ReportStep(
            id=uuid.uuid4(),
            report_id=report.id,
            action=action,
            actor_id=principal.user_id,
            actor_role=role_of(principal),
            at=clock.now(),
            reason=reason,
        )
    )


async def progress_reported(
    reports: ProgressReportRepository,
    report: ProgressReport,
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
        year_to_date_10k=await reports.year_to_date(report.project_id, report.year, report.month),
        physical_progress=report.physical_progress,
        image_progress_percent=report.image_progress_percent,
        late=report.late,
        amendment=amendment,
        adjustment_10k=report.adjustment_10k,
        corrected_year=corrected[0] if corrected else None,
        corrected_month=corrected[1] if corrected else None,
    )


def over_total_check(project: Project, cumulative: Decimal, reason: str | None) -> None:
    if cumulative > project.total_investment_10k and not reason:
        raise Conflict(
            errors=[
                field_error(
                    "over_total_reason",
                    "required-over-total",
                    "Cumulative exceeds the total investment: give a reason",
                    "累计完成超过总投资，须说明原因",
                )
            ]
        )


def _check_figures(
    project: Project,
    previous: ProgressReport | None,
    following: ProgressReport | None,
    figures: ReportFigures,
    adjustment: Decimal,
) -> None:
    """Cumulative = the earlier cumulative + this month (+ corrections landing here); never decreasing."""
    expected = (previous.cumulative_10k if previous else Decimal(0)) + figures.completed_10k + adjustment
    if previous is not None and figures.cumulative_10k != expected:
        raise Conflict(
            f"Cumulative must be {expected} (previous cumulative {previous.cumulative_10k} + this month).",
            errors=[
                field_error(
                    "cumulative_10k",
                    "matches-history",
                    f"Expected {expected} 万元 from the earlier reports",
                    f"累计完成应为 {expected} 万元（上月累计 + 本月完成）",
                )
            ],
        )
    if previous is None and figures.cumulative_10k < figures.completed_10k + adjustment:
        raise Conflict(
            errors=[
                field_error(
                    "cumulative_10k",
                    "not-below-month",
                    "Cumulative cannot be below this month's figure",
                    "累计完成不能小于本月完成",
                )
            ]
        )
    if following is not None and following.cumulative_10k < figures.cumulative_10k:
        raise Conflict(
            errors=[
                field_error(
                    "cumulative_10k", "never-decreases", "Cumulative would decrease later", "累计完成不能减少"
                )
            ]
        )
    over_total_check(project, figures.cumulative_10k, figures.over_total_reason)


async def _ensure_not_frozen(session: AsyncSession, report: ProgressReport) -> None:
    if await months.is_frozen(session, report.year, report.month):
        raise MonthFrozen(f"{report.year}-{report.month:02d} is frozen; correct it by an amendment.")


async def visible_report(
    session: AsyncSession, scope: Scope, report_id: uuid.UUID, *, for_update: bool = False
) -> ProgressReport:
    report = await ProgressReportRepository(session).get(report_id, for_update=for_update)
    if report is None:
        raise ReportNotFound(f"No progress report {report_id}.")
    await visible_project(session, scope, report.project_id, details=False)
    return report


async def submit_report(
    uow: UnitOfWork, scope: Scope, project_id: uuid.UUID, command: ProgressReportCreate
) -> ProgressReport:
    session, outbox, clock = uow.session, uow.outbox, uow.clock
    project = await visible_project(session, scope, project_id, for_update=True, details=False)
    ensure_may_write(scope, project.unit_id)
    if project.kind != "key" or project.status == "removed":
        raise Conflict(
            errors=[
                field_error(
                    "project_id",
                    "key-project-on-plan",
                    "Monthly reports are for key projects on the plan",
                    "月度进度仅限计划内的重点项目",
                )
            ]
        )
    now = clock.now()
    today = now.astimezone(SHANGHAI).date()
    if (command.year, command.month) > (today.year, today.month):
        raise Conflict(
            f"{command.year}-{command.month:02d} is in the future.",
            errors=[
                field_error("month", "not-future", "A future month cannot be reported", "不能上报未来月份")
            ],
        )
    window = await months.ensure_month(session, command.year, command.month)
    if window.frozen_at is not None:
        raise Conflict(
            errors=[
                field_error(
                    "month",
                    "month-frozen",
                    "The month is frozen: report it with the next month",
                    "该月已冻结，请在下月报告中反映",
                )
            ]
        )
    if now < window.opens_at:
        raise Conflict(
            errors=[
                field_error(
                    "month",
                    "window-not-open",
                    f"The window opens at {window.opens_at.isoformat()}",
                    f"填报窗口 {window.opens_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 开启",
                )
            ]
        )
    reports = ProgressReportRepository(session)
    previous, same, following = await reports.around(project.id, command.year, command.month)
    if same is not None:
        raise ReportExists(
            f"Project {project.id} already has a report for {command.year}-{command.month:02d}.",
            errors=[field_error("month", "one-per-month", "Already reported", "本月已上报")],
        )
    pending = await reports.pending_adjustments(project.id, command.year, command.month)
    adjustment = sum((amendment.delta_10k for amendment in pending), Decimal(0))
    _check_figures(project, previous, following, command, adjustment)
    report = ProgressReport(
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
        submitted_by=scope.principal.user_id,
        submitted_at=now,
        revision=1,
    )
    reports.add(report)
    await reports.flush()
    for amendment in pending:
        amendment.applied_report_id = report.id
    record_step(reports, report, "submitted", scope.principal, clock)
    if report.late:
        await outbox.publish(
            session,
            ProgressReportLate(
                report_id=report.id,
                project_id=project.id,
                unit_id=project.unit_id,
                year=report.year,
                month=report.month,
                window_closed_at=window.closes_at,
            ),
            key=str(project.id),
        )
    return report


async def resubmit_report(
    uow: UnitOfWork, scope: Scope, report_id: uuid.UUID, command: ReportFigures
) -> ProgressReport:
    session, clock = uow.session, uow.clock
    report = await visible_report(session, scope, report_id, for_update=True)
    ensure_may_write(scope, report.unit_id, field="report_id")
    if report.status != "returned":
        raise ReportNotAcceptable(f"The report is {report.status}.", extra={"allowed": ["returned"]})
    await _ensure_not_frozen(session, report)
    project = await ProjectRepository(session).get(report.project_id, for_update=True)
    assert project is not None
    reports = ProgressReportRepository(session)
    previous, _, following = await reports.around(project.id, report.year, report.month)
    _check_figures(project, previous, following, command, report.adjustment_10k)
    for name, value in command.model_dump().items():
        setattr(report, name, value)
    report.status, report.returned_reason = "submitted", None
    report.submitted_at, report.submitted_by = clock.now(), scope.principal.user_id
    report.revision += 1
    record_step(reports, report, "resubmitted", scope.principal, clock)
    await reports.flush()
    return report


async def pass_report(uow: UnitOfWork, scope: Scope, report_id: uuid.UUID) -> ProgressReport:
    session, clock = uow.session, uow.clock
    report = await visible_report(session, scope, report_id, for_update=True)
    if not scope.principal.has(Role.REVIEWER) or not scope.may_review(Facts(unit_id=report.unit_id)):
        raise Forbidden("Only the county or department reviewer of the unit passes its reports (初审).")
    if report.status != "submitted":
        raise ReportNotAcceptable(f"The report is {report.status}.", extra={"allowed": ["submitted"]})
    await _ensure_not_frozen(session, report)
    report.status = "passed"
    report.revision += 1
    reports = ProgressReportRepository(session)
    record_step(reports, report, "passed", scope.principal, clock)
    await reports.flush()
    return report


async def return_report(uow: UnitOfWork, scope: Scope, report_id: uuid.UUID, reason: str) -> ProgressReport:
    session, outbox, clock = uow.session, uow.outbox, uow.clock
    report = await visible_report(session, scope, report_id, for_update=True)
    principal = scope.principal
    if principal.is_office:
        allowed = ["submitted", "passed"]
    elif principal.has(Role.REVIEWER) and scope.may_review(Facts(unit_id=report.unit_id)):
        allowed = ["submitted"]
    else:
        raise Forbidden("Only the unit's reviewer or the office returns reports (退回).")
    if report.status not in allowed:
        raise ReportNotAcceptable(f"The report is {report.status}.", extra={"allowed": allowed})
    await _ensure_not_frozen(session, report)
    report.status, report.returned_reason = "returned", reason
    report.revision += 1
    reports = ProgressReportRepository(session)
    record_step(reports, report, "returned", principal, clock, reason)
    await reports.flush()
    await outbox.publish(
        session,
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
    session, outbox, clock = uow.session, uow.outbox, uow.clock
    report = await visible_report(session, scope, report_id, for_update=True)
    if not scope.principal.is_office:
        raise Forbidden("Only the office accepts progress reports (由重点项目办公室审核).")
    if report.status not in ("submitted", "passed"):
        raise ReportNotAcceptable(
            f"The report is {report.status}.", extra={"allowed": ["submitted", "passed"]}
        )
    await _ensure_not_frozen(session, report)
    report.status = "accepted"
    report.accepted_by = scope.principal.user_id
    report.accepted_at = clock.now()
    report.revision += 1
    reports = ProgressReportRepository(session)
    record_step(reports, report, "accepted", scope.principal, clock)
    await reports.flush()
    landed = [a for a in await reports.amendments(report.id) if a.report_id != report.id]
    corrected = (landed[0].year, landed[0].month) if landed else None
    event = await progress_reported(reports, report, corrected=corrected)
    await outbox.publish(session, event, key=str(report.project_id))
    project = await ProjectRepository(session).get(report.project_id)
    assert project is not None
    await early_warning.judge_project(uow, project, report.year, report.month)
    return report
