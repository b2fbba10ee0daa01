from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from gongjian_notifier.notifications.errors import (
    DeliveryNotFound,
    DeliveryNotRetryable,
    NotificationNotFound,
)
from gongjian_notifier.notifications.export import workbook_bytes
from gongjian_notifier.notifications.repository import AuditFilter, NotificationRepository
from gongjian_notifier.notifications.schemas import (
    DeliveryAudit,
    DeliveryAuditPage,
    DeliveryId,
    DeliveryStatus,
    NotificationDetail,
    NotificationOut,
    NotificationPage,
    NotificationStatus,
)
from gongjian_notifier.settings import ChannelName
from gongjian_shared.auth import Principal, Role, require_roles
from gongjian_shared.deps import ClockDep, UnitOfWorkDep
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.types import Instant, QueryFlag

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])

OfficeOnly = Annotated[Principal, require_roles(Role.OFFICE, Role.ADMIN)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 100_000
XLSX_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX: {}}, "description": "the audit as a workbook"}
}


def audit_filter(
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


def audit_row(row: Any) -> DeliveryAudit:
    delivery, notification = row
    return DeliveryAudit(
        id=delivery.id,
        notification_id=notification.id,
        event_type=notification.event_type,
        title=notification.title,
        urgency=notification.urgency,
        level=notification.level,
        unit_id=notification.unit_id,
        unit_name=notification.unit_name,
        recipient_name=delivery.recipient_name,
        recipient_kind=delivery.recipient_kind,
        person_id=delivery.person_id,
        account_id=delivery.account_id,
        channel=delivery.channel,
        address=delivery.address if delivery.channel != "inbox" else None,
        status=delivery.status,
        attempts=delivery.attempts,
        not_before=delivery.not_before,
        last_error=delivery.last_error,
        created_at=delivery.created_at,
        delivered_at=delivery.delivered_at,
        failed_at=delivery.failed_at,
        read_at=delivery.read_at,
        acknowledged_at=delivery.acknowledged_at,
        ack_kind=delivery.ack_kind,
        notification_acknowledged_at=notification.acknowledged_at,
        notification_ack_kind=notification.ack_kind,
    )


@router.get("/deliveries", response_model=DeliveryAuditPage, responses=problem_responses(401, 403, 422))
async def list_deliveries(
    uow: UnitOfWorkDep,
    _: OfficeOnly,
    audit: AuditQuery,
    paging: PagingDep,
) -> DeliveryAuditPage:
    """Who was told what, when, on which channel; delivered, failed, read, acknowledged (送达审计). Office only."""
    rows, total = await NotificationRepository(uow.session).audit(audit, paging.limit, paging.offset)
    return DeliveryAuditPage.of([audit_row(row) for row in rows], total, paging)


@router.get(
    "/deliveries.xlsx",
    response_class=Response,
    responses=XLSX_RESPONSE | problem_responses(401, 403, 422),
)
async def export_deliveries(uow: UnitOfWorkDep, _: OfficeOnly, audit: AuditQuery) -> Response:
    """The same audit, filtered the same way, as an Excel workbook (导出送达记录). Office only."""
    rows, _total = await NotificationRepository(uow.session).audit(audit, EXPORT_LIMIT, 0)
    return Response(
        workbook_bytes([audit_row(row) for row in rows]),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="deliveries.xlsx"'},
    )


@router.post(
    "/deliveries/{delivery_id}/retry",
    response_model=DeliveryAudit,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def retry_delivery(
    delivery_id: DeliveryId, uow: UnitOfWorkDep, clock: ClockDep, _: OfficeOnly
) -> DeliveryAudit:
    """Send a failed push again (重发), after the office fixed what made it fail. Office only."""
    repository = NotificationRepository(uow.session)
    if await repository.delivery_with_notification(delivery_id) is None:
        raise DeliveryNotFound(f"No delivery {delivery_id}.")
    if await repository.retry_failed(delivery_id, clock.now()) is None:
        raise DeliveryNotRetryable(
            f"Delivery {delivery_id} is not a failed push.", extra={"allowed": ["failed"]}
        )
    row = await repository.delivery_with_notification(delivery_id)
    assert row is not None
    return audit_row(row)


@router.get("", response_model=NotificationPage, responses=problem_responses(401, 403, 422))
async def list_notifications(
    uow: UnitOfWorkDep,
    _: OfficeOnly,
    paging: PagingDep,
    status: NotificationStatus | None = None,
    unit_id: uuid.UUID | None = None,
) -> NotificationPage:
    """Notifications, newest first (通知列表); `status=held` lists those stopped by a template error. Office only."""
    rows, total = await NotificationRepository(uow.session).notifications(
        status, unit_id, paging.limit, paging.offset
    )
    return NotificationPage.of(
        [NotificationOut.model_validate(row, from_attributes=True) for row in rows], total, paging
    )


@router.get(
    "/{notification_id}", response_model=NotificationDetail, responses=problem_responses(401, 403, 404, 422)
)
async def get_notification(
    notification_id: uuid.UUID, uow: UnitOfWorkDep, _: OfficeOnly
) -> NotificationDetail:
    """One notification with each of its deliveries (通知详情). Office only."""
    repository = NotificationRepository(uow.session)
    notification = await repository.get(notification_id)
    if notification is None:
        raise NotificationNotFound(f"No notification {notification_id}.")
    deliveries = [audit_row((d, notification)) for d in await repository.deliveries_of(notification_id)]
    out = NotificationOut.model_validate(notification, from_attributes=True)
    return NotificationDetail(**out.model_dump(), deliveries=deliveries)
