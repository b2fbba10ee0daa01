from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, Field

from gongjian_shared.pagination import Page
from gongjian_shared.types import INT64_MAX, Instant

DeliveryStatus = Literal["pending", "digest", "sending", "delivered", "failed", "cancelled"]
NotificationStatus = Literal["active", "held", "unrouted"]

STATUS_ZH = {
    "pending": "待发送",
    "digest": "待汇总",
    "sending": "发送中",
    "delivered": "已送达",
    "failed": "失败",
    "cancelled": "已取消",
}
CHANNEL_ZH = {"inbox": "站内信", "email": "邮件", "wecom": "企业微信", "dingtalk": "钉钉", "sms": "短信"}


@dataclass(frozen=True)
class AuditFilter:
    """Which deliveries the audit shows (送达审计的筛选): each field set narrows it; `until` is exclusive."""

    unit_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    channel: str | None = None
    status: str | None = None
    event_type: str | None = None
    acknowledged: bool | None = None
    since: datetime | None = None
    until: datetime | None = None
    account_id: uuid.UUID | None = None


# deliveries.id is a bigint identity: a path id past it is a 422, never a 500 from PostgreSQL
DeliveryId = Annotated[int, Path(ge=1, le=INT64_MAX, description="a delivery (送达记录) id")]


class DeliveryAudit(BaseModel):
    """Who was told what, when, on which channel, and what became of it (送达记录)."""

    id: int
    notification_id: uuid.UUID
    event_type: str
    title: str
    urgency: str
    level: int
    unit_id: uuid.UUID | None
    unit_name: str | None
    recipient_name: str
    recipient_kind: str
    person_id: uuid.UUID | None
    account_id: uuid.UUID | None = Field(default=None, description="the account told (a leader, a convener)")
    channel: str
    address: str | None
    status: DeliveryStatus
    attempts: int
    not_before: Instant
    last_error: str | None
    created_at: Instant
    delivered_at: Instant | None
    failed_at: Instant | None
    read_at: Instant | None
    acknowledged_at: Instant | None
    ack_kind: str | None
    notification_acknowledged_at: Instant | None
    notification_ack_kind: str | None


class DeliveryAuditPage(Page[DeliveryAudit]):
    """One page of the delivery audit (送达审计)."""


class NotificationOut(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID | None
    event_type: str
    unit_id: uuid.UUID | None
    unit_name: str | None
    office: bool
    urgency: str
    needs_ack: bool
    level: int
    root_id: uuid.UUID
    title: str
    body: str
    link: str
    status: NotificationStatus
    error: str | None
    release_at: Instant
    ack_due_at: Instant | None
    acknowledged_at: Instant | None
    ack_kind: str | None
    escalated_at: Instant | None
    created_at: Instant


class NotificationPage(Page[NotificationOut]):
    """One page of notifications (通知列表)."""


class NotificationDetail(NotificationOut):
    deliveries: list[DeliveryAudit]
