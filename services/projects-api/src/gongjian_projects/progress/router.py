from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, status

from gongjian_projects.deps import CurrentScope, UnitOfWorkDep
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute
from gongjian_projects.progress import amendments, service
from gongjian_projects.progress.schemas import (
    AmendmentCreate,
    AmendmentOut,
    ProgressReportCreate,
    ProgressReportOut,
    ReportFigures,
    ReportHistoryOut,
    ReportPage,
    ReportStatus,
    ReturnRequest,
)
from gongjian_shared.errors import problem_responses
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.types import Limit, Offset, Year

router = ServiceRouter(prefix="/api/v1", tags=["progress"], route_class=IdempotentRoute)

WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 422)


@router.post(
    "/projects/{project_id}/progress-reports",
    response_model=ProgressReportOut,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_PROBLEMS,
    dependencies=[IDEMPOTENT],
)
async def submit_progress_report(
    project_id: uuid.UUID, body: ProgressReportCreate, uow: UnitOfWorkDep, scope: CurrentScope
) -> ProgressReportOut:
    """Submit a project's monthly progress report (上报月度进度); a late one is taken and flagged
    (`progress-report-late`)."""
    report = await service.submit_report(uow, scope, project_id, body)
    return service.to_out(report)


@router.get(
    "/projects/{project_id}/progress-reports",
    response_model=ReportPage,
    responses=problem_responses(401, 404, 422),
)
async def project_reports(
    project_id: uuid.UUID,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    year: Annotated[Year | None, Query()] = None,
    limit: Annotated[Limit, Query()] = 24,
    offset: Annotated[Offset, Query()] = 0,
) -> ReportPage:
    """A project's monthly reports, latest first (项目月报)."""
    return await service.project_reports(uow, scope, project_id, year=year, limit=limit, offset=offset)


@router.get("/progress-reports", response_model=ReportPage, responses=problem_responses(401, 422))
async def list_reports(
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    year: Annotated[Year | None, Query()] = None,
    month: Annotated[int | None, Query(ge=1, le=12)] = None,
    status: ReportStatus | None = None,
    unit_id: uuid.UUID | None = None,
    limit: Annotated[Limit, Query()] = 50,
    offset: Annotated[Offset, Query()] = 0,
) -> ReportPage:
    """Reports the caller may see, e.g. a reviewer's queue (`status=submitted`) (月报列表)."""
    return await service.list_reports(
        uow, scope, year=year, month=month, status=status, unit_id=unit_id, limit=limit, offset=offset
    )


@router.get(
    "/progress-reports/{report_id}",
    response_model=ProgressReportOut,
    responses=problem_responses(401, 404, 422),
)
async def get_report(report_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope) -> ProgressReportOut:
    """One monthly report (月报详情)."""
    return service.to_out(await service.visible_report(uow, scope, report_id))


@router.get(
    "/progress-reports/{report_id}/history",
    response_model=ReportHistoryOut,
    responses=problem_responses(401, 404, 422),
)
async def report_history(report_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope) -> ReportHistoryOut:
    """Every review step and amendment of a report, with who, when and why (审核与更正记录)."""
    return await service.report_history(uow, scope, report_id)


@router.post(
    "/progress-reports/{report_id}/resubmit",
    response_model=ProgressReportOut,
    responses=WRITE_PROBLEMS,
    dependencies=[IDEMPOTENT],
)
async def resubmit_report(
    report_id: uuid.UUID, body: ReportFigures, uow: UnitOfWorkDep, scope: CurrentScope
) -> ProgressReportOut:
    """Correct and resubmit a returned report (修改后重新上报)."""
    return service.to_out(await service.resubmit_report(uow, scope, report_id, body))


@router.post(
    "/progress-reports/{report_id}/pass",
    response_model=ProgressReportOut,
    responses=WRITE_PROBLEMS,
    dependencies=[IDEMPOTENT],
)
async def pass_report(report_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope) -> ProgressReportOut:
    """The county or department reviewer passes a report on to the office (县区/部门初审通过)."""
    return service.to_out(await service.pass_report(uow, scope, report_id))


@router.post(
    "/progress-reports/{report_id}/return",
    response_model=ProgressReportOut,
    responses=WRITE_PROBLEMS,
    dependencies=[IDEMPOTENT],
)
async def return_report(
    report_id: uuid.UUID, body: ReturnRequest, uow: UnitOfWorkDep, scope: CurrentScope
) -> ProgressReportOut:
    """Return a report to the unit with the reason (退回); emits `progress-report-returned`."""
    report = await service.return_report(uow, scope, report_id, body.reason)
    return service.to_out(report)


@router.post(
    "/progress-reports/{report_id}/accept",
    response_model=ProgressReportOut,
    responses=WRITE_PROBLEMS,
    dependencies=[IDEMPOTENT],
)
async def accept_progress_report(
    report_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope
) -> ProgressReportOut:
    """The office accepts a report (审核通过); emits `progress-reported` with the figures."""
    report = await service.accept_report(uow, scope, report_id)
    return service.to_out(report)


@router.post(
    "/progress-reports/{report_id}/amendments",
    response_model=AmendmentOut,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_PROBLEMS,
    dependencies=[IDEMPOTENT],
)
async def amend_report(
    report_id: uuid.UUID, body: AmendmentCreate, uow: UnitOfWorkDep, scope: CurrentScope
) -> AmendmentOut:
    """Correct an accepted report, with the reason (更正); audited. A frozen month keeps its published
    figures: the difference lands in the next open month. Emits `progress-reported` (amendment)."""
    amendment = await amendments.amend_report(uow, scope, report_id, body)
    return service.amendment_out(amendment)
