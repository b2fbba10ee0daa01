"""The outbound push adapter's deliveries (推送): one row per change of the registry sent to the configured
endpoint, with its attempts; a row that used up its attempts is a dead letter the office sees and replays."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Identity, Index, Integer, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gongjian_projects.models.base import Base

PUSH_STATUSES = ("pending", "delivered", "dead")


class PushDelivery(Base):
    """One change to push: the event's envelope, sent with the event id as its idempotency key."""

    __tablename__ = "push_deliveries"

    # the order the changes were read from the log in (the consumer reads in (txid, id) order)
    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    type: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(Text)
    envelope: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(Text, default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dead_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    replays: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        CheckConstraint(f"status IN {PUSH_STATUSES!r}", name="status"),
        Index("ix_push_deliveries_pending", "id", postgresql_where=text("status = 'pending'")),
        Index("ix_push_deliveries_dead", "dead_at", "id", postgresql_where=text("status = 'dead'")),
    )
