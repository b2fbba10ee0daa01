"""Meetings (会议): the regular series generated ahead, ad hoc meetings, the state machine, cancel, reschedule."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from gongjian_meetings.access import NotTheMeetingOffice, body_filter, ensure_runs, runs, sees
from gongjian_meetings.audit.service import Subject, actions_of, publish_and_record, record
from gongjian_meetings.bodies.service import get_body, members, office_of
from gongjian_meetings.deadlines.service import (
    cancel_for,
    deadlines_of,
    plan_meeting,
    replan_meeting,
    windows_of,
)
from gongjian_meetings.meetings.errors import InvalidTransition, MeetingNotFound
from gongjian_meetings.meetings.repository import MeetingRepository
from gongjian_meetings.meetings.rules import (
    MOVABLE_STATES,
    STEP_BY_ACTION,
    Schedule,
    Windows,
    add_months,
    allowed_next,
    may_take,
    schedule,
    series_dates,
)
from gongjian_meetings.meetings.schemas import AdHocMeetingCreate, DeadlinesOut, MeetingOut
from gongjian_meetings.members.service import owing_all
from gongjian_meetings.models import MEETING_STATES, Action, Deadline, Meeting, MeetingBody
from gongjian_shared.access import Scope
from gongjian_shared.auth import Principal, Role
from gongjian_shared.clock import SHANGHAI, business_today
from gongjian_shared.errors import Conflict, InvalidInput, field_error
from gongjian_shared.events.meetings import (
    MeetingCancelled,
    MeetingDeadlines,
    MeetingRef,
    MeetingRescheduled,
    MeetingScheduled,
)
from gongjian_shared.pagination import Paging
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


async def get_meeting(uow: UnitOfWork, meeting_id: uuid.UUID, *, for_update: bool = False) -> Meeting:
    """For the scheduler and checks already made: no access decision here (see `load`)."""
    meeting = await MeetingRepository(uow.session).get(meeting_id, for_update=for_update)
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


def check_state_known(state: str | None) -> None:
    if state is not None and state not in MEETING_STATES:
        raise InvalidInput(
            errors=[field_error("state", "enum", f"One of {', '.join(MEETING_STATES)}", "会议状态取值无效")]
        )


async def list_meetings(
    uow: UnitOfWork,
    scope: Scope,
    *,
    body_id: uuid.UUID | None,
    state: str | None,
    held_from: date | None,
    held_to: date | None,
    paging: Paging,
) -> tuple[Sequence[tuple[Meeting, MeetingBody]], int]:
    """One page of the meetings the caller sees, with their bodies, and how many match."""
    check_state_known(state)
    return await MeetingRepository(uow.session).list(
        bodies=body_filter(scope),
        body_id=body_id,
        state=state,
        held_from=held_from,
        held_to=held_to,
        paging=paging,
    )


async def meeting_deadlines(uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID) -> Sequence[Deadline]:
    """The meeting's deadline rows and its resolutions', for the office running it."""
    await load(uow, scope, meeting_id, run=True)
    return await deadlines_of(uow, meeting_id)


async def meeting_actions(uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID) -> Sequence[Action]:
    """The meeting's recorded steps, for the office running it and conveners."""
    _, body = await load(uow, scope, meeting_id)
    if not (runs(scope, body) or scope.principal.has(Role.CONVENER)):
        raise NotTheMeetingOffice("Only the office running the meeting or a convener reads its record.")
    return await actions_of(uow, meeting_id)


def move(meeting: Meeting, target: str, action: str, now: datetime) -> None:
    """Take one step of the state machine (`rules.STEPS`), or refuse with 409 naming the allowed next states."""
    if not may_take(meeting.state, action):
        raise InvalidTransition(meeting.state, action)
    assert STEP_BY_ACTION[action].target == target, (action, target)
    meeting.state = target
    meeting.updated_at = now


