"""Units and their contacts (`unit-updated`), and the accounts with their links (`account-*`)."""

from __future__ import annotations

from gongjian_notifier.directory.service import replicate_account
from gongjian_notifier.models import UNIT_REPLICA
from gongjian_notifier.notifications.late_links import catch_up_leader, lock_leaders
from gongjian_notifier.runtime import NotifierUnitOfWork
from gongjian_shared.bus.consumer import Event
from gongjian_shared.events.accounts import AccountState
from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.replica import replicate_unit
from gongjian_shared.uow import UnitOfWork


async def on_unit_updated(uow: UnitOfWork, event: Event[UnitUpdated]) -> None:
    await replicate_unit(uow.session, UNIT_REPLICA, event)


async def on_account_event(uow: NotifierUnitOfWork, event: Event[AccountState]) -> None:
    """Keep the replica; an active account linked to a leader gets what that leader was told before the
    link was stored (`notifications/late_links.py`: the planner holds the same lock)."""
    state = event.payload
    leader_id = state.links.leader_id if state.active else None
    if leader_id is not None:
        await lock_leaders(uow.session, (leader_id,))
    await replicate_account(uow, state, event.envelope)
    if leader_id is not None:
        await catch_up_leader(uow, leader_id)
