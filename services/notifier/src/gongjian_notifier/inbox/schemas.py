from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gongjian_shared.pagination import Page
from gongjian_shared.types import Instant, RequestModel

AckKind = Literal["read", "done"]


class InboxItem(BaseModel):
    """One message in a person's inbox (站内信)."""

    id: int
    notification_id: uuid.UUID
    event_type: str
    title: str
    body: str
    link: str
    urgency: str
    unit_name: str | None
    for_office: bool = Field(description="addressed to the office desk rather than to the person")
    needs_ack: bool
    ack_due_at: Instant | None
    created_at: Instant
    read_at: Instant | None
    acknowledged_at: Instant | None
    ack_kind: AckKind | None
    acknowledged_by_someone_at: Instant | None = Field(
        description="when anyone told of it acknowledged it (the whole unit, or the chain of escalation)"
    )


class InboxPage(Page[InboxItem]):
    """One page of the caller's messages (我的消息)."""


class InboxCounts(BaseModel):
    unread: int
    awaiting_ack: int


class Acknowledgement(RequestModel):
    """已阅 (`read`: seen) or 已办 (`done`: dealt with)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"kind": "done"}]})

    kind: AckKind