def check_in_future(held_on: date, today: date) -> None:
    if held_on <= today:
        raise Conflict(
            f"The meeting day {held_on} is not after today ({today}, Asia/Shanghai).",
            errors=[
                field_error(
                    "held_on", "in-future", "The meeting day must be after today", "会议日期须晚于今天"
                )
            ],
        )


def check_topic_window_open(topics_close_at: datetime, now: datetime) -> None:
    """An ad hoc meeting is called while its topic submission is still open."""
    if topics_close_at <= now:
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


def check_day_changed(meeting: Meeting, held_on: date) -> None:
    if held_on == meeting.held_on:
        raise Conflict(
            errors=[field_error("held_on", "changed", "The meeting is already on that day", "会议已定于该日")]
        )


@dataclass(frozen=True)
class NewMeeting:
    """What a meeting is scheduled with: an ad hoc one by the office, a regular one by its body's series."""

    title: str
    held_on: date
    location: str | None
    windows: Windows
    ad_hoc: bool
    series_key: str | None

    def row(self, body: MeetingBody, actor: Principal | None, now: datetime) -> Meeting:
        return Meeting(
            id=uuid.uuid4(),
            body_id=body.id,
            title=self.title,
            ad_hoc=self.ad_hoc,
            series_key=self.series_key,
            held_on=self.held_on,
            location=self.location,
            state="scheduled",
            topic_days=self.windows.topic_days,
            agenda_days=self.windows.agenda_days,
            circulation_days=self.windows.circulation_days,
            schedule_generation=1,
            created_by=actor.user_id if actor else None,
            created_at=now,
            updated_at=now,
        )


async def schedule_meeting(
    uow: UnitOfWork, actor: Principal | None, body: MeetingBody, new: NewMeeting
) -> Meeting:
    now = uow.clock.now()
    meeting = new.row(body, actor, now)
    meetings = MeetingRepository(uow.session)
    meetings.add(meeting)
    await meetings.flush()
    await plan_meeting(uow, meeting, body, now)
    await publish_and_record(
        uow,
        MeetingScheduled(
            meeting=meeting_ref(meeting, body),
            deadlines=event_deadlines(meeting, body),
            units=owing_all(await members(uow, body)),
            office=await office_of(uow, body),
        ),
        actor,
        "meeting-scheduled",
        Subject.meeting(meeting),
        {"held_on": new.held_on.isoformat(), "ad_hoc": new.ad_hoc, "series_key": new.series_key},
    )
    return meeting


async def call_ad_hoc(
    uow: UnitOfWork, scope: Scope, command: AdHocMeetingCreate
) -> tuple[Meeting, MeetingBody]:
    clock = uow.clock
    body = await get_body(uow, command.body_id, scope=scope)
    ensure_runs(scope, body)
    check_in_future(command.held_on, business_today(clock))
    windows = Windows(command.topic_days, command.agenda_days, command.circulation_days)
    check_topic_window_open(
        schedule(command.held_on, windows, body.reminder_hour).topics_close_at, clock.now()
    )
    new = NewMeeting(command.title, command.held_on, command.location, windows, ad_hoc=True, series_key=None)
    return await schedule_meeting(uow, scope.principal, body, new), body


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
        title = f"{body.name}（{day.year}年{day.month}月）"
        new = NewMeeting(title, day, None, windows, ad_hoc=False, series_key=key)
        created.append(await schedule_meeting(uow, actor, body, new))
    return created


async def generate_series_of(
    uow: UnitOfWork, scope: Scope, body_id: uuid.UUID, months_ahead: int | None
) -> tuple[list[Meeting], MeetingBody]:
    """The office running the body generates its series ahead now."""
    body = await get_body(uow, body_id, for_update=True, scope=scope)
    ensure_runs(scope, body)
    return await generate_series(uow, scope.principal, body, months_ahead), body


