from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, status
from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.db import SessionDep
from gongjian_shared.errors import problem_responses

from gongjian_projects.progress import service
from gongjian_projects.progress.schemas import ProgressReportCreate, ProgressReportOut

router = APIRouter(prefix="/api/v1", tags=["progress"])


@router.post(
    "/projects/{project_id}/progress-reports",
    response_model=ProgressReportOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def submit_progress_report(
    request: Request,
    project_id: uuid.UUID,
    body: ProgressReportCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ProgressReportOut:
    """Submit a project's monthly progress report (上报月度进度)."""
    report = await service.submit_report(session, request.app.state.clock, principal, project_id, body)
    return service.to_out(report)


@router.post(
    "/progress-reports/{report_id}/accept",
    response_model=ProgressReportOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def accept_progress_report(
    request: Request, report_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> ProgressReportOut:
    """The office accepts a report (审核通过); emits `progress-reported` with the figures."""
    state = request.app.state
    report = await service.accept_report(session, state.outbox, state.clock, principal, report_id)
    return service.to_out(report)
