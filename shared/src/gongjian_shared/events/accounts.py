"""Events of the accounts that projects-api owns (账号): replicas keep who a person is and whether a token still holds."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.events.registry import contract

AccountKind = Literal["person", "service"]


class AccountLinks(BaseModel):
    """What the account is in the domain: a unit's contact, a leader (包抓领导), a meeting body's convener."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    contact_ids: tuple[uuid.UUID, ...] = ()
    leader_id: uuid.UUID | None = None


class AccountState(EventPayload):
    """The whole account as it is now; every account event carries it, so a replica is one upsert."""

    stream: ClassVar[str] = "projects"

    account_id: uuid.UUID
    username: str
    display_name: str
    kind: AccountKind = "person"
    unit_id: uuid.UUID | None
    roles: tuple[str, ...]
    scopes: tuple[str, ...] = ()
    email: str | None = None
    phone: str | None = None
    active: bool
    token_version: int
    links: AccountLinks = AccountLinks()


@contract
class AccountCreated(AccountState):
    event_type: ClassVar[str] = "account-created"
    summary: ClassVar[str] = "An account was created (新建账号)."


@contract
class AccountUpdated(AccountState):
    event_type: ClassVar[str] = "account-updated"
    summary: ClassVar[str] = (
        "An account changed: name, contact, roles, unit, links, password reset or re-enabled (账号变更); "
        "tokens below its token_version no longer hold."
    )


@contract
class AccountDisabled(AccountState):
    event_type: ClassVar[str] = "account-disabled"
    summary: ClassVar[str] = "An account was disabled (停用账号); none of its tokens hold any more."