# what still lies ahead of a meeting in each state, and must lie ahead of now on the new day
PENDING_DEADLINE: dict[str, tuple[str, str, str]] = {
    "scheduled": ("topics_close_at", "the topic cut-off", "议题征集截止时间"),
    "collecting_topics": ("topics_close_at", "the topic cut-off", "议题征集截止时间"),
    "drafting_agenda": ("agenda_due_at", "the agenda's submission to the convener", "议程报送审定时限"),
    "awaiting_approval": ("circulation_at", "the agenda's approval and circulation", "议程审定印发时间"),
    "approved": ("circulation_at", "the agenda's approval and circulation", "议程审定印发时间"),
}


def check_deadline_ahead(state: str, held_on: date, times: Schedule, now: datetime) -> None:
    """Rescheduling is refused as calling the meeting would be: on the new day, the next deadline the meeting
    is waiting for must not already be past (409 naming `held_on`, with that `deadline`)."""
    if state not in PENDING_DEADLINE:
        return  # circulated: only the day itself, checked by `check_in_future`
    name, what, what_zh = PENDING_DEADLINE[state]
    deadline: datetime = getattr(times, name)
    if deadline <= now:
        raise Conflict(
            f"On {held_on} {what} ({deadline.isoformat()}) would already be past.",
            errors=[
                field_error(
                    "held_on",
                    "window-open",
                    f"On that day {what} would already be past: choose a later day",
                    f"改期后{what_zh}已过：请选择更晚的会议日期",
                )
            ],
            extra={"deadline": deadline.isoformat()},
        )


async def reschedule(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID, held_on: date, reason: str
) -> tuple[Meeting, MeetingBody]:
    """Every deadline moves (a new generation of rows; the old one's pending rows are cancelled and never
    fire); a meeting drafting its agenda whose topic cut-off is again ahead goes back to collecting topics."""
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    if meeting.state not in MOVABLE_STATES:
        raise InvalidTransition(meeting.state, "reschedule")
    check_in_future(held_on, business_today(uow.clock))
    check_day_changed(meeting, held_on)
    now = uow.clock.now()
    times = schedule(held_on, windows_of(meeting), body.reminder_hour)
    reopen = meeting.state == "drafting_agenda" and times.topics_close_at > now
    check_deadline_ahead("collecting_topics" if reopen else meeting.state, held_on, times, now)
    previous = meeting.held_on
    meeting.held_on = held_on
    meeting.schedule_generation += 1
    meeting.updated_at = now
    if reopen:
        move(meeting, "collecting_topics", "reopen topic collection", now)
    await MeetingRepository(uow.session).flush()
    await replan_meeting(uow, meeting, body, now)
    await publish_and_record(
        uow,
        MeetingRescheduled(
            meeting=meeting_ref(meeting, body),
            previous_held_on=previous,
            deadlines=event_deadlines(meeting, body),
            reason=reason,
            units=owing_all(await members(uow, body)),
            office=await office_of(uow, body),
        ),
        scope.principal,
        "meeting-rescheduled",
        Subject.meeting(meeting),
        {"from": previous.isoformat(), "to": held_on.isoformat(), "reason": reason},
    )
    if reopen:
        detail = {"trigger": "meeting-rescheduled", "topics_close_at": times.topics_close_at.isoformat()}
        record(uow, scope.principal, "topic-collection-reopened", Subject.meeting(meeting), detail)
    return meeting, body


async def cancel(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID, reason: str
) -> tuple[Meeting, MeetingBody]:
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    now = uow.clock.now()
    move(meeting, "cancelled", "cancel", now)
    meeting.cancel_reason = reason
    await MeetingRepository(uow.session).flush()
    await cancel_for(uow, meeting.id, now)
    await publish_and_record(
        uow,
        MeetingCancelled(
            meeting=meeting_ref(meeting, body),
            reason=reason,
            units=owing_all(await members(uow, body)),
            office=await office_of(uow, body),
        ),
        scope.principal,
        "meeting-cancelled",
        Subject.meeting(meeting),
        {"reason": reason},
    )
    return meeting, body
