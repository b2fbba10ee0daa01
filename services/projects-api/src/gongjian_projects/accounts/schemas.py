from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema, field_validator

from gongjian_projects.identity.passwords import MAX_LENGTH, MIN_LENGTH
from gongjian_shared.auth import SCOPE_GRANTS, Role, ServiceScope
from gongjian_shared.types import Email, Instant, Name, NotNullPatch, RequestModel

Username = Annotated[str, Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")]
DisplayName = Annotated[Name, Field(max_length=100)]
Phone = Annotated[str, Field(max_length=40, pattern=r"^\+?[0-9][0-9 -]{4,}$")]
# people's roles: `service` belongs to service accounts only
PERSON_ROLES = tuple(role for role in Role if role is not Role.SERVICE)


def _person_role(role: Role) -> Role:
    if role is Role.SERVICE:
        raise ValueError("the service role belongs to service accounts")
    return role


# A role a person may hold: the document lists the person roles only, and `service` is refused like any
# other value outside them.
PersonRole = Annotated[
    Role,
    AfterValidator(_person_role),
    WithJsonSchema({"type": "string", "enum": [role.value for role in PERSON_ROLES]}),
]


def _person_roles(roles: list[Role]) -> list[Role]:
    return sorted(set(roles), key=PERSON_ROLES.index)


class AccountCreate(RequestModel):
    """A new person's account (新建账号); the password is generated unless given, and changed at first sign-in."""

    model_config = ConfigDict(extra="forbid")

    username: Username
    display_name: DisplayName
    unit_id: uuid.UUID | None
    roles: list[PersonRole] = Field(min_length=1, max_length=len(PERSON_ROLES))
    email: Email | None = None
    phone: Phone | None = None
    initial_password: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_LENGTH,
        json_schema_extra={"minLength": MIN_LENGTH},  # the policy checks it, with its own message
        description="Leave out to have one generated; the password policy applies (密码策略).",
    )

    _roles = field_validator("roles")(_person_roles)


class AccountUpdate(NotNullPatch):
    """Only the fields sent change; `leader_id: null` or `contact_ids: []` remove the links."""

    model_config = ConfigDict(extra="forbid")
    not_nullable = ("display_name", "roles", "active", "contact_ids")

    display_name: DisplayName | None = None
    email: Email | None = None
    phone: Phone | None = None
    roles: list[PersonRole] | None = Field(default=None, min_length=1, max_length=len(PERSON_ROLES))
    unit_id: uuid.UUID | None = None
    active: bool | None = None
    leader_id: uuid.UUID | None = Field(default=None, description="The leader (包抓领导) this account is.")
    contact_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=20, description="The unit contacts (联络员, 负责人) this account is."
    )

    @field_validator("roles")
    @classmethod
    def _roles(cls, roles: list[Role] | None) -> list[Role] | None:
        return None if roles is None else _person_roles(roles)


class AccountLinksOut(BaseModel):
    contact_ids: list[uuid.UUID]
    leader_id: uuid.UUID | None


class AccountOut(BaseModel):
    id: uuid.UUID
    username: str
    display_name: str
    kind: str
    unit_id: uuid.UUID | None
    roles: list[str]
    scopes: list[str]
    email: str | None
    phone: str | None
    active: bool
    must_change_password: bool
    links: AccountLinksOut
    created_at: Instant
    updated_at: Instant
    last_sign_in_at: Instant | None
    revision: int


class AccountWithPassword(AccountOut):
    initial_password: str = Field(
        description="Shown once: give it to the person; it must be changed at first sign-in."
    )


class PasswordResetOut(BaseModel):
    account_id: uuid.UUID
    username: str
    initial_password: str = Field(description="Shown once; must be changed at the next sign-in.")


class AccountPage(BaseModel):
    items: list[AccountOut]
    total: int
    limit: int
    offset: int


class ImportedAccount(BaseModel):
    id: uuid.UUID
    username: str
    initial_password: str


class AccountImportResult(BaseModel):
    """Every row created (导入成功); each initial password is shown this once."""

    imported: int
    accounts: list[ImportedAccount]


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: Instant
    action: str
    account_id: uuid.UUID | None
    username: str
    unit_id: uuid.UUID | None
    actor_id: uuid.UUID | None
    address: str | None
    detail: dict[str, Any]


class AuditPage(BaseModel):
    items: list[AuditOut]
    total: int
    limit: int
    offset: int


class ServiceAccountCreate(RequestModel):
    """A machine client (服务账号): the provincial-database integration, a reporting tool."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[a-z0-9][a-z0-9.-]*$")]
    display_name: DisplayName
    scopes: list[ServiceScope] = Field(min_length=1, max_length=len(SCOPE_GRANTS))

    @field_validator("scopes")
    @classmethod
    def _each_once(cls, scopes: list[ServiceScope]) -> list[ServiceScope]:
        return sorted(set(scopes))


class ServiceAccountSecret(BaseModel):
    account: AccountOut
    client_id: str
    client_secret: str = Field(description="Shown once; rotate it if lost.")


@dataclass(frozen=True)
class AccountFilter:
    visible_unit_ids: frozenset[uuid.UUID] | None  # None: every account
    unit_id: uuid.UUID | None = None
    role: str | None = None
    active: bool | None = None
    kind: str | None = None
    search: str | None = None


@dataclass(frozen=True)
class AuditFilter:
    visible_unit_ids: frozenset[uuid.UUID] | None
    account_id: uuid.UUID | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
