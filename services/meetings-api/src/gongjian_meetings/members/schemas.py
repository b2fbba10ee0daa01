from __future__ import annotations

import uuid

from pydantic import BaseModel

from gongjian_shared.pagination import Page


class MemberUnit(BaseModel):
    """A member unit of the joint meeting (成员单位), from this service's replica of the registry."""

    unit_id: uuid.UUID
    name: str
    kind: str
    joint_meeting_member: bool
    liaisons: list[str] | None = None


class MemberUnitPage(Page[MemberUnit]):
    """One page of the city joint meeting's member units (成员单位)."""
