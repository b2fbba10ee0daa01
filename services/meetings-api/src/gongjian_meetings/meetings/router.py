from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, Response, status

from gongjian_meetings.audit.schemas import ActionPage, MeetingActionOut
from gongjian_meetings.deps import CurrentScope, UnitOfWorkDep
from gongjian_meetings.meetings import collection, service
from gongjian_meetings.meetings.schemas import (
    AdHocMeetingCreate,
    Cancel,
    DeadlineOut,
    DeadlinePage,
    MeetingOut,
    MeetingPage,
    Reschedule,
    SeriesGenerate,
)
from gongjian_meetings.models import MEETING_STATES
from gongjian_shared.concurrency import etag_header, set_etag
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.types import Day

router = ServiceRouter(prefix="/api/v1/meetings", tags=["meetings"])
series_router = ServiceRouter(prefix="/api/v1/meeting-bodies", tags=["meeting-bodies"])

ERRORS = problem_responses(401, 403, 404, 409, 422)


@router.get("", response_model=MeetingPage, responses=problem_responses(401, 403, 422))
async def list_meetings(
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    paging: PagingDep,
    body_id: uuid.UUID | None = None,
    state: Annotated[str | None, Query(json_schema_extra={"enum": list(MEETING_STATES)})] = None,
    held_from: Day | None = None,
    held_to: Day | None = None,
) -> MeetingPage:
    """Meetings (会议列表), by body, state and day: the city's, and those of the caller's own county or zone
    (every body's for the office and conveners)."""
    rows, total = await service.list_meetings(
        uow,
        scope,
        body_id=body_id,
        state=state,
        held_from=held_from,
        held_to=held_to,
        paging=paging,
    )
    return MeetingPage.of([service.to_out(meeting, body) for meeting, body in rows], total, paging)


@router.post("", response_model=MeetingOut, status_code=status.HTTP_201_CREATED, responses=ERRORS)
async def call_ad_hoc_meeting(
    body: AdHocMeetingCreate, uow: UnitOfWorkDep, scope: CurrentScope
) -> MeetingOut:
    """Call an ad hoc meeting (召开临时会议) of a body the caller runs, with its own windows; emits
    `meeting-scheduled`."""
    meeting, meeting_body = await service.call_ad_hoc(uow, scope, body)
    return service.to_out(meeting, meeting_body)


@router.get(
    "/{meeting_id}",
    response_model=MeetingOut,
    responses=problem_responses(401, 403, 404, 422) | etag_header(),
)
async def get_meeting(
    meeting_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope, response: Response
) -> MeetingOut:
    """One meeting with its state, allowed next states and deadlines (会议详情); its ETag is the If-Match of
    the updates of its record (attendance, minutes, topic order)."""
    meeting, body = await service.load(uow, scope, meeting_id)
    set_etag(response, meeting.revision)
    return service.to_out(meeting, body)


@router.post("/{meeting_id}/reschedule", response_model=MeetingOut, responses=ERRORS)
async def reschedule_meeting(
    meeting_id: uuid.UUID, body: Reschedule, uow: UnitOfWorkDep, scope: CurrentScope
) -> MeetingOut:
    """Move the meeting (会议改期): every deadline moves; emits `meeting-rescheduled`. 409 naming `held_on` when
    the day is not after today or the deadline the meeting waits for would already be past; a meeting drafting
    its agenda goes back to collecting topics when its topic cut-off is ahead again."""
    return service.to_out(*await service.reschedule(uow, scope, meeting_id, body.held_on, body.reason))


@router.post("/{meeting_id}/cancel", response_model=MeetingOut, responses=ERRORS)
async def cancel_meeting(
    meeting_id: uuid.UUID, body: Cancel, uow: UnitOfWorkDep, scope: CurrentScope
) -> MeetingOut:
    """Call the meeting off (取消会议): pending deadlines are cancelled; emits `meeting-cancelled`."""
    return service.to_out(*await service.cancel(uow, scope, meeting_id, body.reason))


@router.post("/{meeting_id}/open-topics", response_model=MeetingOut, responses=ERRORS)
async def open_topic_collection(meeting_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope) -> MeetingOut:
    """Open topic collection (开始征集议题): from `scheduled`; on a meeting already collecting (the first topic
    opens it too) the same answer again, nothing changed; 409 from any later state."""
    return service.to_out(*await collection.open_topic_collection(uow, scope, meeting_id))


@router.post("/{meeting_id}/close-topics", response_model=MeetingOut, responses=ERRORS)
async def close_topic_collection(
    meeting_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope
) -> MeetingOut:
    """Close topic collection before the cut-off (提前截止议题征集): the meeting moves to drafting its agenda and
    emits `topic-submission-closed`, as at the cut-off; 409 unless it is collecting topics."""
    return service.to_out(*await collection.close_topics_early(uow, scope, meeting_id))


@router.get(
    "/{meeting_id}/deadlines",
    response_model=DeadlinePage,
    responses=problem_responses(401, 403, 404, 422),
)
async def list_deadlines(
    meeting_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope, paging: PagingDep
) -> DeadlinePage:
    """The meeting's deadline rows and their resolutions' (到期事项), fired or pending."""
    rows = await service.meeting_deadlines(uow, scope, meeting_id)
    return DeadlinePage.cut([DeadlineOut.model_validate(row) for row in rows], paging)


@router.get(
    "/{meeting_id}/actions", response_model=ActionPage, responses=problem_responses(401, 403, 404, 422)
)
async def list_actions(
    meeting_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope, paging: PagingDep
) -> ActionPage:
    """Every recorded step of the meeting with actor and time (操作记录): the office running it, conveners."""
    actions = await service.meeting_actions(uow, scope, meeting_id)
    return ActionPage.cut([MeetingActionOut.model_validate(a) for a in actions], paging)


@series_router.post(
    "/{body_id}/series",
    response_model=list[MeetingOut],
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 422),
)
async def generate_series(
    body_id: uuid.UUID, body: SeriesGenerate, uow: UnitOfWorkDep, scope: CurrentScope
) -> list[MeetingOut]:
    """Generate the regular series ahead (生成定期会议); returns the meetings created now."""
    created, meeting_body = await service.generate_series_of(uow, scope, body_id, body.months_ahead)
    return [service.to_out(meeting, meeting_body) for meeting in created]
