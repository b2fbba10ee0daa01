"""The meeting record (会议记录): attendance when it is held, the minutes, and closing the meeting."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_meetings.audit.service import record
from gongjian_meetings.meetings.errors import InvalidTransition
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


async def _attendance(session: AsyncSession, meeting: Meeting, entries: Sequence[AttendanceEntry]) -> None:
    known = {row["unit_id"] for row in await ReplicaRepository(session).many(e.unit_id for e in entries)}
    problems = [
        field_error(f"attendance.{i}.unit_id", "known-unit", f"No unit {e.unit_id}", "单位不存在")
        for i, e in enumerate(entries)
        if e.unit_id not in known
    ]
    if len({e.unit_id for e in entries}) != len(entries):
        problems.append(field_error("attendance", "unique-unit", "Each unit once", "每个单位只能出现一次"))
    if problems:
        raise RuleViolation(errors=problems)
    await AttendanceRepository(session).replace(
        meeting.id,
        [
            Attendance(
                meeting_id=meeting.id, unit_id=e.unit_id, attendee=e.attendee, present=e.present, note=e.note
            )
            for e in entries
        ],
    )


async def hold(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID, entries: Sequence[AttendanceEntry]
) -> tuple[Meeting, MeetingBody]:
    session, clock, principal = uow.session, uow.clock, scope.principal
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    if business_today(clock) < meeting.held_on:
        raise Conflict(
            f"The meeting is on {meeting.held_on}.",
            errors=[
                field_error(
                    "held_on", "meeting-day-reached", "The meeting day has not come", "尚未到会议日期"
                )
            ],
        )
    move(meeting, "held", "record the meeting as held", clock.now())
    await _attendance(session, meeting, entries)
    record(
        session,
        clock,
        principal,
        "meeting-held",
        subject_kind="meeting",
        subject_id=meeting.id,
        meeting_id=meeting.id,
        detail={"present": sum(e.present for e in entries), "listed": len(entries)},
    )
    return meeting, body


async def correct_attendance(
    uow: UnitOfWork,
    scope: Scope,
    meeting_id: uuid.UUID,
    entries: Sequence[AttendanceEntry],
    if_match: str | None,
) -> tuple[Meeting, MeetingBody]:
    session, clock, principal = uow.session, uow.clock, scope.principal
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    require_if_match(if_match, meeting.revision)
    if meeting.state != "held":
        raise InvalidTransition(meeting.state, "correct the attendance")
    await _attendance(session, meeting, entries)
    meeting.updated_at = clock.now()  # the meeting's record changed: a new revision
    record(
        session,
        clock,
        principal,
        "attendance-corrected",
        subject_kind="meeting",
        subject_id=meeting.id,
        meeting_id=meeting.id,
    )
    return meeting, body


async def write_minutes(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID, text: str, if_match: str | None
) -> tuple[Meeting, MeetingBody]:
    session, clock, principal = uow.session, uow.clock, scope.principal
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    require_if_match(if_match, meeting.revision)
    if meeting.state != "held":
        raise InvalidTransition(meeting.state, "write the minutes")
    meeting.minutes, meeting.updated_at = text, clock.now()
    record(
        session,
        clock,
        principal,
        "minutes-written",
        subject_kind="meeting",
        subject_id=meeting.id,
        meeting_id=meeting.id,
        detail={"length": len(text)},
    )
    return meeting, body


async def publish_minutes(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID
) -> tuple[Meeting, MeetingBody]:
    session, clock, principal = uow.session, uow.clock, scope.principal
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    if meeting.state == "held" and not meeting.minutes:
        raise RuleViolation(
            errors=[field_error("minutes", "required", "Write the minutes first", "请先填写会议纪要")]
        )
    move(meeting, "minutes_published", "publish the minutes", clock.now())
    meeting.minutes_published_at = clock.now()
    record(
        session,
        clock,
        principal,
        "minutes-published",
        subject_kind="meeting",
        subject_id=meeting.id,
        meeting_id=meeting.id,
    )
    return meeting, body


async def close(uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID) -> tuple[Meeting, MeetingBody]:
    session, clock, principal = uow.session, uow.clock, scope.principal
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    if meeting.state == "minutes_published":
        open_count = await ResolutionRepository(session).open_count(meeting.id)
        if open_count:
            raise ResolutionsOpen(f"{open_count} resolutions are still open (尚有 {open_count} 项未办结).")
    move(meeting, "closed", "close the meeting", clock.now())
    record(
        session,
        clock,
        principal,
        "meeting-closed",
        subject_kind="meeting",
        subject_id=meeting.id,
        meeting_id=meeting.id,
    )
    return meeting, body
