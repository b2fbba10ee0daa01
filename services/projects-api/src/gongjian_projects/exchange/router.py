"""Exchange by interface: the change feed, the year's plan in bulk, and the push adapter's dead letters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query

from gongjian_projects.deps import CurrentPrincipal, CurrentScope, OfficeOnly, UnitOfWorkDep
from gongjian_projects.exchange import service
from gongjian_projects.exchange.cursor import CURSOR_PATTERN
from gongjian_projects.exchange.schemas import ChangePage, DeadLetterPage, PlanExport, Replayed
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute
from gongjian_shared.auth import Principal
from gongjian_shared.errors import Forbidden, problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.routing import ServiceRouter

changes_router = ServiceRouter(prefix="/api/v1/changes", tags=["exchange"])
plan_export_router = ServiceRouter(prefix="/api/v1/plans", tags=["plans"])
push_router = ServiceRouter(prefix="/api/v1/push", tags=["exchange"], route_class=IdempotentRoute)

Year = Annotated[int, Path(ge=2000, le=2100)]


async def _feed_reader(principal: CurrentPrincipal) -> Principal:
    """Machine clients whose service account holds `events:read` (checked with the token), and the office."""
    if not (principal.is_service or principal.is_office):
        raise Forbidden("The change feed is for service accounts with events:read, and the office.")
    return principal


FeedReader = Annotated[Principal, Depends(_feed_reader)]


@changes_router.get("", response_model=ChangePage, responses=problem_responses(401, 403, 422))
async def changes(
    uow: UnitOfWorkDep,
    _: FeedReader,
    since: Annotated[
        str | None,
        Query(
            pattern=CURSOR_PATTERN,
            max_length=200,
            description="The `next_cursor` of the page before, as given (opaque); none: from the start.",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Changes per page at most.")] = 100,
) -> ChangePage:
    """The registry's changes in the order they happened (变更订阅): projects and plan entries, accepted monthly
    reports, recognitions, each as its published event. Page with the cursor: a client that passes each page's
    `next_cursor` as `since` sees every change exactly once, also when transactions commit out of order (a
    change waits until everything written before it has committed or rolled back). A cursor not given by this
    feed answers 422 naming `since`."""
    return await service.changes_since(uow, since, limit)


@plan_export_router.get(
    "/{year}/export", response_model=PlanExport, responses=problem_responses(401, 403, 422)
)
async def export_plan(year: Year, uow: UnitOfWorkDep, scope: CurrentScope) -> PlanExport:
    """The year's key-project plan with its figures as one JSON document (年度计划批量导出), for machine clients
    (`projects:read`) and the office: each entry's plan data, monthly plan and accepted months (万元)."""
    if not scope.read_all:
        raise Forbidden("The whole plan is for the office, conveners and service accounts.")
    return await service.export_plan(uow, year)


@push_router.get("/dead-letters", response_model=DeadLetterPage, responses=problem_responses(401, 403, 422))
async def dead_letters(uow: UnitOfWorkDep, _: OfficeOnly, paging: PagingDep) -> DeadLetterPage:
    """The changes the push adapter gave up on (推送失败), oldest first, with the last error."""
    return await service.dead_letters(uow, paging)


@push_router.post(
    "/dead-letters/{delivery_id}/replay",
    response_model=Replayed,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[IDEMPOTENT],
)
async def replay(
    delivery_id: Annotated[int, Path(ge=1, le=2**63 - 1)], uow: UnitOfWorkDep, _: OfficeOnly
) -> Replayed:
    """Send a dead letter again (重新推送), ahead of every later change; its attempts count anew."""
    return await service.replay(uow, delivery_id)
