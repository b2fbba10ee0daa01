"""Meetings (会议): the regular series generated ahead, ad hoc meetings, the state machine, cancel, reschedule."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_meetings.access import ensure_runs, sees
from gongjian_meetings.audit.service import record
from gongjian_meetings.bodies.service import get_body, members, office_of
from gongjian_meetings.deadlines.service import cancel_for, plan_meeting, replan_meeting, windows_of
from gongjian_meetings.meetings.errors import InvalidTransition, MeetingNotFound
from gongjian_meetings.meetings.repository import MeetingRepository
from gongjian_meetings.meetings.rules import (
    MOVABLE_STATES,
    Windows,
    add_months,
    allowed_next,
    may_move,
    schedule,
    series_dates,
)
from gongjian_meetings.meetings.schemas import AdHocMeetingCreate, DeadlinesOut, MeetingOut
from gongjian_meetings.members.service import owing_all
from gongjian_meetings.models import Meeting, MeetingBody
from gongjian_shared.access import Scope
from gongjian_shared.auth import Principal
from gongjian_shared.clock import SHANGHAI, business_today
from gongjian_shared.errors import Conflict, field_error
from gongjian_shared.events.meetings import (
    MeetingCancelled,
    MeetingDeadlines,
    MeetingRef,
    MeetingRescheduled,
    MeetingScheduled,
)
from gongjian_shared.uow import UnitOfWork


def meeting_ref(meeting: Meeting, body: MeetingBody) -> MeetingRef:
    return MeetingRef(
        meeting_id=meeting.id,
        body_id=body.id,
        body_name=body.name,
        level=body.level,
        title=meeting.title,
        ad_hoc=meeting.ad_hoc,
        held_on=meeting.held_on,
        location=meeting.location,
    )


def event_deadlines(meeting: Meeting, body: MeetingBody) -> MeetingDeadlines:
    times = schedule(meeting.held_on, windows_of(meeting), body.reminder_hour)
    return MeetingDeadlines(
        topics_close_at=times.topics_close_at,
        agenda_due_at=times.agenda_due_at,
        approval_due_at=times.approval_due_at,
        circulation_at=times.circulation_at,
    )


def to_out(meeting: Meeting, body: MeetingBody) -> MeetingOut:
    return MeetingOut(
        id=meeting.id,
        body_id=meeting.body_id,
        title=meeting.title,
        ad_hoc=meeting.ad_hoc,
        series_key=meeting.series_key,
        held_on=meeting.held_on,
        location=meeting.location,
        state=meeting.state,
        allowed_next=list(allowed_next(meeting.state)),
        topic_days=meeting.topic_days,
        agenda_days=meeting.agenda_days,
        circulation_days=meeting.circulation_days,
        deadlines=DeadlinesOut.model_validate(event_deadlines(meeting, body).model_dump()),
        cancel_reason=meeting.cancel_reason,
        minutes_published_at=meeting.minutes_published_at,
    )


async def get_meeting(session: AsyncSession, meeting_id: uuid.UUID, *, for_update: bool = False) -> Meeting:
    """For the scheduler and checks already made: no access decision here (see `load`)."""
    meeting = await MeetingRepository(session).get(meeting_id, for_update=for_update)
    if meeting is None:
        raise MeetingNotFound(f"No meeting {meeting_id}.")
    return meeting


async def load(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID, *, for_update: bool = False, run: bool = False
) -> tuple[Meeting, MeetingBody]:
    """The meeting and its body if the caller may see it (else 404, as for a missing id); with `run`, only
    for the office running its body (else 403)."""
    found = await MeetingRepository(uow.session).get_with_body(meeting_id, for_update=for_update)
    if found is None or not sees(scope, found[1]):
        raise MeetingNotFound(f"No meeting {meeting_id} that you may see.")
    if run:
        ensure_runs(scope, found[1])
    return found


def move(meeting: Meeting, target: str, action: str, now: datetime) -> None:
    """Take one step of the state machine, or refuse with 409 naming the allowed next states."""
    if not may_move(meeting.state, target):
        raise InvalidTransition(meeting.state, action)
    meeting.state = target
    meeting.updated_at = now


def _ensure_future(held_on: date, today: date) -> None:
    if held_on <= today:
        raise Conflict(
            f"The meeting day {held_on} is not after today ({today}, Asia/Shanghai).",
            errors=[
                field_error(
                    "held_on", "in-future", "The meeting day must be after today", "会议日期须晚于今天"
                )
            ],
        )


async def schedule_meeting(
    uow: UnitOfWork,
    actor: Principal | None,
    body: MeetingBody,
    *,
    title: str,
    held_on: date,
    location: str | None,
    windows: Windows,
    ad_hoc: bool,
    series_key: str | None,
) -> Meeting:
    session, clock = uow.session, uow.clock
    now = clock.now()
    meeting = Meeting(
        id=uuid.uuid4(),
        body_id=body.id,
        title=title,
        ad_hoc=ad_hoc,
        series_key=series_key,
        held_on=held_on,
        location=location,
        state="scheduled",
        topic_days=windows.topic_days,
        agenda_days=windows.agenda_days,
        circulation_days=windows.circulation_days,
        schedule_generation=1,
        created_by=actor.user_id if actor else None,
        created_at=now,
        updated_at=now,
    )
    meetings = MeetingRepository(session)
    meetings.add(meeting)
    await meetings.flush()
    await plan_meeting(session, meeting, body, now)
    await uow.outbox.publish(
        session,
        MeetingScheduled(
            meeting=meeting_ref(meeting, body),
            deadlines=event_deadlines(meeting, body),
            units=owing_all(await members(session, body)),
            office=await office_of(session, body),
        ),
        key=str(meeting.id),
    )
    record(
        session,
        clock,
        actor,
        "meeting-scheduled",
        subject_kind="meeting",
        subject_id=meeting.id,
        meeting_id=meeting.id,
        detail={"held_on": held_on.isoformat(), "ad_hoc": ad_hoc, "series_key": series_key},
    )
    return meeting


async def call_ad_hoc(
    uow: UnitOfWork, scope: Scope, command: AdHocMeetingCreate
) -> tuple[Meeting, MeetingBody]:
    clock = uow.clock
    body = await get_body(uow.session, command.body_id, scope=scope)
    ensure_runs(scope, body)
    _ensure_future(command.held_on, business_today(clock))
    windows = Windows(command.topic_days, command.agenda_days, command.circulation_days)
    if schedule(command.held_on, windows, body.reminder_hour).topics_close_at <= clock.now():
        raise Conflict(
            errors=[
                field_error(
                    "topic_days",
                    "window-open",
                    "Topic submission would already be closed: call the meeting later or shorten topic_days",
                    "议题征集截止时间已过：请推后会议日期或缩短征集天数",
                )
            ]
        )
    meeting = await schedule_meeting(
        uow,
        scope.principal,
        body,
        title=command.title,
        held_on=command.held_on,
        location=command.location,
        windows=windows,
        ad_hoc=True,
        series_key=None,
    )
    return meeting, body


async def generate_series(
    uow: UnitOfWork,
    actor: Principal | None,
    body: MeetingBody,
    months_ahead: int | None = None,
) -> list[Meeting]:
    """Schedule the series' meetings up to the horizon; months that have one already are left alone."""
    now = uow.clock.now()
    today = now.astimezone(SHANGHAI).date()
    existing = await MeetingRepository(uow.session).series_keys(body.id)
    windows = Windows(body.topic_days, body.agenda_days, body.circulation_days)
    created = []
    for key, day in series_dates(
        interval_months=body.series_interval_months,
        first_month=body.series_first_month,
        week=body.series_week,
        weekday=body.series_weekday,
        start=today,
        end=add_months(today, months_ahead or body.series_horizon_months),
    ):
        if key in existing or schedule(day, windows, body.reminder_hour).topics_close_at <= now:
            continue
        created.append(
            await schedule_meeting(
                uow,
                actor,
                body,
                title=f"{body.name}（{day.year}年{day.month}月）",
                held_on=day,
                location=None,
                windows=windows,
                ad_hoc=False,
                series_key=key,
            )
        )
    return created


