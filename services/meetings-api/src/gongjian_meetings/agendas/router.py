from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request, Response

from gongjian_meetings.agendas import service
from gongjian_meetings.agendas.document import MEDIA_TYPE, agenda_docx
from gongjian_meetings.agendas.schemas import AgendaOut, AgendaReturn, AgendaSubmit
from gongjian_meetings.bodies.service import get_body
from gongjian_meetings.meetings.schemas import MeetingOut
from gongjian_meetings.meetings.service import to_out
from gongjian_shared.auth import CurrentPrincipal, Principal, Role, require_roles
from gongjian_shared.db import SessionDep
from gongjian_shared.errors import problem_responses

router = APIRouter(prefix="/api/v1/meetings", tags=["agendas"])

OfficeOnly = Annotated[Principal, require_roles(Role.OFFICE, Role.ADMIN)]
ERRORS = problem_responses(401, 403, 404, 409, 422)
DOCX_RESPONSES = problem_responses(401, 403, 404, 422)
DOCX_RESPONSES[200] = {"content": {MEDIA_TYPE: {}}, "description": "The agenda as a Word document"}


@router.get("/{meeting_id}/agenda", response_model=AgendaOut, responses=problem_responses(401, 403, 404, 422))
async def get_agenda(meeting_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> AgendaOut:
    """The agenda as JSON (会议议程): the office and convener always, member units once circulated."""
    return await service.view(session, principal, meeting_id)


@router.get(
    "/{meeting_id}/agenda.docx",
    response_class=Response,
    responses=DOCX_RESPONSES,
)
async def download_agenda(
    meeting_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    """The agenda as a downloadable Word document (议程下载) with the topics and their background figures."""
    agenda = await service.view(session, principal, meeting_id)
    return Response(
        agenda_docx(agenda),
        media_type=MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="agenda-{meeting_id}.docx"'},
    )


@router.post("/{meeting_id}/agenda/submit", response_model=MeetingOut, responses=ERRORS)
async def submit_agenda(
    request: Request, meeting_id: uuid.UUID, body: AgendaSubmit, session: SessionDep, principal: OfficeOnly
) -> MeetingOut:
    """The office submits the draft agenda to the convener (报送审定), due by D-7."""
    meeting = await service.submit(session, request.app.state.clock, principal, meeting_id, body.office_notes)
    return to_out(meeting, await get_body(session, meeting.body_id))


@router.post("/{meeting_id}/agenda/approve", response_model=MeetingOut, responses=ERRORS)
async def approve_agenda(
    request: Request, meeting_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> MeetingOut:
    """The convener approves the agenda (召集人审定); emits `agenda-approved`."""
    state = request.app.state
    meeting = await service.approve(session, state.outbox, state.clock, principal, meeting_id)
    return to_out(meeting, await get_body(session, meeting.body_id))


@router.post("/{meeting_id}/agenda/return", response_model=MeetingOut, responses=ERRORS)
async def return_agenda(
    request: Request,
    meeting_id: uuid.UUID,
    body: AgendaReturn,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> MeetingOut:
    """The convener returns the draft with comments (退回修改); emits `agenda-returned`."""
    state = request.app.state
    meeting = await service.return_agenda(
        session, state.outbox, state.clock, principal, meeting_id, body.comments
    )
    return to_out(meeting, await get_body(session, meeting.body_id))


@router.post("/{meeting_id}/agenda/circulate", response_model=MeetingOut, responses=ERRORS)
async def circulate_agenda(
    request: Request, meeting_id: uuid.UUID, session: SessionDep, principal: OfficeOnly
) -> MeetingOut:
    """The office circulates the approved agenda now (印发议程); the scheduler does it at D-3 otherwise."""
    state = request.app.state
    meeting = await service.circulate_now(session, state.outbox, state.clock, principal, meeting_id)
    return to_out(meeting, await get_body(session, meeting.body_id))
