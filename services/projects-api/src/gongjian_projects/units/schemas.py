from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

UnitKind = Literal["county", "zone", "department", "enterprise", "office"]
ContactRole = Literal["leader", "responsible", "liaison"]


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: ContactRole
    name: str = Field(min_length=1, max_length=100)
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9\- ]{5,20}$")
    email: EmailStr | None = None
    im_id: str | None = Field(default=None, max_length=200)


class UnitCreate(BaseModel):
    """A new unit (新增单位)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "汉滨区", "kind": "county", "admin_code": "610902"}]},
    )

    name: str = Field(min_length=1, max_length=100)
    kind: UnitKind
    admin_code: str | None = Field(default=None, pattern=r"^\d{6}$")
    parent_unit_id: uuid.UUID | None = None
    joint_meeting_member: bool = False
    contacts: list[ContactIn] = Field(default_factory=list, max_length=50)


class UnitUpdate(BaseModel):
    """Changed fields of a unit (修改单位信息); `contacts` replaces the whole list. Send `If-Match`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"contacts": [{"role": "liaison", "name": "王五", "phone": "0915-3216543"}]}]
        },
    )

    name: str | None = Field(default=None, min_length=1, max_length=100)
    kind: UnitKind | None = None
    admin_code: str | None = Field(default=None, pattern=r"^\d{6}$")
    parent_unit_id: uuid.UUID | None = None
    joint_meeting_member: bool | None = None
    contacts: list[ContactIn] | None = Field(default=None, max_length=50)

    @field_validator("name", "kind", "joint_meeting_member", "contacts")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null")
        return value


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
