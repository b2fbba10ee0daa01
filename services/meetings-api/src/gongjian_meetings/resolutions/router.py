from __future__ import annotations

import uuid
from typing import Literal

from fastapi import status

from gongjian_meetings.deps import CurrentScope, UnitOfWorkDep
from gongjian_meetings.models import Resolution
from gongjian_meetings.resolutions import escalation, service
from gongjian_meetings.resolutions.schemas import (
    EscalateNow,
    FeedbackCreate,
    FeedbackOut,
    FeedbackReview,
    FollowUpReport,
    ResolutionCreate,
    ResolutionDetail,
    ResolutionOut,
    ResolutionPage,
)
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.routing import ServiceRouter

meeting_resolutions = ServiceRouter(prefix="/api/v1/meetings", tags=["resolutions"])
router = ServiceRouter(prefix="/api/v1/resolutions", tags=["resolutions"])

ERRORS = problem_responses(401, 403, 404, 409, 422)
READ_ERRORS = problem_responses(401, 403, 404, 422)


def _out(resolution: Resolution) -> ResolutionOut:
    return ResolutionOut.model_validate(resolution, from_attributes=True)


@meeting_resolutions.post(
    "/{meeting_id}/resolutions",
    response_model=ResolutionOut,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
async def record_resolution(
    meeting_id: uuid.UUID, body: ResolutionCreate, uow: UnitOfWorkDep, scope: CurrentScope
) -> ResolutionOut:
    """Record a resolution of the held meeting (议定事项); plans its reminders; emits `resolution-recorded`."""
    return _out(await service.record_resolution(uow, scope, meeting_id, body))


@meeting_resolutions.get("/{meeting_id}/resolutions", response_model=ResolutionPage, responses=READ_ERRORS)
async def list_meeting_resolutions(
    meeting_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope, paging: PagingDep
) -> ResolutionPage:
    """The meeting's resolutions: all for the office running it and conveners, a unit's own for a unit."""
    found = await service.of_meeting(uow, scope, meeting_id)
    return ResolutionPage.cut([_out(r) for r in found], paging)


@meeting_resolutions.get(
    "/{meeting_id}/follow-up-report", response_model=FollowUpReport, responses=READ_ERRORS
)
async def follow_up_report(meeting_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope) -> FollowUpReport:
    """Follow-up report for the convener (督办情况报告): done, on time, late, open."""
    return await service.follow_up_report(uow, scope, meeting_id)


@router.get("", response_model=ResolutionPage, responses=problem_responses(401, 403, 422))
async def list_resolutions(
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    paging: PagingDep,
    status: Literal["open", "closed"] | None = None,
) -> ResolutionPage:
    """Resolutions: every one for the office and conveners; those of the meetings a county's unit-admin
    runs; a unit's own (牵头或配合) for a unit."""
    found, total = await service.list_resolutions(uow, scope, status=status, paging=paging)
    return ResolutionPage.of([_out(r) for r in found], total, paging)


@router.get("/{resolution_id}", response_model=ResolutionDetail, responses=READ_ERRORS)
async def get_resolution(
    resolution_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope
) -> ResolutionDetail:
    """One resolution with its feedback and escalation steps (议定事项详情)."""
    return await service.get_detail(uow, scope, resolution_id)


@router.post(
    "/{resolution_id}/feedback",
    response_model=FeedbackOut,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
async def submit_feedback(
    resolution_id: uuid.UUID, body: FeedbackCreate, uow: UnitOfWorkDep, scope: CurrentScope
) -> FeedbackOut:
    """A responsible unit's written feedback (书面反馈); emits `feedback-submitted` for the office."""
    return FeedbackOut.model_validate(await service.submit_feedback(uow, scope, resolution_id, body))


@router.post(
    "/{resolution_id}/feedback/{feedback_id}/review", response_model=ResolutionDetail, responses=ERRORS
)
async def review_feedback(
    resolution_id: uuid.UUID,
    feedback_id: uuid.UUID,
    body: FeedbackReview,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
) -> ResolutionDetail:
    """The office checks the feedback (核验): accept closes a done resolution (`resolution-closed`), or return."""
    resolution = await service.review_feedback(
        uow, scope, resolution_id, feedback_id, body.decision, body.comment
    )
    return await service.detail(uow, resolution)


@router.post("/{resolution_id}/escalate", response_model=ResolutionDetail, responses=ERRORS)
async def escalate_resolution(
    resolution_id: uuid.UUID, body: EscalateNow, uow: UnitOfWorkDep, scope: CurrentScope
) -> ResolutionDetail:
    """The office escalates an overdue resolution now (升级督办), one level up the ladder as the overdue reminder
    would: emits `resolution-escalated`. Repeating it (already at that level) changes nothing; 409 when the
    resolution is closed, not yet overdue, or the level skips one."""
    resolution = await escalation.escalate_now(uow, scope, resolution_id, body.level, body.reason)
    return await service.detail(uow, resolution)
