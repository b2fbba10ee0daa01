from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response

from gongjian_projects.deps import (
    ClockDep,
    CurrentPrincipal,
    CurrentScope,
    OfficeOnly,
    UnitOfWorkDep,
    WritingUnitOfWorkDep,
)
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute, etag
from gongjian_projects.reporting import service
from gongjian_projects.reporting.schemas import (
    MonthFiguresOut,
    OwingUnitOut,
    ReminderOut,
    ReminderRequest,
    ReportingMonthOut,
    ReportingMonthUpdate,
)
from gongjian_shared.concurrency import IF_MATCH_REQUIRED, IfMatchDep
from gongjian_shared.errors import problem_responses
from gongjian_shared.routing import ServiceRouter

router = ServiceRouter(
    prefix="/api/v1/progress-reports/months", tags=["reporting"], route_class=IdempotentRoute
)

Year = Annotated[int, Path(ge=2000, le=2100)]
Month = Annotated[int, Path(ge=1, le=12)]


@router.get("/{year}/{month}", response_model=ReportingMonthOut, responses=problem_responses(401, 422))
async def get_month(
    response: Response, year: Year, month: Month, uow: WritingUnitOfWorkDep, _: CurrentPrincipal
) -> ReportingMonthOut:
    """A month's reporting window, reminder, cut-off and state (填报窗口); the first read opens the month (its
    row and deadlines), so it runs in a transaction like a write."""
    row = await service.ensure_month(uow, year, month)
    response.headers["ETag"] = etag(row.revision)
    return service.to_out(row, uow.clock.now())


@router.put(
    "/{year}/{month}",
    response_model=ReportingMonthOut,
    responses=problem_responses(401, 403, 409, 412, 422, 428),
    openapi_extra=IF_MATCH_REQUIRED,
)
async def set_month(
    response: Response,
    year: Year,
    month: Month,
    body: ReportingMonthUpdate,
    uow: UnitOfWorkDep,
    _: OfficeOnly,
    if_match: IfMatchDep,
) -> ReportingMonthOut:
    """Set a month's window, reminder and cut-off (设置填报窗口); not once it is frozen."""
    row = await service.update_month(uow, year, month, if_match, body)
    response.headers["ETag"] = etag(row.revision)
    return service.to_out(row, uow.clock.now())


@router.post(
    "/{year}/{month}/freeze",
    response_model=ReportingMonthOut,
    responses=problem_responses(401, 403, 409, 422),
    dependencies=[IDEMPOTENT],
)
async def freeze_month(
    year: Year, month: Month, uow: UnitOfWorkDep, clock: ClockDep, principal: OfficeOnly
) -> ReportingMonthOut:
    """Freeze a closed month now (统计截止，数据冻结); its published figures never change afterwards."""
    row = await service.freeze_month(uow, year, month, principal.user_id)
    return service.to_out(row, clock.now())


@router.get(
    "/{year}/{month}/missing", response_model=list[OwingUnitOut], responses=problem_responses(401, 422)
)
async def missing_reports(
    year: Year, month: Month, uow: UnitOfWorkDep, scope: CurrentScope
) -> list[OwingUnitOut]:
    """Key projects not yet reported for the month, by unit (未报项目), of the projects the caller sees."""
    return await service.owing_units(uow, year, month, scope)


@router.get(
    "/{year}/{month}/figures", response_model=MonthFiguresOut, responses=problem_responses(401, 403, 422)
)
async def month_figures(year: Year, month: Month, uow: UnitOfWorkDep, _: OfficeOnly) -> MonthFiguresOut:
    """The month's accepted figures per project (月度数据); from the frozen snapshot once published."""
    return await service.month_figures(uow, year, month)


@router.post(
    "/{year}/{month}/reminders",
    response_model=ReminderOut,
    responses=problem_responses(401, 403, 409, 422),
    dependencies=[IDEMPOTENT],
)
async def send_reminders(
    year: Year, month: Month, uow: UnitOfWorkDep, _: OfficeOnly, body: ReminderRequest | None = None
) -> ReminderOut:
    """Remind the units that still owe the month's reports now (一键催报), all of them or those named: the
    notifier reaches each unit's liaisons as for the scheduled reminder (`progress-report-due`). Office only;
    only while the month is open or closed (409 before it opens and once it is frozen)."""
    return await service.remind(uow, year, month, body.unit_ids if body else None)
