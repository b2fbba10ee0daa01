from __future__ import annotations

from gongjian_notifier.deps import NotifierUnitOfWorkDep
from gongjian_notifier.inbox import service
from gongjian_notifier.inbox.schemas import Acknowledgement, InboxCounts, InboxItem, InboxPage
from gongjian_notifier.notifications.schemas import DeliveryId
from gongjian_shared.deps import CurrentPrincipal
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.routing import ServiceRouter
from gongjian_shared.types import QueryFlag

router = ServiceRouter(prefix="/api/v1/inbox", tags=["inbox"])


@router.get("", response_model=InboxPage, responses=problem_responses(401, 422))
async def list_inbox(
    uow: NotifierUnitOfWorkDep,
    principal: CurrentPrincipal,
    paging: PagingDep,
    unread: QueryFlag = False,
    awaiting_ack: QueryFlag = False,
) -> InboxPage:
    """The caller's own messages, newest first (我的消息). `unread`, `awaiting_ack` narrow the list."""
    return await service.inbox_page(uow, principal, unread=unread, awaiting_ack=awaiting_ack, paging=paging)


@router.get("/unread-count", response_model=InboxCounts, responses=problem_responses(401))
async def count_unread(uow: NotifierUnitOfWorkDep, principal: CurrentPrincipal) -> InboxCounts:
    """How many messages are unread, and how many wait for 已阅/已办 (未读数)."""
    return await service.inbox_counts(uow, principal)


@router.get("/{item_id}", response_model=InboxItem, responses=problem_responses(401, 404, 422))
async def get_inbox_item(
    item_id: DeliveryId, uow: NotifierUnitOfWorkDep, principal: CurrentPrincipal
) -> InboxItem:
    """One message (消息详情)."""
    return await service.inbox_item(uow, principal, item_id)


@router.post("/{item_id}/read", response_model=InboxItem, responses=problem_responses(401, 404, 422))
async def mark_read(
    item_id: DeliveryId, uow: NotifierUnitOfWorkDep, principal: CurrentPrincipal
) -> InboxItem:
    """Mark a message read (标记已读); reading again changes nothing."""
    return await service.mark_read(uow, principal, item_id)


@router.post("/{item_id}/acknowledge", response_model=InboxItem, responses=problem_responses(401, 404, 422))
async def acknowledge(
    item_id: DeliveryId, body: Acknowledgement, uow: NotifierUnitOfWorkDep, principal: CurrentPrincipal
) -> InboxItem:
    """Acknowledge a message: `read` 已阅 or `done` 已办 (确认). Stops its escalation for everyone told of it."""
    return await service.acknowledge(uow, principal, item_id, body.kind)
