from __future__ import annotations

from fastapi import APIRouter

from gongjian_notifier.inbox import service
from gongjian_notifier.inbox.repository import InboxRepository
from gongjian_notifier.inbox.schemas import Acknowledgement, InboxCounts, InboxItem, InboxPage
from gongjian_notifier.notifications.schemas import DeliveryId
from gongjian_shared.deps import CurrentPrincipal, UnitOfWorkDep
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.types import QueryFlag

router = APIRouter(prefix="/api/v1/inbox", tags=["inbox"])


@router.get("", response_model=InboxPage, responses=problem_responses(401, 422))
async def list_inbox(
    uow: UnitOfWorkDep,
    principal: CurrentPrincipal,
    paging: PagingDep,
    unread: QueryFlag = False,
    awaiting_ack: QueryFlag = False,
) -> InboxPage:
    """The caller's own messages, newest first (我的消息). `unread`, `awaiting_ack` narrow the list."""
    visible = await service.visibility(uow.session, principal)
    rows, total = await InboxRepository(uow.session).page(
        visible, unread=unread, awaiting_ack=awaiting_ack, limit=paging.limit, offset=paging.offset
    )
    return InboxPage.of([service.item_of(row) for row in rows], total, paging)


@router.get("/unread-count", response_model=InboxCounts, responses=problem_responses(401))
async def count_unread(uow: UnitOfWorkDep, principal: CurrentPrincipal) -> InboxCounts:
    """How many messages are unread, and how many wait for 已阅/已办 (未读数)."""
    visible = await service.visibility(uow.session, principal)
    unread, awaiting = await InboxRepository(uow.session).counts(visible)
    return InboxCounts(unread=unread, awaiting_ack=awaiting)


@router.get("/{item_id}", response_model=InboxItem, responses=problem_responses(401, 404, 422))
async def get_inbox_item(item_id: DeliveryId, uow: UnitOfWorkDep, principal: CurrentPrincipal) -> InboxItem:
    """One message (消息详情)."""
    return service.item_of(await service.mine(uow.session, principal, item_id))


@router.post("/{item_id}/read", response_model=InboxItem, responses=problem_responses(401, 404, 422))
async def mark_read(item_id: DeliveryId, uow: UnitOfWorkDep, principal: CurrentPrincipal) -> InboxItem:
    """Mark a message read (标记已读); reading again changes nothing."""
    return await service.mark_read(uow, principal, item_id)


@router.post("/{item_id}/acknowledge", response_model=InboxItem, responses=problem_responses(401, 404, 422))
async def acknowledge(
    item_id: DeliveryId, body: Acknowledgement, uow: UnitOfWorkDep, principal: CurrentPrincipal
) -> InboxItem:
    """Acknowledge a message: `read` 已阅 or `done` 已办 (确认). Stops its escalation for everyone told of it."""
    return await service.acknowledge(uow, principal, item_id, body.kind)
