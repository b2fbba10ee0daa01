"""Escalation of overdue resolutions (逾期升级): one level up the ladder (reminder, urging 催办, supervision
督办, report to the convener), by the overdue deadline row (the scheduler) or by the office now. Either way
the same step: an `escalations` row, `resolution-escalated` to the units still owing, the office (and, at the
top, the convener), and the step in the action log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from gongjian_meetings.access import ensure_runs
from gongjian_meetings.audit.service import Subject, publish_and_record
from gongjian_meetings.bodies.service import convener_of, office_of
from gongjian_meetings.meetings.rules import ESCALATION_LADDER
from gongjian_meetings.meetings.service import get_meeting, meeting_ref
from gongjian_meetings.members.repository import ReplicaRepository
from gongjian_meetings.members.service import owing
from gongjian_meetings.models import Escalation, MeetingBody, Resolution
from gongjian_meetings.resolutions import errors
from gongjian_meetings.resolutions.repository import ResolutionRepository
from gongjian_meetings.resolutions.service import get_resolution, still_owing
from gongjian_shared.access import Scope
from gongjian_shared.auth import Principal
from gongjian_shared.clock import business_today
from gongjian_shared.events.meetings import EscalationLevel, ResolutionEscalated, ResolutionOverdue
from gongjian_shared.events.projects import UnitOwing
from gongjian_shared.uow import UnitOfWork


async def escalate(
    uow: UnitOfWork,
    actor: Principal | None,
    resolution: Resolution,
    body: MeetingBody,
    overdue: ResolutionOverdue,
    office: UnitOwing | None,
    at: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    """One step up the ladder, with the overdue figures and audience of `overdue`; `actor` None: the scheduler."""
    step = resolution.escalation_step + 1
    level = ESCALATION_LADDER[step - 1]
    resolution.escalation_step = step
    uow.session.add(
        Escalation(
            id=uuid.uuid4(),
            resolution_id=resolution.id,
            step=step,
            level=level,
            days_overdue=overdue.days_overdue,
            at=at,
        )
    )
    await publish_and_record(
        uow,
        ResolutionEscalated(
            **dict(overdue),
            step=step,
            level=level,
            office=office,
            convener=convener_of(body) if level == "convener-report" else None,
        ),
        actor,
        f"resolution-escalated-{level}",
        Subject.resolution(resolution),
        {"step": step, "days_overdue": overdue.days_overdue} | (detail or {}),
    )


async def _overdue_now(
    uow: UnitOfWork, resolution: Resolution, body: MeetingBody, office: UnitOwing | None, days_overdue: int
) -> ResolutionOverdue:
    """What the overdue row would say today: the units still owing a report, else the office (its check)."""
    feedback = (await ResolutionRepository(uow.session).feedback([resolution.id]))[resolution.id]
    rows = await ReplicaRepository(uow.session).many(still_owing(resolution, feedback))
    units = tuple(owing(row, resolution.project_ids) for row in rows)
    if not units and office is not None:
        units = (office,)
    return ResolutionOverdue(
        meeting=meeting_ref(await get_meeting(uow, resolution.meeting_id), body),
        resolution_id=resolution.id,
        number=resolution.number,
        text=resolution.text,
        due_on=resolution.due_on,
        days_overdue=days_overdue,
        units=units,
    )


async def escalate_now(
    uow: UnitOfWork, scope: Scope, resolution_id: uuid.UUID, level: EscalationLevel, reason: str | None
) -> Resolution:
    """The office running the meeting escalates an overdue resolution to `level`, the next on the ladder.
    Already at or past `level`: nothing changes (a repeated request). 409 when it is closed, not yet overdue,
    or `level` skips a step (`allowed` names the next level)."""
    resolution, body = await get_resolution(uow, scope, resolution_id, for_update=True)
    ensure_runs(scope, body)
    if resolution.status == "closed":
        raise errors.ResolutionClosed(f"Resolution {resolution.number} was closed.", extra={"allowed": []})
    days_overdue = (business_today(uow.clock) - resolution.due_on).days
    if days_overdue <= 0:
        raise errors.ResolutionNotOverdue(
            f"Resolution {resolution.number} is due on {resolution.due_on}; it escalates once overdue "
            f"(议定事项{resolution.due_on}到期，逾期后方可升级督办)."
        )
    wanted = ESCALATION_LADDER.index(level) + 1
    if wanted <= resolution.escalation_step:
        return resolution
    if wanted != resolution.escalation_step + 1:
        following = ESCALATION_LADDER[resolution.escalation_step]
        raise errors.EscalationOutOfOrder(
            f"The next level of resolution {resolution.number} is {following} (下一级为 {following}).",
            extra={"allowed": [following]},
        )
    office = await office_of(uow, body)
    overdue = await _overdue_now(uow, resolution, body, office, days_overdue)
    detail = {"manual": True, "reason": reason}
    await escalate(uow, scope.principal, resolution, body, overdue, office, uow.clock.now(), detail)
    await ResolutionRepository(uow.session).flush()  # the detail answered reads the new step
    return resolution
