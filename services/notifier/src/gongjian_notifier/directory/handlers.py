"""Units and their contacts (`unit-updated`), and the accounts with their links (`account-*`)."""

from __future__ import annotations

from gongjian_notifier.directory.service import replicate_account
from gongjian_notifier.models import UNIT_REPLICA
from gongjian_shared.bus.consumer import Event
from gongjian_shared.events.accounts import AccountState
from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.replica import replicate_unit
from gongjian_shared.uow import UnitOfWork


async def on_unit_updated(uow: UnitOfWork, event: Event[UnitUpdated]) -> None:
    await replicate_unit(uow.session, UNIT_REPLICA, event)


async def on_account_event(uow: UnitOfWork, event: Event[AccountState]) -> None:
    await replicate_account(uow, event.payload, event.envelope)
