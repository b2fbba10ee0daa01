from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Depends, Query, Response

from gongjian_notifier.deps import NotifierUnitOfWorkDep
from gongjian_notifier.notifications import service
from gongjian_notifier.notifications.schemas import (
    AuditFilter,
    DeliveryAudit,
    DeliveryAuditPage,
    DeliveryId,
    DeliveryStatus,
    NotificationDetail,
    NotificationPage,
    NotificationStatus,
)
from gongjian_notifier.settings import ChannelName
from gongjian_shared.auth import Principal, Role, require_roles
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.types import Instant, QueryFlag

router = ServiceRouter(prefix="/api/v1/notifications", tags=["notifications"])

OfficeOnly = Annotated[Principal, require_roles(Role.OFFICE, Role.ADMIN)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX: {}}, "description": "the audit as a workbook"}
}


async def audit_filter(
    unit_id: uuid.UUID | None = None,
    person_id: uuid.UUID | None = None,
    account_id: uuid.UUID | None = None,
    channel: ChannelName | None = None,
    status: DeliveryStatus | None = None,
    event_type: Annotated[str | None, Query(max_length=100)] = None,
    acknowledged: QueryFlag | None = None,
    since: Instant | None = None,
    until: Instant | None = None,
) -> AuditFilter:
    # Instant has an offset by its type; a window that ends before it starts selects nothing, like any other
    return AuditFilter(
        unit_id, person_id, channel, status, event_type, acknowledged, since, until, account_id=account_id
    )


AuditQuery = Annotated[AuditFilter, Depends(audit_filter)]


@router.get("/deliveries", response_model=DeliveryAuditPage, responses=problem_responses(401, 403, 422))
async def list_deliveries(
    uow: NotifierUnitOfWorkDep,
    _: OfficeOnly,
    audit: AuditQuery,
    paging: PagingDep,
) -> DeliveryAuditPage:
    """Who was told what, when, on which channel; delivered, failed, read, acknowledged (送达审计). Office only."""
    return await service.delivery_audit(uow, audit, paging)


@router.get(
    "/deliveries.xlsx",
    response_class=Response,
    responses=XLSX_RESPONSE | problem_responses(401, 403, 422),
)
async def export_deliveries(uow: NotifierUnitOfWorkDep, _: OfficeOnly, audit: AuditQuery) -> Response:
    """The same audit, filtered the same way, as an Excel workbook (导出送达记录). Office only."""
    return Response(
        await service.delivery_audit_workbook(uow, audit),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="deliveries.xlsx"'},
    )


@router.post(
    "/deliveries/{delivery_id}/retry",
    response_model=DeliveryAudit,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def retry_delivery(delivery_id: DeliveryId, uow: NotifierUnitOfWorkDep, _: OfficeOnly) -> DeliveryAudit:
    """Send a failed push again (重发), after the office fixed what made it fail. Office only."""
    return await service.retry_delivery(uow, delivery_id)


@router.get("", response_model=NotificationPage, responses=problem_responses(401, 403, 422))
async def list_notifications(
    uow: NotifierUnitOfWorkDep,
    _: OfficeOnly,
    paging: PagingDep,
    status: NotificationStatus | None = None,
    unit_id: uuid.UUID | None = None,
) -> NotificationPage:
    """Notifications, newest first (通知列表); `status=held` lists those stopped by a template error. Office only."""
    return await service.notifications_page(uow, status, unit_id, paging)


@router.get(
    "/{notification_id}", response_model=NotificationDetail, responses=problem_responses(401, 403, 404, 422)
)
async def get_notification(
    notification_id: uuid.UUID, uow: NotifierUnitOfWorkDep, _: OfficeOnly
) -> NotificationDetail:
    """One notification with each of its deliveries (通知详情). Office only."""
    return await service.notification_detail(uow, notification_id)
