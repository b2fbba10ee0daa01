"""The meeting record (会议记录): attendance when it is held, the minutes, and closing the meeting."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from gongjian_meetings.access import runs
from gongjian_meetings.audit.service import Subject, record
from gongjian_meetings.meetings.errors import InvalidTransition, MeetingNotFound
from gongjian_meetings.meetings.service import load, move
from gongjian_meetings.members.repository import ReplicaRepository
from gongjian_meetings.models import Attendance, Meeting, MeetingBody
from gongjian_meetings.records.errors import ResolutionsOpen
from gongjian_meetings.records.repository import AttendanceRepository
from gongjian_meetings.resolutions.repository import ResolutionRepository
from gongjian_meetings.resolutions.schemas import AttendanceEntry
from gongjian_shared.access import Scope
from gongjian_shared.clock import business_today
from gongjian_shared.concurrency import require_if_match
from gongjian_shared.errors import Conflict, RuleViolation, field_error
from gongjian_shared.uow import UnitOfWork


async def check_attendance(uow: UnitOfWork, entries: Sequence[AttendanceEntry]) -> None:
    """Every unit listed is known, and listed once."""
    known = {row["unit_id"] for row in await ReplicaRepository(uow.session).many(e.unit_id for e in entries)}
    problems = [
        field_error(f"attendance.{i}.unit_id", "known-unit", f"No unit {e.unit_id}", "单位不存在")
        for i, e in enumerate(entries)
        if e.unit_id not in known
    ]
    if len({e.unit_id for e in entries}) != len(entries):
        problems.append(field_error("attendance", "unique-unit", "Each unit once", "每个单位只能出现一次"))
    if problems:
        raise RuleViolation(errors=problems)


async def _replace_attendance(uow: UnitOfWork, meeting: Meeting, entries: Sequence[AttendanceEntry]) -> None:
    await check_attendance(uow, entries)
    await AttendanceRepository(uow.session).replace(
        meeting.id,
        [
            Attendance(
                meeting_id=meeting.id, unit_id=e.unit_id, attendee=e.attendee, present=e.present, note=e.note
            )
            for e in entries
        ],
    )


def check_meeting_day_reached(uow: UnitOfWork, meeting: Meeting) -> None:
    if business_today(uow.clock) < meeting.held_on:
        raise Conflict(
            f"The meeting is on {meeting.held_on}.",
            errors=[
                field_error(
                    "held_on", "meeting-day-reached", "The meeting day has not come", "尚未到会议日期"
                )
            ],
        )


def check_minutes_written(meeting: Meeting) -> None:
    if meeting.state == "held" and not meeting.minutes:
        raise RuleViolation(
            errors=[field_error("minutes", "required", "Write the minutes first", "请先填写会议纪要")]
        )


async def hold(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID, entries: Sequence[AttendanceEntry]
) -> tuple[Meeting, MeetingBody]:
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    check_meeting_day_reached(uow, meeting)
    move(meeting, "held", "record the meeting as held", uow.clock.now())
    await _replace_attendance(uow, meeting, entries)
    detail = {"present": sum(e.present for e in entries), "listed": len(entries)}
    record(uow, scope.principal, "meeting-held", Subject.meeting(meeting), detail)
    return meeting, body


async def correct_attendance(
    uow: UnitOfWork,
    scope: Scope,
    meeting_id: uuid.UUID,
    entries: Sequence[AttendanceEntry],
    if_match: str | None,
) -> tuple[Meeting, MeetingBody]:
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    require_if_match(if_match, meeting.revision)
    if meeting.state != "held":
        raise InvalidTransition(meeting.state, "correct the attendance")
    await _replace_attendance(uow, meeting, entries)
    meeting.updated_at = uow.clock.now()  # the meeting's record changed: a new revision
    record(uow, scope.principal, "attendance-corrected", Subject.meeting(meeting))
    return meeting, body


async def attendance(uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID) -> Sequence[Attendance]:
    """The attendance of a meeting the caller sees."""
    await load(uow, scope, meeting_id)
    return await AttendanceRepository(uow.session).for_meeting(meeting_id)


async def write_minutes(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID, text: str, if_match: str | None
) -> tuple[Meeting, MeetingBody]:
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    require_if_match(if_match, meeting.revision)
    if meeting.state != "held":
        raise InvalidTransition(meeting.state, "write the minutes")
    meeting.minutes, meeting.updated_at = text, uow.clock.now()
    record(uow, scope.principal, "minutes-written", Subject.meeting(meeting), {"length": len(text)})
    return meeting, body


async def read_minutes(uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID) -> str:
    """The office running the meeting while drafting, everyone who sees it once published."""
    meeting, body = await load(uow, scope, meeting_id)
    if not meeting.minutes or (meeting.minutes_published_at is None and not runs(scope, body)):
        raise MeetingNotFound("No published minutes for this meeting yet (纪要尚未印发).")
    return meeting.minutes


async def publish_minutes(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID
) -> tuple[Meeting, MeetingBody]:
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    check_minutes_written(meeting)
    move(meeting, "minutes_published", "publish the minutes", uow.clock.now())
    meeting.minutes_published_at = uow.clock.now()
    record(uow, scope.principal, "minutes-published", Subject.meeting(meeting))
    return meeting, body


async def check_resolutions_closed(uow: UnitOfWork, meeting: Meeting) -> None:
    """A meeting whose minutes are out closes once every resolution is closed."""
    if meeting.state == "minutes_published":
        open_count = await ResolutionRepository(uow.session).open_count(meeting.id)
        if open_count:
            raise ResolutionsOpen(f"{open_count} resolutions are still open (尚有 {open_count} 项未办结).")


async def close(uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID) -> tuple[Meeting, MeetingBody]:
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    await check_resolutions_closed(uow, meeting)
    move(meeting, "closed", "close the meeting", uow.clock.now())
    record(uow, scope.principal, "meeting-closed", Subject.meeting(meeting))
    return meeting, body
