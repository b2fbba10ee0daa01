"""The accounts replica (账号副本): who signs in, and what each account is in the domain.

projects-api owns the accounts; every `account-created` / `account-updated` / `account-disabled` event carries
the whole account, so keeping the replica is one upsert (the later event wins; a replayed older one is ignored).
The links say which unit contacts an account is (`contact_ids`: it reads their inbox) and which leader
(包抓领导, `leader_id`: it is told of that leader's red projects). A disabled account is kept, marked inactive:
it is told nothing new and its inbox shows nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.types import Uuid

from gongjian_notifier.models import ACCOUNTS, Account
from gongjian_shared.events.accounts import AccountState
from gongjian_shared.events.envelope import EventEnvelope
from gongjian_shared.repository import Repository


def _uuids(values: Iterable[uuid.UUID]) -> Any:
    return literal(list(values), ARRAY(Uuid()))


class AccountRepository(Repository):
    async def apply(self, state: AccountState, envelope: EventEnvelope) -> None:
        values: dict[str, Any] = {
            "username": state.username,
            "display_name": state.display_name,
            "kind": state.kind,
            "unit_id": state.unit_id,
            "roles": list(state.roles),
            "email": state.email,
            "phone": state.phone,
            "active": state.active,
            "token_version": state.token_version,
            "contact_ids": list(state.links.contact_ids),
            "leader_id": state.links.leader_id,
            "occurred_at": envelope.occurred_at,
            "source_event_id": envelope.event_id,
        }
        statement = insert(ACCOUNTS).values(account_id=state.account_id, **values)
        excluded = statement.excluded
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[ACCOUNTS.c.account_id],
                set_={name: excluded[name] for name in values},
                where=ACCOUNTS.c.occurred_at <= excluded.occurred_at,
            )
        )

    async def get(self, account_id: uuid.UUID) -> Account | None:
        return await self._session.get(Account, account_id)

    async def many(self, account_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Account]:
        wanted = list(set(account_ids))
        if not wanted:
            return {}
        rows = await self._session.execute(select(Account).where(Account.account_id.in_(wanted)))
        return {account.account_id: account for account in rows.scalars()}

    async def linking(self, contact_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Account]]:
        """The accounts linked to each contact (by `links.contact_ids`), active or not."""
        wanted = list(set(contact_ids))
        if not wanted:
            return {}
        rows = await self._session.execute(
            select(Account).where(Account.contact_ids.op("&&")(_uuids(wanted))).order_by(Account.username)
        )
        found: dict[uuid.UUID, list[Account]] = {}
        for account in rows.scalars():
            for contact_id in account.contact_ids:
                if contact_id in wanted:
                    found.setdefault(contact_id, []).append(account)
        return found

    async def of_leaders(self, leader_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Account]]:
        """The accounts that are each leader (by `links.leader_id`), active or not."""
        wanted = list(set(leader_ids))
        if not wanted:
            return {}
        rows = await self._session.execute(
            select(Account).where(Account.leader_id.in_(wanted)).order_by(Account.username)
        )
        found: dict[uuid.UUID, list[Account]] = {}
        for account in rows.scalars():
            assert account.leader_id is not None
            found.setdefault(account.leader_id, []).append(account)
        return found

    async def holding(self, role: str) -> list[Account]:
        """Active accounts holding a role."""
        rows = await self._session.execute(
            select(Account).where(Account.active, Account.roles.any_() == role).order_by(Account.username)
        )
        return list(rows.scalars())
