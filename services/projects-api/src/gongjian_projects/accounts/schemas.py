from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gongjian_shared.auth import Role

Username = Annotated[str, Field(min_length=2, max_length=64, pattern=r"^[\w.@-]+$")]
DisplayName = Annotated[str, Field(min_length=1, max_length=100)]
Email = Annotated[str, Field(max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Phone = Annotated[str, Field(max_length=40, pattern=r"^\+?[0-9][0-9 -]{4,}$")]
# people's roles: `service` belongs to service accounts only
PERSON_ROLES = tuple(role for role in Role if role is not Role.SERVICE)


def _person_roles(roles: list[Role]) -> list[Role]:
    if Role.SERVICE in roles:
        raise ValueError("the service role belongs to service accounts")
    return sorted(set(roles), key=PERSON_ROLES.index)


class AccountCreate(BaseModel):
    """A new person's account (新建账号); the password is generated unless given, and changed at first sign-in."""

    model_config = ConfigDict(extra="forbid")

    username: Username
    display_name: DisplayName
    unit_id: uuid.UUID | None
    roles: list[Role] = Field(min_length=1, max_length=len(PERSON_ROLES))
    email: Email | None = None
    phone: Phone | None = None
    initial_password: str | None = Field(default=None, min_length=1, max_length=256)

    _roles = field_validator("roles")(_person_roles)


class AccountUpdate(BaseModel):
    """Only the fields sent change; `leader_id: null` or `contact_ids: []` remove the links."""

    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = None
    email: Email | None = None
    phone: Phone | None = None
    roles: list[Role] | None = Field(default=None, min_length=1, max_length=len(PERSON_ROLES))
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

    @field_validator("display_name", "active", "contact_ids")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null")
        return value


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
    created_at: datetime
    updated_at: datetime
    last_sign_in_at: datetime | None
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
    at: datetime
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


class ServiceAccountCreate(BaseModel):
    """A machine client (服务账号): the provincial-database integration, a reporting tool."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[a-z0-9][a-z0-9.-]*$")]
    display_name: DisplayName
    scopes: list[str] = Field(min_length=1, max_length=10)


class ServiceAccountSecret(BaseModel):
    account: AccountOut
    client_id: str
    client_secret: str = Field(description="Shown once; rotate it if lost.")
