from __future__ import annotations

import uuid

from fastapi import Response

from gongjian_meetings.agendas import service
from gongjian_meetings.agendas.document import MEDIA_TYPE, agenda_docx
from gongjian_meetings.agendas.schemas import AgendaOut, AgendaReturn, AgendaSubmit
from gongjian_meetings.deps import CurrentScope, UnitOfWorkDep
from gongjian_meetings.meetings.schemas import MeetingOut
from gongjian_meetings.meetings.service import to_out
from gongjian_shared.errors import problem_responses
from gongjian_shared.routing import ServiceRouter

router = ServiceRouter(prefix="/api/v1/meetings", tags=["agendas"])

ERRORS = problem_responses(401, 403, 404, 409, 422)
DOCX_RESPONSES = problem_responses(401, 403, 404, 422)
DOCX_RESPONSES[200] = {"content": {MEDIA_TYPE: {}}, "description": "The agenda as a Word document"}


@router.get("/{meeting_id}/agenda", response_model=AgendaOut, responses=problem_responses(401, 403, 404, 422))
async def get_agenda(meeting_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope) -> AgendaOut:
    """The agenda as JSON (会议议程): the office running the meeting and conveners always, the units that see
    the meeting once circulated."""
    return await service.view(uow, scope, meeting_id)


@router.get(
    "/{meeting_id}/agenda.docx",
    response_class=Response,
    responses=DOCX_RESPONSES,
)
async def download_agenda(meeting_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope) -> Response:
    """The agenda as a downloadable Word document (议程下载) with the topics and their background figures."""
    agenda = await service.view(uow, scope, meeting_id)
    return Response(
        agenda_docx(agenda),
        media_type=MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="agenda-{meeting_id}.docx"'},
    )


@router.post("/{meeting_id}/agenda/submit", response_model=MeetingOut, responses=ERRORS)
async def submit_agenda(
    meeting_id: uuid.UUID, body: AgendaSubmit, uow: UnitOfWorkDep, scope: CurrentScope
) -> MeetingOut:
    """The office submits the draft agenda to the convener (报送审定), due by D-7."""
    return to_out(*await service.submit(uow, scope, meeting_id, body.office_notes))


@router.post("/{meeting_id}/agenda/approve", response_model=MeetingOut, responses=ERRORS)
async def approve_agenda(meeting_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope) -> MeetingOut:
    """The convener approves the agenda (召集人审定); emits `agenda-approved`."""
    return to_out(*await service.approve(uow, scope, meeting_id))


@router.post("/{meeting_id}/agenda/return", response_model=MeetingOut, responses=ERRORS)
async def return_agenda(
    meeting_id: uuid.UUID, body: AgendaReturn, uow: UnitOfWorkDep, scope: CurrentScope
) -> MeetingOut:
    """The convener returns the draft with comments (退回修改); emits `agenda-returned`."""
    return to_out(*await service.return_agenda(uow, scope, meeting_id, body.comments))


@router.post("/{meeting_id}/agenda/circulate", response_model=MeetingOut, responses=ERRORS)
async def circulate_agenda(meeting_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope) -> MeetingOut:
    """The office circulates the approved agenda now (印发议程); the scheduler does it at D-3 otherwise."""
    return to_out(*await service.circulate_now(uow, scope, meeting_id))
