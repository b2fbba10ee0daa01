from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import Path, Query, Response, status

from gongjian_projects.deps import CurrentScope, UnitOfWorkDep
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute, etag
from gongjian_projects.projects import handover, service, years
from gongjian_projects.projects.schemas import (
    HandoverRequest,
    PlanCategory,
    ProjectCreate,
    ProjectDetail,
    ProjectFilter,
    ProjectKind,
    ProjectOut,
    ProjectPage,
    ProjectSort,
    ProjectStatus,
    ProjectUpdate,
    StatusChangeOut,
)
from gongjian_shared.concurrency import IF_MATCH_REQUIRED, IfMatchDep, model_json, tagged_json
from gongjian_shared.errors import problem_responses
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.types import Limit, Offset, Year

router = ServiceRouter(prefix="/api/v1/projects", tags=["projects"], route_class=IdempotentRoute)


@router.post(
    "",
    response_model=ProjectOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[IDEMPOTENT],
)
async def register_project(
    response: Response, body: ProjectCreate, uow: UnitOfWorkDep, scope: CurrentScope
) -> ProjectOut:
    """Register a project on the year's plan (项目入库); emits `project-registered`.

    Status, recognised dates and the revision belong to the server; a reporter registers only for its unit.
    """
    project = await service.register_project(uow, scope, body)
    response.headers["ETag"] = etag(project.revision)
    response.headers["Location"] = f"{router.prefix}/{project.id}"
    return service.to_out(project)


@router.get("", response_model=ProjectPage, responses=problem_responses(401, 422))
async def list_projects(
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    year: Annotated[Year | None, Query()] = None,
    kind: ProjectKind | None = None,
    unit_id: Annotated[list[uuid.UUID] | None, Query(description="One or more units.")] = None,
    plan_category: PlanCategory | None = None,
    status: ProjectStatus | None = None,
    leader_id: uuid.UUID | None = None,
    warning_colour: Literal["green", "yellow", "red"] | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="Search name and code.")] = None,
    sort: ProjectSort | None = None,
    limit: Annotated[Limit, Query()] = 50,
    offset: Annotated[Offset, Query()] = 0,
    cursor: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=1000,
            pattern=r"^[A-Za-z0-9_-]+={0,2}$",  # base64url
            description="The `next_cursor` of the previous page, with the same filters and sort (keyset "
            "paging: for long lists, stable while projects are added). Not together with `offset`. A page "
            "reached by cursor answers the total counted for the walk's first page (游标翻页沿用首页的总数).",
        ),
    ] = None,
) -> Response:
    """Projects the caller may see (项目列表), filtered, searched, sorted and paged, with the total: by
    `offset`, or by `cursor` (each page's `next_cursor`), which costs the same on every page.

    The total is counted for a page reached by `offset`; a page reached by `cursor` answers the total its
    cursor carries, the one counted for the first page of the walk, without counting again: projects added or
    removed during a walk show in its pages but not in its total until the list is opened again. A cursor used
    by another account or with other filters is counted again (游标翻页时，总数为首页统计的总数，翻页期间新增或
    删除的项目不改变该总数，重新打开列表后更新；其他账号或其他筛选条件使用的游标重新统计)."""
    where = ProjectFilter(
        scope=scope,
        year=year,
        kind=kind,
        unit_ids=tuple(unit_id or ()),
        plan_category=plan_category,
        status=status,
        leader_id=leader_id,
        warning_colour=warning_colour,
        search=q,
    )
    page = await service.project_page(uow, where, sort=sort, limit=limit, offset=offset, cursor=cursor)
    return model_json(page)


@router.get("/by-code/{code}", response_model=ProjectDetail, responses=problem_responses(401, 404, 422))
async def get_project_by_code(
    code: Annotated[
        str,
        Path(
            pattern=r"^[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6}$",
            description="The unified project code, current (YYMM-…) or pre-2020 (YYYY-…).",
            examples=["2104-610921-04-01-518093"],
        ),
    ],
    response: Response,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    year: Annotated[Year | None, Query(description="The plan year; the latest year when absent.")] = None,
) -> ProjectDetail:
    """The project carrying a unified code (按项目代码查询), as its code or its pre-2020 code: its entry of
    `year`, else of the latest year it is on a plan; 404 as for the detail when the caller may not see it."""
    detail = await years.project_by_code(uow, scope, code, year)
    response.headers["ETag"] = etag(detail.revision)
    return detail


@router.get("/{project_id}", response_model=ProjectDetail, responses=problem_responses(401, 404, 422))
async def get_project(project_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope) -> Response:
    """One project's plan entry (项目详情), with its ETag for a later `If-Match`, its identity across the
    years (`identity_id`) and its entries on the other years' plans (`other_years`)."""
    detail = await years.project_detail(uow, scope, project_id)
    return tagged_json(detail, detail.revision)


@router.patch(
    "/{project_id}",
    response_model=ProjectOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
    openapi_extra=IF_MATCH_REQUIRED,
)
async def update_project(
    response: Response,
    project_id: uuid.UUID,
    body: ProjectUpdate,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    if_match: IfMatchDep,
) -> ProjectOut:
    """Change a project's plan data (项目信息修改); needs `If-Match`, 412 on a stale copy; emits `project-updated`."""
    project = await service.update_project(uow, scope, project_id, if_match, body)
    response.headers["ETag"] = etag(project.revision)
    return service.to_out(project)


@router.get(
    "/{project_id}/status-history",
    response_model=list[StatusChangeOut],
    responses=problem_responses(401, 404, 422),
)
async def status_history(
    project_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope
) -> list[StatusChangeOut]:
    """Every status a project went through, with who and why (状态变更记录)."""
    return await service.status_history(uow, scope, project_id)


@router.post(
    "/{project_id}/handover",
    response_model=ProjectOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[IDEMPOTENT],
)
async def hand_over(
    project_id: uuid.UUID, body: HandoverRequest, uow: UnitOfWorkDep, scope: CurrentScope
) -> ProjectOut:
    """Hand an attraction project over to a key project (招商项目转重点项目), linking or creating it; the
    created key project emits `project-registered`, the attraction `project-updated`."""
    key = await handover.hand_over(uow, scope, project_id, body)
    project = await service.visible_project(uow, scope, key.id)
    return service.to_out(project)
