"""Amendments (更正) of accepted reports: with a reason, audited, never an in-place edit of a frozen month.

- The month is open: the report takes the new figures, and every later cumulative moves by the difference.
- The month is frozen: its published figures stay. The difference lands in the first open month, on that
  month's report (now, or when it is submitted), and the event says which month it corrects.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from gongjian_projects.access import Scope
from gongjian_projects.models import Amendment, ProgressReport
from gongjian_projects.progress.errors import ReportNotAcceptable
from gongjian_projects.progress.repository import ProgressReportRepository
from gongjian_projects.progress.rules import over_total_check
from gongjian_projects.progress.schemas import AmendmentCreate
from gongjian_projects.progress.service import progress_reported, record_step, visible_report
from gongjian_projects.projects.repository import ProjectRepository
from gongjian_projects.reporting import service as reporting
from gongjian_shared.errors import Forbidden, RuleViolation, field_error
from gongjian_shared.uow import UnitOfWork

_TEXT_FIELDS = ("physical_progress", "image_progress_percent", "problems", "over_total_reason")


def _no_negative(shifted: list[ProgressReport]) -> None:
    if any(report.cumulative_10k < 0 for report in shifted):
        raise RuleViolation(
            errors=[
                field_error(
                    "completed_10k",
                    "cumulative-not-negative",
                    "The correction would make a cumulative negative",
                    "更正后累计完成将为负数",
                )
            ]
        )


def _ensure_amendable(scope: Scope, report: ProgressReport) -> None:
    if not scope.principal.is_office:
        raise Forbidden("Accepted reports are corrected by the office, with a reason (更正由办公室办理).")
    if report.status != "accepted":
        raise ReportNotAcceptable(
            "Only accepted reports are amended; return or resubmit the others.",
            extra={"allowed": ["accepted"]},
        )


def _changes(report: ProgressReport, command: AmendmentCreate) -> dict[str, Any]:
    """What the correction changes, each as [old, new]; a correction that changes nothing is refused."""
    changes: dict[str, Any] = {}
    if command.completed_10k != report.completed_10k:
        changes["completed_10k"] = [str(report.completed_10k), str(command.completed_10k)]
    for name in _TEXT_FIELDS:
        new = getattr(command, name)
        if name in command.model_fields_set and new != getattr(report, name):
            changes[name] = [_json(getattr(report, name)), _json(new)]
    if not changes:
        raise RuleViolation(
            errors=[
                field_error("completed_10k", "changes-something", "Nothing to correct", "没有需要更正的内容")
            ]
        )
    return changes


def _correct_in_place(report: ProgressReport, command: AmendmentCreate) -> None:
    """An open month's report takes the new figures."""
    report.completed_10k = command.completed_10k
    for name in _TEXT_FIELDS:
        if name in command.model_fields_set and getattr(command, name) is not None:
            setattr(report, name, getattr(command, name))


async def _publish_corrected(
    uow: UnitOfWork,
    reports: ProgressReportRepository,
    affected: list[ProgressReport],
    target: ProgressReport | None,
    corrected: tuple[int, int] | None,
) -> None:
    """`progress-reported` (amendment) for each accepted report whose figures moved."""
    for changed in affected:
        if changed.status == "accepted":
            year_to_date = await reports.year_to_date(changed.project_id, changed.year, changed.month)
            event = progress_reported(
                changed, year_to_date, amendment=True, corrected=corrected if changed is target else None
            )
            await uow.outbox.publish(uow.session, event, key=str(changed.project_id))


async def amend_report(
    uow: UnitOfWork, scope: Scope, report_id: uuid.UUID, command: AmendmentCreate
) -> Amendment:
    report = await visible_report(uow, scope, report_id, for_update=True)
    _ensure_amendable(scope, report)
    project = await ProjectRepository(uow.session).get(report.project_id, for_update=True)
    assert project is not None
    reports = ProgressReportRepository(uow.session)
    delta = command.completed_10k - report.completed_10k
    frozen = await reporting.is_frozen(uow, report.year, report.month)
    lands = (
        await reporting.landing_month(uow, report.year, report.month)
        if frozen
        else (report.year, report.month)
    )
    changes = _changes(report, command)
    over_total_check(
        project, report.cumulative_10k + delta, command.over_total_reason or report.over_total_reason
    )
    amendment = Amendment(
        id=uuid.uuid4(),
        report_id=report.id,
        project_id=report.project_id,
        year=report.year,
        month=report.month,
        lands_year=lands[0],
        lands_month=lands[1],
        old_completed_10k=report.completed_10k,
        new_completed_10k=command.completed_10k,
        delta_10k=delta,
        changes=changes,
        reason=command.reason,
        amended_by=scope.principal.user_id,
        amended_at=uow.clock.now(),
    )
    target = report if not frozen else await reports.of_project_in_month(report.project_id, *lands)
    if not frozen:
        _correct_in_place(report, command)
    elif target is not None:
        target.adjustment_10k += delta
    amendment.applied_report_id = target.id if target is not None else None
    reports.add(amendment)
    record_step(reports, report, "amended", scope.principal, uow.clock, command.reason)
    await reports.flush()
    shifted = list(await reports.shift_cumulative_from(report.project_id, *lands, delta)) if delta else []
    _no_negative(shifted)
    affected = shifted or ([report] if not frozen else [])
    await _publish_corrected(uow, reports, affected, target, (report.year, report.month) if frozen else None)
    return amendment


def _json(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value
