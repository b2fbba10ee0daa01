from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Request, status

from gongjian_meetings.audit.repository import ActionRepository
from gongjian_meetings.audit.schemas import ActionOut
from gongjian_meetings.bodies.repository import BodyRepository
from gongjian_meetings.bodies.service import get_body
from gongjian_meetings.deadlines.repository import DeadlineRepository
from gongjian_meetings.meetings import service
from gongjian_meetings.meetings.repository import MeetingRepository
from gongjian_meetings.meetings.schemas import (
    AdHocMeetingCreate,
    Cancel,
    DeadlineOut,
    MeetingOut,
    Reschedule,
    SeriesGenerate,
)
from gongjian_meetings.models import MEETING_STATES
from gongjian_shared.auth import CurrentPrincipal, Principal, Role, require_roles
from gongjian_shared.db import SessionDep
from gongjian_shared.errors import InvalidInput, field_error, problem_responses

router = APIRouter(prefix="/api/v1/meetings", tags=["meetings"])
series_router = APIRouter(prefix="/api/v1/meeting-bodies", tags=["meeting-bodies"])

OfficeOnly = Annotated[Principal, require_roles(Role.OFFICE, Role.ADMIN)]
OfficeOrConvener = Annotated[Principal, require_roles(Role.OFFICE, Role.ADMIN, Role.CONVENER)]


@router.get("", response_model=list[MeetingOut], responses=problem_responses(401, 422))
async def list_meetings(
    session: SessionDep,
    _: CurrentPrincipal,
    body_id: uuid.UUID | None = None,
    state: str | None = None,
    held_from: date | None = None,
    held_to: date | None = None,
) -> list[MeetingOut]:
    """Meetings (会议列表), by body, state and day."""
    if state is not None and state not in MEETING_STATES:
        raise InvalidInput(
            errors=[field_error("state", "enum", f"One of {', '.join(MEETING_STATES)}", "会议状态取值无效")]
        )
    meetings = await MeetingRepository(session).list(
        body_id=body_id, state=state, held_from=held_from, held_to=held_to
    )
    bodies = await BodyRepository(session).many(list({m.body_id for m in meetings}))
    return [service.to_out(meeting, bodies[meeting.body_id]) for meeting in meetings]


@router.post(
    "",
    response_model=MeetingOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 422),
)
async def call_ad_hoc_meeting(
    request: Request, body: AdHocMeetingCreate, session: SessionDep, principal: OfficeOnly
) -> MeetingOut:
    """Call an ad hoc meeting (召开临时会议) with its own windows; emits `meeting-scheduled`."""
    state = request.app.state
    meeting, meeting_body = await service.call_ad_hoc(session, state.outbox, state.clock, principal, body)
    return service.to_out(meeting, meeting_body)


@router.get("/{meeting_id}", response_model=MeetingOut, responses=problem_responses(401, 404, 422))
async def get_meeting(meeting_id: uuid.UUID, session: SessionDep, _: CurrentPrincipal) -> MeetingOut:
    """One meeting with its state, allowed next states and deadlines (会议详情)."""
    meeting = await service.get_meeting(session, meeting_id)
    return service.to_out(meeting, await get_body(session, meeting.body_id))


@router.post(
    "/{meeting_id}/reschedule",
    response_model=MeetingOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def reschedule_meeting(
    request: Request, meeting_id: uuid.UUID, body: Reschedule, session: SessionDep, principal: OfficeOnly
) -> MeetingOut:
    """Move the meeting (会议改期): every deadline moves; emits `meeting-rescheduled`."""
    state = request.app.state
    meeting, meeting_body = await service.reschedule(
        session, state.outbox, state.clock, principal, meeting_id, body.held_on, body.reason
    )
    return service.to_out(meeting, meeting_body)


@router.post(
    "/{meeting_id}/cancel", response_model=MeetingOut, responses=problem_responses(401, 403, 404, 409, 422)
)
async def cancel_meeting(
    request: Request, meeting_id: uuid.UUID, body: Cancel, session: SessionDep, principal: OfficeOnly
) -> MeetingOut:
    """Call the meeting off (取消会议): pending deadlines are cancelled; emits `meeting-cancelled`."""
    state = request.app.state
    meeting, meeting_body = await service.cancel(
        session, state.outbox, state.clock, principal, meeting_id, body.reason
    )
    return service.to_out(meeting, meeting_body)


@router.post(
    "/{meeting_id}/open-topics",
    response_model=MeetingOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def open_topic_collection(
    request: Request, meeting_id: uuid.UUID, session: SessionDep, principal: OfficeOnly
) -> MeetingOut:
    """Open topic collection (开始征集议题)."""
    meeting = await service.get_meeting(session, meeting_id, for_update=True)
    await service.open_topics(session, request.app.state.clock, principal, meeting)
    return service.to_out(meeting, await get_body(session, meeting.body_id))


@router.get(
    "/{meeting_id}/deadlines",
    response_model=list[DeadlineOut],
    responses=problem_responses(401, 403, 404, 422),
)
async def list_deadlines(meeting_id: uuid.UUID, session: SessionDep, _: OfficeOnly) -> list[DeadlineOut]:
    """The meeting's deadline rows and their resolutions' (到期事项), fired or pending."""
    await service.get_meeting(session, meeting_id)
    rows = await DeadlineRepository(session).for_meeting(meeting_id)
    return [DeadlineOut.model_validate(row) for row in rows]


@router.get(
    "/{meeting_id}/actions", response_model=list[ActionOut], responses=problem_responses(401, 403, 404, 422)
)
async def list_actions(meeting_id: uuid.UUID, session: SessionDep, _: OfficeOrConvener) -> list[ActionOut]:
    """Every recorded step of the meeting with actor and time (操作记录)."""
    await service.get_meeting(session, meeting_id)
    return [ActionOut.model_validate(a) for a in await ActionRepository(session).for_meeting(meeting_id)]


@series_router.post(
    "/{body_id}/series",
    response_model=list[MeetingOut],
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 422),
)
async def generate_series(
    request: Request, body_id: uuid.UUID, body: SeriesGenerate, session: SessionDep, principal: OfficeOnly
) -> list[MeetingOut]:
    """Generate the regular series ahead (生成定期会议); returns the meetings created now."""
    state = request.app.state
    meeting_body = await get_body(session, body_id, for_update=True)
    created = await service.generate_series(
        session, state.outbox, state.clock, principal, meeting_body, body.months_ahead
    )
    return [service.to_out(meeting, meeting_body) for meeting in created]
