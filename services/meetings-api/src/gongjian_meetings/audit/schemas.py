from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict

from gongjian_shared.pagination import Page
from gongjian_shared.types import Instant


class MeetingActionOut(BaseModel):
    """One recorded step (操作记录): what, on what, by whom (or the scheduler), when."""

    model_config = ConfigDict(from_attributes=True)

    action: str
    subject_kind: str
    subject_id: uuid.UUID
    actor_id: uuid.UUID | None
    actor_name: str
    actor_roles: list[str]
    at: Instant
    detail: dict[str, Any]


class ActionPage(Page[MeetingActionOut]):
    """One page of a meeting's recorded steps (操作记录)."""
