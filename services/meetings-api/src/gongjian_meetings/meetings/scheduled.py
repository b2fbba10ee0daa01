"""Meeting deadlines: topics closing (in 3 days, in 1 day), closed; agenda review and approval due;
circulation at D-3; the meeting tomorrow. A row of an older schedule (before a reschedule) never fires."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from gongjian_meetings.agendas.service import circulate
from gongjian_meetings.bodies.service import convener_of
from gongjian_meetings.deadlines.context import EMITTED, FireContext, Firer
from gongjian_meetings.deadlines.repository import DueDeadline
from gongjian_meetings.deadlines.service import (
    AGENDA_REVIEW_DUE,
    APPROVAL_DUE,
    CIRCULATION,
    MEETING_UPCOMING,
    TOPICS_CLOSED,
    TOPICS_CLOSING_1D,
    TOPICS_CLOSING_3D,
    windows_of,
)
from gongjian_meetings.meetings.collection import close_topic_submission
from gongjian_meetings.meetings.rules import MOVABLE_STATES, TOPIC_STATES, schedule
from gongjian_meetings.members.service import owing, owing_all
from gongjian_meetings.models import Meeting
from gongjian_meetings.topics.repository import TopicRepository
from gongjian_shared.clock import SHANGHAI
from gongjian_shared.events.meetings import (
    AgendaReviewDue,
    AgendaReviewStage,
    MeetingUpcoming,
    TopicSubmissionClosing,
)
from gongjian_shared.events.projects import UnitContact


def _current(fire: Callable[[FireContext, DueDeadline, Meeting], Awaitable[str]]) -> Firer:
    async def checked(ctx: FireContext, row: DueDeadline) -> str:
        meeting = ctx.meeting(row.meeting_id)
        if row.generation != meeting.schedule_generation:
            return "skipped:rescheduled"
        if meeting.state == "cancelled":
            return "skipped:cancelled"
        return await fire(ctx, row, meeting)

    return checked


@_current
async def fire_closing(ctx: FireContext, row: DueDeadline, meeting: Meeting) -> str:
    if meeting.state not in TOPIC_STATES:
        return "skipped:closed"
    body = ctx.body(meeting)
    closes_at = schedule(meeting.held_on, windows_of(meeting), body.reminder_hour).topics_close_at
    if ctx.now >= closes_at:
        return "skipped:past-cut-off"  # the scheduler was down past the cut-off: no "closing soon" now
    submitted = await TopicRepository(ctx.uow.session).units_with_topics(meeting.id)
    last_day = meeting.held_on - timedelta(days=meeting.topic_days)
    await ctx.uow.outbox.publish(
        ctx.uow.session,
        TopicSubmissionClosing(
            meeting=ctx.ref(meeting),
            closes_at=closes_at,
            days_left=(last_day - row.due_at.astimezone(SHANGHAI).date()).days,
            units=tuple(owing(r) for r in await ctx.members(body) if r["unit_id"] not in submitted),
        ),
        key=str(meeting.id),
    )
    return EMITTED


@_current
async def fire_closed(ctx: FireContext, row: DueDeadline, meeting: Meeting) -> str:
    if meeting.state not in TOPIC_STATES:
        return "skipped:closed"
    body = ctx.body(meeting)
    await close_topic_submission(
        ctx.uow,
        None,
        meeting,
        body,
        "close topic submission",
        row.due_at,
        await ctx.members(body),
        await ctx.office(body),
    )
    return EMITTED


async def _agenda_review_due(
    ctx: FireContext,
    meeting: Meeting,
    stage: AgendaReviewStage,
    due_at: datetime,
    convener: UnitContact | None = None,
) -> str:
    """`agenda-review-due` to the office running the meeting (and, for the approval, to the convener)."""
    office = await ctx.office(ctx.body(meeting))
    await ctx.uow.outbox.publish(
        ctx.uow.session,
        AgendaReviewDue(
            meeting=ctx.ref(meeting),
            stage=stage,
            due_at=due_at,
            units=(office,) if office else (),
            convener=convener,
        ),
        key=str(meeting.id),
    )
    return EMITTED


@_current
async def fire_review_due(ctx: FireContext, row: DueDeadline, meeting: Meeting) -> str:
    if meeting.state not in (*TOPIC_STATES, "drafting_agenda"):
        return "skipped:submitted"
    times = schedule(meeting.held_on, windows_of(meeting), ctx.body(meeting).reminder_hour)
    return await _agenda_review_due(ctx, meeting, "submission", times.agenda_due_at)


@_current
async def fire_approval_due(ctx: FireContext, row: DueDeadline, meeting: Meeting) -> str:
    if meeting.state != "awaiting_approval":
        return "skipped:not-awaiting-approval"
    body = ctx.body(meeting)
    times = schedule(meeting.held_on, windows_of(meeting), body.reminder_hour)
    return await _agenda_review_due(ctx, meeting, "approval", times.approval_due_at, convener_of(body))


@_current
async def fire_circulation(ctx: FireContext, row: DueDeadline, meeting: Meeting) -> str:
    if meeting.state != "approved":
        return "skipped:not-approved" if meeting.state != "circulated" else "skipped:circulated"
    await circulate(ctx.uow, None, meeting, ctx.body(meeting))
    return EMITTED


@_current
async def fire_upcoming(ctx: FireContext, row: DueDeadline, meeting: Meeting) -> str:
    if meeting.state not in MOVABLE_STATES:
        return "skipped:held"
    body = ctx.body(meeting)
    await ctx.uow.outbox.publish(
        ctx.uow.session,
        MeetingUpcoming(
            meeting=ctx.ref(meeting), units=owing_all(await ctx.members(body)), convener=convener_of(body)
        ),
        key=str(meeting.id),
    )
    return EMITTED


FIRERS: dict[str, Firer] = {
    TOPICS_CLOSING_3D: fire_closing,
    TOPICS_CLOSING_1D: fire_closing,
    TOPICS_CLOSED: fire_closed,
    AGENDA_REVIEW_DUE: fire_review_due,
    APPROVAL_DUE: fire_approval_due,
    CIRCULATION: fire_circulation,
    MEETING_UPCOMING: fire_upcoming,
}