async def reschedule(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID, held_on: date, reason: str
) -> tuple[Meeting, MeetingBody]:
    session, clock = uow.session, uow.clock
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    if meeting.state not in MOVABLE_STATES:
        raise InvalidTransition(meeting.state, "reschedule")
    _ensure_future(held_on, business_today(clock))
    if held_on == meeting.held_on:
        raise Conflict(
            errors=[field_error("held_on", "changed", "The meeting is already on that day", "会议已定于该日")]
        )
    previous = meeting.held_on
    now = clock.now()
    meeting.held_on = held_on
    meeting.schedule_generation += 1
    meeting.updated_at = now
    await MeetingRepository(session).flush()
    await replan_meeting(session, meeting, body, now)
    await uow.outbox.publish(
        session,
        MeetingRescheduled(
            meeting=meeting_ref(meeting, body),
            previous_held_on=previous,
            deadlines=event_deadlines(meeting, body),
            reason=reason,
            units=owing_all(await members(session, body)),
            office=await office_of(session, body),
        ),
        key=str(meeting.id),
    )
    record(
        session,
        clock,
        scope.principal,
        "meeting-rescheduled",
        subject_kind="meeting",
        subject_id=meeting.id,
        meeting_id=meeting.id,
        detail={"from": previous.isoformat(), "to": held_on.isoformat(), "reason": reason},
    )
    return meeting, body


async def cancel(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID, reason: str
) -> tuple[Meeting, MeetingBody]:
    session, clock = uow.session, uow.clock
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    now = clock.now()
    move(meeting, "cancelled", "cancel", now)
    meeting.cancel_reason = reason
    await MeetingRepository(session).flush()
    await cancel_for(session, meeting.id, now)
    await uow.outbox.publish(
        session,
        MeetingCancelled(
            meeting=meeting_ref(meeting, body),
            reason=reason,
            units=owing_all(await members(session, body)),
            office=await office_of(session, body),
        ),
        key=str(meeting.id),
    )
    record(
        session,
        clock,
        scope.principal,
        "meeting-cancelled",
        subject_kind="meeting",
        subject_id=meeting.id,
        meeting_id=meeting.id,
        detail={"reason": reason},
    )
    return meeting, body


async def open_topics(uow: UnitOfWork, actor: Principal | None, meeting: Meeting) -> None:
    """Topic collection opens with the office's notice or with the first topic that comes in."""
    move(meeting, "collecting_topics", "open topic collection", uow.clock.now())
    record(
        uow.session,
        uow.clock,
        actor,
        "topic-collection-opened",
        subject_kind="meeting",
        subject_id=meeting.id,
        meeting_id=meeting.id,
    )
