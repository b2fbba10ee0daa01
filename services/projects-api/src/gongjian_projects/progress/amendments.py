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
from gongjian_projects.progress.schemas import AmendmentCreate, AmendmentOut
from gongjian_projects.progress.service import (
    over_total_check,
    progress_reported,
    record_step,
    visible_report,
)
from gongjian_projects.projects.repository import ProjectRepository
from gongjian_projects.reporting import service as months
from gongjian_shared.errors import Forbidden, RuleViolation, field_error
from gongjian_shared.uow import UnitOfWork

_TEXT_FIELDS = ("physical_progress", "image_progress_percent", "problems", "over_total_reason")


def to_out(amendment: Amendment) -> AmendmentOut:
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


async def amend_report(
    uow: UnitOfWork, scope: Scope, report_id: uuid.UUID, command: AmendmentCreate
) -> Amendment:
    session, outbox, clock = uow.session, uow.outbox, uow.clock
    report = await visible_report(session, scope, report_id, for_update=True)
    if not scope.principal.is_office:
        raise Forbidden("Accepted reports are corrected by the office, with a reason (更正由办公室办理).")
    if report.status != "accepted":
        raise ReportNotAcceptable(
            "Only accepted reports are amended; return or resubmit the others.",
            extra={"allowed": ["accepted"]},
        )
    project = await ProjectRepository(session).get(report.project_id, for_update=True)
    assert project is not None
    reports = ProgressReportRepository(session)
    delta = command.completed_10k - report.completed_10k
    frozen = await months.is_frozen(session, report.year, report.month)
    lands = (
        await months.landing_month(session, report.year, report.month)
        if frozen
        else (report.year, report.month)
    )
    changes: dict[str, Any] = {}
    if delta:
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
        amended_at=clock.now(),
    )
    target = report if not frozen else await reports.for_month(report.project_id, *lands)
    if not frozen:
        report.completed_10k = command.completed_10k
        for name in _TEXT_FIELDS:
            if name in command.model_fields_set and getattr(command, name) is not None:
                setattr(report, name, getattr(command, name))
    elif target is not None:
        target.adjustment_10k += delta
    amendment.applied_report_id = target.id if target is not None else None
    reports.add_amendment(amendment)
    record_step(reports, report, "amended", scope.principal, clock, command.reason)
    await reports.flush()
    shifted = list(await reports.shift_cumulative_from(report.project_id, *lands, delta)) if delta else []
    _no_negative(shifted)
    affected = shifted or ([report] if not frozen else [])
    corrected = (report.year, report.month) if frozen else None
    for changed in affected:
        if changed.status == "accepted":
            event = await progress_reported(
                reports, changed, amendment=True, corrected=corrected if changed is target else None
            )
            await outbox.publish(session, event, key=str(changed.project_id))
    return amendment


def _json(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value
