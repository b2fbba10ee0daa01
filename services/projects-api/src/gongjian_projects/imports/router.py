from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Query, Response, UploadFile, status

from gongjian_projects.deps import CurrentPrincipal, CurrentScope, UnitOfWorkDep
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute
from gongjian_projects.imports import service
from gongjian_projects.xlsx import XLSX_MEDIA_TYPE
from gongjian_shared.errors import problem_responses
from gongjian_shared.routing import ServiceRouter

# registered before the projects router: these paths would otherwise read as a project id
router = ServiceRouter(prefix="/api/v1/projects", tags=["imports"], route_class=IdempotentRoute)

TEMPLATE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "The xlsx template."},
    **problem_responses(401),
}


@router.get(
    "/import-template",
    responses=TEMPLATE_RESPONSES,
    response_class=Response,
)
async def import_template(_: CurrentPrincipal) -> Response:
    """The xlsx template of the project import (项目导入模板)."""
    return Response(
        content=service.template(),
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote('项目导入模板.xlsx')}"},
    )


@router.post(
    "/import",
    response_model=service.ImportResult,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 422),
    dependencies=[IDEMPOTENT],
)
async def import_projects(
    file: UploadFile,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    year: Annotated[int, Query(ge=2000, le=2100)],
) -> service.ImportResult:
    """Import projects from xlsx (批量导入项目): all or nothing. A bad file is refused with a report naming
    each bad row and column (sheet!cell); a reporter imports only its own unit's projects."""
    content = await file.read()
    projects = await service.import_projects(uow, scope, year, content)
    return service.result(year, projects)
