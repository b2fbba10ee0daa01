from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from gongjian_shared.types import Email, Line, Name, NotNullPatch, RequestModel

UnitKind = Literal["county", "zone", "department", "enterprise", "office"]
ContactRole = Literal["leader", "responsible", "liaison"]
UnitName = Annotated[Name, Field(max_length=100)]


class ContactIn(RequestModel):
    model_config = ConfigDict(extra="forbid")

    role: ContactRole
    name: UnitName
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9\- ]{5,20}$")
    email: Email | None = None
    im_id: Annotated[Line, Field(max_length=200)] | None = None


class UnitCreate(RequestModel):
    """A new unit (新增单位)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "汉滨区", "kind": "county", "admin_code": "610902"}]},
    )

    name: UnitName
    kind: UnitKind
    admin_code: str | None = Field(default=None, pattern=r"^[0-9]{6}$")
    parent_unit_id: uuid.UUID | None = None
    joint_meeting_member: bool = False
    contacts: list[ContactIn] = Field(default_factory=list, max_length=50)


class UnitUpdate(NotNullPatch):
    """Changed fields of a unit (修改单位信息); `contacts` replaces the whole list. Send `If-Match`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"contacts": [{"role": "liaison", "name": "王五", "phone": "0915-3216543"}]}]
        },
    )

    not_nullable = ("name", "kind", "joint_meeting_member", "contacts")

    name: UnitName | None = None
    kind: UnitKind | None = None
    admin_code: str | None = Field(default=None, pattern=r"^[0-9]{6}$")
    parent_unit_id: uuid.UUID | None = None
    joint_meeting_member: bool | None = None
    contacts: list[ContactIn] | None = Field(default=None, max_length=50)


class ContactOut(BaseModel):
    id: uuid.UUID
    role: ContactRole
    name: str
    phone: str | None
    email: str | None
    im_id: str | None


class UnitOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: UnitKind
    admin_code: str | None
    parent_unit_id: uuid.UUID | None
    joint_meeting_member: bool
    revision: int
    contacts: list[ContactOut] | None = Field(
        default=None, description="Only for the office, admins and the unit itself (个人信息)."
    )


class UnitPage(BaseModel):
    items: list[UnitOut]
    total: int
