"""Resolution deadlines: due in 3 days, due today, then overdue every N days up the escalation ladder."""

from __future__ import annotations

from gongjian_meetings.deadlines.context import EMITTED, FireContext, Firer
from gongjian_meetings.deadlines.repository import DueDeadline
from gongjian_meetings.deadlines.service import (
    RESOLUTION_DUE_3D,
    RESOLUTION_DUE_TODAY,
    RESOLUTION_OVERDUE,
    plan_next_overdue,
)
from gongjian_meetings.meetings.rules import ESCALATION_LADDER
from gongjian_meetings.members.service import owing
from gongjian_meetings.models import Resolution
from gongjian_meetings.resolutions.escalation import escalate
from gongjian_meetings.resolutions.service import still_owing
from gongjian_shared.clock import SHANGHAI
from gongjian_shared.events.meetings import ResolutionDue, ResolutionOverdue
from gongjian_shared.events.projects import UnitOwing

RESOLUTION_KINDS = frozenset({RESOLUTION_DUE_3D, RESOLUTION_DUE_TODAY, RESOLUTION_OVERDUE})


async def _owing(ctx: FireContext, resolution: Resolution) -> tuple[UnitOwing, ...]:
    """Units still owing a report; once all have reported and only the office's check is left, the office."""
    owing_ids = still_owing(resolution, ctx.feedback.get(resolution.id, []))
    units = tuple(owing(ctx.units[u], resolution.project_ids) for u in owing_ids if u in ctx.units)
    if units:
        return units
    office = await ctx.office(ctx.body(ctx.meeting(resolution.meeting_id)))
    return (office,) if office else ()


async def fire_due(ctx: FireContext, row: DueDeadline) -> str:
    resolution = ctx.resolution(row.subject_id)
    if resolution.status == "closed":
        return "skipped:closed"
    meeting = ctx.meeting(resolution.meeting_id)
    await ctx.uow.outbox.publish(
        ctx.uow.session,
        ResolutionDue(
            meeting=ctx.ref(meeting),
            resolution_id=resolution.id,
            number=resolution.number,
            text=resolution.text,
            due_on=resolution.due_on,
            days_left=(resolution.due_on - row.due_at.astimezone(SHANGHAI).date()).days,
            units=await _owing(ctx, resolution),
        ),
        key=str(meeting.id),
    )
    return EMITTED


async def fire_overdue(ctx: FireContext, row: DueDeadline) -> str:
    resolution = ctx.resolution(row.subject_id)
    if resolution.status == "closed":
        return "skipped:closed"
    meeting = ctx.meeting(resolution.meeting_id)
    overdue = ResolutionOverdue(
        meeting=ctx.ref(meeting),
        resolution_id=resolution.id,
        number=resolution.number,
        text=resolution.text,
        due_on=resolution.due_on,
        days_overdue=(ctx.today - resolution.due_on).days,
        units=await _owing(ctx, resolution),
    )
    await ctx.uow.outbox.publish(ctx.uow.session, overdue, key=str(meeting.id))
    if resolution.escalation_step < len(ESCALATION_LADDER):
        body = ctx.body(meeting)
        await escalate(ctx.uow, None, resolution, body, overdue, await ctx.office(body), ctx.now)
    fired_on = row.due_at.astimezone(SHANGHAI).date()
    await plan_next_overdue(ctx.uow, meeting.id, resolution.id, row.sequence, fired_on, ctx.body(meeting))
    return EMITTED


FIRERS: dict[str, Firer] = {
    RESOLUTION_DUE_3D: fire_due,
    RESOLUTION_DUE_TODAY: fire_due,
    RESOLUTION_OVERDUE: fire_overdue,
}
