"""Planning deadlines as rows (到期事项): every reminder and cut-off of a meeting and of a resolution.

Cut-offs (topics closed, circulation) stay on calendar days; reminders and escalation steps move to
working days when the body asks for it. A reminder whose time has already passed when it is planned is
not planned at all: an ad hoc meeting called with short windows gets no stale "closing in 3 days".
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from gongjian_meetings.deadlines.repository import DeadlineRepository
from gongjian_meetings.meetings.rules import Windows, after_days, at_hour, reminder_day, schedule
from gongjian_meetings.models import Deadline, Meeting, MeetingBody
from gongjian_shared.uow import UnitOfWork

TOPICS_CLOSING_3D = "topics-closing-3d"
TOPICS_CLOSING_1D = "topics-closing-1d"
TOPICS_CLOSED = "topics-closed"
AGENDA_REVIEW_DUE = "agenda-review-due"
APPROVAL_DUE = "approval-due"
CIRCULATION = "circulation"
MEETING_UPCOMING = "meeting-upcoming"
RESOLUTION_DUE_3D = "resolution-due-3d"
RESOLUTION_DUE_TODAY = "resolution-due-today"
RESOLUTION_OVERDUE = "resolution-overdue"


def windows_of(meeting: Meeting) -> Windows:
    return Windows(meeting.topic_days, meeting.agenda_days, meeting.circulation_days)


def _row(
    kind: str,
    meeting_id: uuid.UUID,
    subject_id: uuid.UUID,
    due_at: datetime,
    generation: int = 1,
    sequence: int = 0,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "meeting_id": meeting_id,
        "subject_id": subject_id,
        "generation": generation,
        "sequence": sequence,
        "due_at": due_at,
        "attempts": 0,
    }


def meeting_rows(meeting: Meeting, body: MeetingBody, now: datetime) -> list[dict[str, Any]]:
    times = schedule(meeting.held_on, windows_of(meeting), body.reminder_hour)
    last_topic_day = meeting.held_on - timedelta(days=meeting.topic_days)

    def remind(day: date) -> datetime:
        return at_hour(reminder_day(day, skip_holidays=body.skip_holidays), body.reminder_hour)

    reminders = {
        TOPICS_CLOSING_3D: remind(last_topic_day - timedelta(days=3)),
        TOPICS_CLOSING_1D: remind(last_topic_day - timedelta(days=1)),
        AGENDA_REVIEW_DUE: remind(meeting.held_on - timedelta(days=meeting.agenda_days)),
        APPROVAL_DUE: remind(meeting.held_on - timedelta(days=meeting.circulation_days + 1)),
        MEETING_UPCOMING: remind(meeting.held_on - timedelta(days=1)),
    }
    cutoffs = {TOPICS_CLOSED: times.topics_close_at, CIRCULATION: times.circulation_at}
    generation = meeting.schedule_generation
    rows = [_row(kind, meeting.id, meeting.id, at, generation) for kind, at in cutoffs.items()]
    rows += [_row(kind, meeting.id, meeting.id, at, generation) for kind, at in reminders.items() if at > now]
    return rows


async def plan_meeting(uow: UnitOfWork, meeting: Meeting, body: MeetingBody, now: datetime) -> None:
    await DeadlineRepository(uow.session).insert_planned(meeting_rows(meeting, body, now))


async def replan_meeting(uow: UnitOfWork, meeting: Meeting, body: MeetingBody, now: datetime) -> None:
    """Rescheduled: the old generation's pending rows are cancelled and every deadline is planned anew."""
    deadlines = DeadlineRepository(uow.session)
    await deadlines.cancel_pending(meeting.id, now)
    await deadlines.insert_planned(meeting_rows(meeting, body, now))


async def cancel_for(uow: UnitOfWork, subject_id: uuid.UUID, now: datetime) -> None:
    await DeadlineRepository(uow.session).cancel_pending(subject_id, now)


async def deadlines_of(uow: UnitOfWork, meeting_id: uuid.UUID) -> Sequence[Deadline]:
    """Every deadline row of the meeting and of its resolutions, fired, cancelled or pending."""
    return await DeadlineRepository(uow.session).for_meeting(meeting_id)


def first_overdue_day(due_on: date, body: MeetingBody) -> date:
    return after_days(due_on, 1, skip_holidays=body.skip_holidays)


async def plan_resolution(
    uow: UnitOfWork,
    meeting_id: uuid.UUID,
    resolution_id: uuid.UUID,
    due_on: date,
    body: MeetingBody,
    now: datetime,
) -> None:
    hour = body.reminder_hour
    reminders = {
        RESOLUTION_DUE_3D: at_hour(
            reminder_day(due_on - timedelta(days=3), skip_holidays=body.skip_holidays), hour
        ),
        RESOLUTION_DUE_TODAY: at_hour(reminder_day(due_on, skip_holidays=body.skip_holidays), hour),
    }
    rows = [_row(kind, meeting_id, resolution_id, at) for kind, at in reminders.items() if at > now]
    rows.append(
        _row(RESOLUTION_OVERDUE, meeting_id, resolution_id, at_hour(first_overdue_day(due_on, body), hour))
    )
    await DeadlineRepository(uow.session).insert_planned(rows)


async def plan_next_overdue(
    uow: UnitOfWork,
    meeting_id: uuid.UUID,
    resolution_id: uuid.UUID,
    sequence: int,
    fired_on: date,
    body: MeetingBody,
) -> None:
    """Overdue repeats every N days (N working days when asked) until the resolution is closed."""
    next_day = after_days(fired_on, body.overdue_every_days, skip_holidays=body.skip_holidays)
    row = _row(
        RESOLUTION_OVERDUE,
        meeting_id,
        resolution_id,
        at_hour(next_day, body.reminder_hour),
        sequence=sequence + 1,
    )
    await DeadlineRepository(uow.session).insert_planned([row])
