from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Request, status
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_meetings.meetings.service import get_meeting
from gongjian_meetings.models import Resolution
from gongjian_meetings.resolutions import service
from gongjian_meetings.resolutions.repository import ResolutionRepository
from gongjian_meetings.resolutions.schemas import (
    EscalationOut,
    FeedbackCreate,
    FeedbackOut,
    FeedbackReview,
    FollowUpReport,
    ResolutionCreate,
    ResolutionDetail,
    ResolutionOut,
)
from gongjian_shared.auth import CurrentPrincipal, Principal, Role, require_roles
from gongjian_shared.db import SessionDep
from gongjian_shared.errors import problem_responses

meeting_resolutions = APIRouter(prefix="/api/v1/meetings", tags=["resolutions"])
router = APIRouter(prefix="/api/v1/resolutions", tags=["resolutions"])

OfficeOnly = Annotated[Principal, require_roles(Role.OFFICE, Role.ADMIN)]
OfficeOrConvener = Annotated[Principal, require_roles(Role.OFFICE, Role.ADMIN, Role.CONVENER)]
ERRORS = problem_responses(401, 403, 404, 409, 422)


def _out(resolution: Resolution) -> ResolutionOut:
    return ResolutionOut.model_validate(resolution, from_attributes=True)


async def _detail(session: AsyncSession, resolution: Resolution) -> ResolutionDetail:
    repository = ResolutionRepository(session)
    feedback = (await repository.feedback([resolution.id]))[resolution.id]
    return ResolutionDetail(
        **_out(resolution).model_dump(),
        feedback=[FeedbackOut.model_validate(f) for f in feedback],
        escalations=[EscalationOut.model_validate(e) for e in await repository.escalations(resolution.id)],
    )


@meeting_resolutions.post(
    "/{meeting_id}/resolutions",
    response_model=ResolutionOut,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
async def record_resolution(
    request: Request,
    meeting_id: uuid.UUID,
    body: ResolutionCreate,
    session: SessionDep,
    principal: OfficeOnly,
) -> ResolutionOut:
    """Record a resolution of the held meeting (议定事项); plans its reminders; emits `resolution-recorded`."""
    state = request.app.state
    return _out(
        await service.record_resolution(session, state.outbox, state.clock, principal, meeting_id, body)
    )


@meeting_resolutions.get(
    "/{meeting_id}/resolutions",
    response_model=list[ResolutionOut],
    responses=problem_responses(401, 404, 422),
)
async def list_meeting_resolutions(
    meeting_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> list[ResolutionOut]:
    """The meeting's resolutions: all for the office and convener, a unit's own for a unit."""
    await get_meeting(session, meeting_id)
    repository = ResolutionRepository(session)
    if principal.is_office or principal.has(Role.CONVENER):
        return [_out(r) for r in await repository.for_meeting(meeting_id)]
    if principal.unit_id is None:
        return []
    return [_out(r) for r in await repository.for_meeting(meeting_id, unit_id=principal.unit_id)]


@meeting_resolutions.get(
    "/{meeting_id}/follow-up-report",
    response_model=FollowUpReport,
    responses=problem_responses(401, 403, 404, 422),
)
async def follow_up_report(
    request: Request, meeting_id: uuid.UUID, session: SessionDep, _: OfficeOrConvener
) -> FollowUpReport:
    """Follow-up report for the convener (督办情况报告): done, on time, late, open."""
    return await service.follow_up_report(session, request.app.state.clock, meeting_id)


@router.get("", response_model=list[ResolutionOut], responses=problem_responses(401, 422))
async def list_resolutions(
    session: SessionDep, principal: CurrentPrincipal, status: Literal["open", "closed"] | None = None
) -> list[ResolutionOut]:
    """Resolutions: every one for the office and convener; a unit's own (牵头或配合) for a unit."""
    if principal.is_office or principal.has(Role.CONVENER):
        return [_out(r) for r in await ResolutionRepository(session).for_unit(None, status=status)]
    if principal.unit_id is None:
        return []
    return [_out(r) for r in await ResolutionRepository(session).for_unit(principal.unit_id, status=status)]


@router.get("/{resolution_id}", response_model=ResolutionDetail, responses=problem_responses(401, 404, 422))
async def get_resolution(
    resolution_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> ResolutionDetail:
    """One resolution with its feedback and escalation steps (议定事项详情)."""
    return await _detail(session, await service.get_resolution(session, principal, resolution_id))


@router.post(
    "/{resolution_id}/feedback",
    response_model=FeedbackOut,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
async def submit_feedback(
    request: Request,
    resolution_id: uuid.UUID,
    body: FeedbackCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> FeedbackOut:
    """A responsible unit's written feedback (书面反馈); emits `feedback-submitted` for the office."""
    state = request.app.state
    feedback = await service.submit_feedback(
        session, state.outbox, state.clock, principal, resolution_id, body
    )
    return FeedbackOut.model_validate(feedback)


@router.post(
    "/{resolution_id}/feedback/{feedback_id}/review", response_model=ResolutionDetail, responses=ERRORS
)
async def review_feedback(
    request: Request,
    resolution_id: uuid.UUID,
    feedback_id: uuid.UUID,
    body: FeedbackReview,
    session: SessionDep,
    principal: OfficeOnly,
) -> ResolutionDetail:
    """The office checks the feedback (核验): accept closes a done resolution (`resolution-closed`), or return."""
    state = request.app.state
    resolution = await service.review_feedback(
        session, state.outbox, state.clock, principal, resolution_id, feedback_id, body.decision, body.comment
    )
    return await _detail(session, resolution)
