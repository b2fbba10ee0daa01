"""Monthly progress reports (月度进度): submission, acceptance, and the `progress-reported` event."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from gongjian_shared.auth import Principal
from gongjian_shared.clock import SHANGHAI, Clock
from gongjian_shared.errors import Forbidden, RuleViolation, field_error
from gongjian_shared.events.projects import ProgressReported
from gongjian_shared.outbox import Outbox
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_projects.models import ProgressReport
from gongjian_projects.progress.errors import ReportExists, ReportNotAcceptable, ReportNotFound
from gongjian_projects.progress.repository import ProgressReportRepository
from gongjian_projects.progress.schemas import ProgressReportCreate, ProgressReportOut
from gongjian_projects.projects.errors import ProjectNotFound
from gongjian_projects.projects.repository import ProjectRepository
from gongjian_projects.projects.service import ensure_may_read, ensure_may_write_unit

WINDOW_CLOSES_ON_DAY = 5  # of the next month (default window: the 25th to the 5th)


def window_closes_at(year: int, month: int) -> datetime:
    """The end of the reporting window of a month, Asia/Shanghai."""
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    last_day = date(next_year, next_month, WINDOW_CLOSES_ON_DAY)
    return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=SHANGHAI)


def to_out(report: ProgressReport) -> ProgressReportOut:
    return ProgressReportOut.model_validate(report, from_attributes=True)


async def submit_report(
    session: AsyncSession,
    clock: Clock,
    principal: Principal,
    project_id: uuid.UUID,
    command: ProgressReportCreate,
) -> ProgressReport:
    project = await ProjectRepository(session).get(project_id, for_update=True)
    if project is None:
        raise ProjectNotFound(f"No project {project_id}.")
    ensure_may_read(principal, project)
    ensure_may_write_unit(principal, project.unit_id)
    now = clock.now()
    today = now.astimezone(SHANGHAI).date()
    if (command.year, command.month) > (today.year, today.month):
        raise RuleViolation(
            f"{command.year}-{command.month:02d} is in the future.",
            errors=[
                field_error("month", "not-future", "A future month cannot be reported", "不能上报未来月份")
            ],
        )
    reports = ProgressReportRepository(session)
    if await reports.for_month(project.id, command.year, command.month) is not None:
        raise ReportExists(
            f"Project {project.id} already has a report for {command.year}-{command.month:02d}.",
            errors=[field_error("month", "one-per-month", "Already reported", "本月已上报")],
        )
    previous = await reports.latest_before(project.id, command.year, command.month)
    expected = (previous.cumulative_10k if previous else 0) + command.completed_10k
    if previous is not None and command.cumulative_10k != expected:
        raise RuleViolation(
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
    if previous is None and command.cumulative_10k < command.completed_10k:
        raise RuleViolation(
            errors=[
                field_error(
                    "cumulative_10k",
                    "not-below-month",
                    "Cumulative cannot be below this month's figure",
                    "累计完成不能小于本月完成",
                )
            ]
        )
    following = await reports.earliest_after(project.id, command.year, command.month)
    if following is not None and following.cumulative_10k < command.cumulative_10k:
        raise RuleViolation(
            errors=[
                field_error(
                    "cumulative_10k", "never-decreases", "Cumulative would decrease later", "累计完成不能减少"
                )
            ]
        )
    if command.cumulative_10k > project.total_investment_10k and not command.over_total_reason:
        raise RuleViolation(
            errors=[
                field_error(
                    "over_total_reason",
                    "required-over-total",
                    "Cumulative exceeds the total investment: give a reason",
                    "累计完成超过总投资，须说明原因",
                )
            ]
        )
    report = ProgressReport(
        id=uuid.uuid4(),
        project_id=project.id,
        unit_id=project.unit_id,
        year=command.year,
        month=command.month,
        completed_10k=command.completed_10k,
        cumulative_10k=command.cumulative_10k,
        physical_progress=command.physical_progress,
        image_progress_percent=command.image_progress_percent,
        problems=command.problems,
        status="submitted",
        late=now > window_closes_at(command.year, command.month),
        submitted_by=principal.user_id,
        submitted_at=now,
    )
    reports.add(report)
    await reports.flush()
    return report


async def accept_report(
    session: AsyncSession, outbox: Outbox, clock: Clock, principal: Principal, report_id: uuid.UUID
) -> ProgressReport:
    if not principal.is_office:
        raise Forbidden("Only the office accepts progress reports (由重点项目办公室审核).")
    reports = ProgressReportRepository(session)
    report = await reports.get(report_id, for_update=True)
    if report is None:
        raise ReportNotFound(f"No progress report {report_id}.")
    if report.status not in ("submitted", "passed"):
        raise ReportNotAcceptable(
            f"The report is {report.status}.", extra={"allowed": ["submitted", "passed"]}
        )
    report.status = "accepted"
    report.accepted_by = principal.user_id
    report.accepted_at = clock.now()
    await reports.flush()
    await outbox.publish(
        session,
        ProgressReported(
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
        ),
        key=str(report.project_id),
    )
    return report
