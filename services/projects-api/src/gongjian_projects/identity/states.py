"""Account state as events carry it, and the in-process token check kept current after each commit."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from fastapi import Depends

from gongjian_projects.identity.repository import AuditRepository, UserRepository
from gongjian_projects.models import User
from gongjian_shared.db import unit_of_work
from gongjian_shared.deps import ContextDep, UnitOfWork
from gongjian_shared.events.accounts import (
    AccountCreated,
    AccountDisabled,
    AccountLinks,
    AccountState,
    AccountUpdated,
)
from gongjian_shared.service import ServiceContext

AccountChange = Literal["created", "updated", "disabled"]
_EVENTS: dict[AccountChange, type[AccountState]] = {
    "created": AccountCreated,
    "updated": AccountUpdated,
    "disabled": AccountDisabled,
}


async def account_state(users: UserRepository, user: User) -> AccountState:
    contact_ids, leader_id = await users.links(user.id)
    return AccountState(
        account_id=user.id,
        username=user.username,
        display_name=user.display_name,
        kind="service" if user.kind == "service" else "person",
        unit_id=user.unit_id,
        roles=tuple(sorted(user.roles)),
        scopes=tuple(sorted(user.scopes or ())),
        email=user.email,
        phone=user.phone,
        active=user.active,
        token_version=user.token_version,
        links=AccountLinks(contact_ids=contact_ids, leader_id=leader_id),
    )


async def publish_account(uow: UnitOfWork, user: User, change: AccountChange) -> None:
    """The account's whole state as `account-created|updated|disabled`, in the caller's transaction."""
    await uow.session.flush()
    state = await account_state(UserRepository(uow.session), user)
    payload = _EVENTS[change].model_validate(state.model_dump())
    await uow.outbox.publish(uow.session, payload, key=str(user.id))


def audit_account(
    uow: UnitOfWork, user: User, action: str, *, actor_id: uuid.UUID | None, **detail: Any
) -> None:
    """One entry of the account audit log about `user`, by `actor_id`, now."""
    AuditRepository(uow.session).record(
        uow.clock.now(),
        action,
        username=user.username,
        account_id=user.id,
        unit_id=user.unit_id,
        actor_id=actor_id,
        detail=detail,
    )


async def record_account_change(
    uow: UnitOfWork,
    user: User,
    change: AccountChange,
    action: str,
    *,
    actor_id: uuid.UUID | None,
    **detail: Any,
) -> None:
    """How every change of an account ends: its audit entry, then its whole state as an event."""
    audit_account(uow, user, action, actor_id=actor_id, **detail)
    await publish_account(uow, user, change)


@dataclass
class AccountChanges:
    """Accounts a request changed; applied to this replica's token check once the transaction committed.

    Name it before `UnitOfWorkDep` in a route's parameters: dependencies close in reverse order, so this one
    closes after the commit, and not at all when the request failed.
    """

    pending: dict[uuid.UUID, tuple[int, bool]] = field(default_factory=dict)

    def note(self, user: User) -> None:
        self.pending[user.id] = (user.token_version, user.active)


def apply_states(context: ServiceContext, changes: AccountChanges) -> None:
    for account_id, (token_version, active) in changes.pending.items():
        context.account_states.apply(account_id, token_version, active)


async def _account_changes(context: ContextDep) -> AsyncIterator[AccountChanges]:
    changes = AccountChanges()
    yield changes
    apply_states(context, changes)


AccountChangesDep = Annotated[AccountChanges, Depends(_account_changes, scope="function")]


async def load_account_states(context: ServiceContext) -> int:
    """Fill the token check from the users table (at start); returns how many accounts it knows."""
    async with unit_of_work(context.sessionmaker) as session:
        states = await UserRepository(session).states()
    for account_id, token_version, active in states:
        context.account_states.apply(account_id, token_version, active)
    return len(states)
