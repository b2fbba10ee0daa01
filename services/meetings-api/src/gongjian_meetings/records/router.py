from __future__ import annotations

import uuid

from fastapi import Response

from gongjian_meetings.deps import CurrentScope, UnitOfWorkDep
from gongjian_meetings.meetings.schemas import MeetingOut
from gongjian_meetings.meetings.service import to_out
from gongjian_meetings.records import service
from gongjian_meetings.resolutions.schemas import AttendanceOut, AttendancePage, HoldMeeting, Minutes
from gongjian_shared.concurrency import IF_MATCH_REQUIRED, IfMatchDep, etag_header, set_etag
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.routing import ServiceRouter

router = ServiceRouter(prefix="/api/v1/meetings", tags=["meeting-record"])

ERRORS = problem_responses(401, 403, 404, 409, 422)
UPDATE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428) | etag_header()


@router.post("/{meeting_id}/hold", response_model=MeetingOut, responses=ERRORS)
async def hold_meeting(
    meeting_id: uuid.UUID, body: HoldMeeting, uow: UnitOfWorkDep, scope: CurrentScope
) -> MeetingOut:
    """The meeting took place (会议已召开), with its attendance; resolutions can now be recorded."""
    return to_out(*await service.hold(uow, scope, meeting_id, body.attendance))


@router.put(
    "/{meeting_id}/attendance",
    response_model=MeetingOut,
    responses=UPDATE_ERRORS,
    openapi_extra=IF_MATCH_REQUIRED,
)
async def correct_attendance(
    meeting_id: uuid.UUID,
    body: HoldMeeting,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    if_match: IfMatchDep,
    response: Response,
) -> MeetingOut:
    """Correct the attendance (修改出席情况) while the meeting's record is open; `If-Match` carries the
    meeting's ETag."""
    meeting, meeting_body = await service.correct_attendance(
        uow, scope, meeting_id, body.attendance, if_match
    )
    await uow.session.flush()
    set_etag(response, meeting.revision)
    return to_out(meeting, meeting_body)


@router.get(
    "/{meeting_id}/attendance",
    response_model=AttendancePage,
    responses=problem_responses(401, 403, 404, 422),
)
async def list_attendance(
    meeting_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope, paging: PagingDep
) -> AttendancePage:
    """Attendance (出席情况)."""
    rows = await service.attendance(uow, scope, meeting_id)
    return AttendancePage.cut([AttendanceOut.model_validate(a) for a in rows], paging)


@router.put(
    "/{meeting_id}/minutes",
    response_model=MeetingOut,
    responses=UPDATE_ERRORS,
    openapi_extra=IF_MATCH_REQUIRED,
)
async def write_minutes(
    meeting_id: uuid.UUID,
    body: Minutes,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    if_match: IfMatchDep,
    response: Response,
) -> MeetingOut:
    """Write the minutes (会议纪要); `If-Match` carries the meeting's ETag."""
    meeting, meeting_body = await service.write_minutes(uow, scope, meeting_id, body.text, if_match)
    await uow.session.flush()
    set_etag(response, meeting.revision)
    return to_out(meeting, meeting_body)


@router.get(
    "/{meeting_id}/minutes", response_model=Minutes, responses=problem_responses(401, 403, 404, 409, 422)
)
async def read_minutes(meeting_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope) -> Minutes:
    """The minutes: the office running the meeting while drafting, everyone who sees it once published."""
    return Minutes(text=await service.read_minutes(uow, scope, meeting_id))


@router.post("/{meeting_id}/minutes/publish", response_model=MeetingOut, responses=ERRORS)
async def publish_minutes(meeting_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope) -> MeetingOut:
    """Publish the minutes (印发会议纪要)."""
    return to_out(*await service.publish_minutes(uow, scope, meeting_id))


@router.post("/{meeting_id}/close", response_model=MeetingOut, responses=ERRORS)
async def close_meeting(meeting_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope) -> MeetingOut:
    """Close the meeting (会议闭环) once every resolution is closed."""
    return to_out(*await service.close(uow, scope, meeting_id))
