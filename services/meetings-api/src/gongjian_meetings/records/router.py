from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_meetings.bodies.service import get_body
from gongjian_meetings.meetings.errors import MeetingNotFound
from gongjian_meetings.meetings.schemas import MeetingOut
from gongjian_meetings.meetings.service import get_meeting, to_out
from gongjian_meetings.models import Meeting
from gongjian_meetings.records import service
from gongjian_meetings.records.repository import AttendanceRepository
from gongjian_meetings.resolutions.schemas import AttendanceOut, HoldMeeting, Minutes
from gongjian_shared.auth import CurrentPrincipal, Principal, Role, require_roles
from gongjian_shared.db import SessionDep
from gongjian_shared.errors import problem_responses

router = APIRouter(prefix="/api/v1/meetings", tags=["meeting-record"])

OfficeOnly = Annotated[Principal, require_roles(Role.OFFICE, Role.ADMIN)]
ERRORS = problem_responses(401, 403, 404, 409, 422)


async def _out(session: AsyncSession, meeting: Meeting) -> MeetingOut:
    return to_out(meeting, await get_body(session, meeting.body_id))


@router.post("/{meeting_id}/hold", response_model=MeetingOut, responses=ERRORS)
async def hold_meeting(
    request: Request, meeting_id: uuid.UUID, body: HoldMeeting, session: SessionDep, principal: OfficeOnly
) -> MeetingOut:
    """The meeting took place (会议已召开), with its attendance; resolutions can now be recorded."""
    meeting = await service.hold(session, request.app.state.clock, principal, meeting_id, body.attendance)
    return await _out(session, meeting)


@router.put("/{meeting_id}/attendance", response_model=MeetingOut, responses=ERRORS)
async def correct_attendance(
    request: Request, meeting_id: uuid.UUID, body: HoldMeeting, session: SessionDep, principal: OfficeOnly
) -> MeetingOut:
    """Correct the attendance (修改出席情况) while the meeting's record is open."""
    meeting = await service.correct_attendance(
        session, request.app.state.clock, principal, meeting_id, body.attendance
    )
    return await _out(session, meeting)


@router.get(
    "/{meeting_id}/attendance", response_model=list[AttendanceOut], responses=problem_responses(401, 404, 422)
)
async def list_attendance(
    meeting_id: uuid.UUID, session: SessionDep, _: CurrentPrincipal
) -> list[AttendanceOut]:
    """Attendance (出席情况)."""
    await get_meeting(session, meeting_id)
    return [
        AttendanceOut.model_validate(a) for a in await AttendanceRepository(session).for_meeting(meeting_id)
    ]


@router.put("/{meeting_id}/minutes", response_model=MeetingOut, responses=ERRORS)
async def write_minutes(
    request: Request, meeting_id: uuid.UUID, body: Minutes, session: SessionDep, principal: OfficeOnly
) -> MeetingOut:
    """Write the minutes (会议纪要)."""
    meeting = await service.write_minutes(session, request.app.state.clock, principal, meeting_id, body.text)
    return await _out(session, meeting)


@router.get("/{meeting_id}/minutes", response_model=Minutes, responses=problem_responses(401, 404, 409, 422))
async def read_minutes(meeting_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> Minutes:
    """The minutes: the office while drafting, everyone once published (会议纪要)."""
    meeting = await get_meeting(session, meeting_id)
    if not meeting.minutes or (meeting.minutes_published_at is None and not principal.is_office):
        raise MeetingNotFound("No published minutes for this meeting yet (纪要尚未印发).")
    return Minutes(text=meeting.minutes)


@router.post("/{meeting_id}/minutes/publish", response_model=MeetingOut, responses=ERRORS)
async def publish_minutes(
    request: Request, meeting_id: uuid.UUID, session: SessionDep, principal: OfficeOnly
) -> MeetingOut:
    """Publish the minutes (印发会议纪要)."""
    meeting = await service.publish_minutes(session, request.app.state.clock, principal, meeting_id)
    return await _out(session, meeting)


@router.post("/{meeting_id}/close", response_model=MeetingOut, responses=ERRORS)
async def close_meeting(
    request: Request, meeting_id: uuid.UUID, session: SessionDep, principal: OfficeOnly
) -> MeetingOut:
    """Close the meeting (会议闭环) once every resolution is closed."""
    meeting = await service.close(session, request.app.state.clock, principal, meeting_id)
    return await _out(session, meeting)
