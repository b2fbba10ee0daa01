"""The notifier schema: the directory (replica + preferences), notifications and their deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import cast

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    literal_column,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gongjian_shared.bus.tables import bus_tables
from gongjian_shared.db import service_metadata
from gongjian_shared.replica import unit_replica_table

SCHEMA = "notifier"


class Base(DeclarativeBase):
    metadata = service_metadata(SCHEMA)


BUS = bus_tables(Base.metadata)
UNIT_REPLICA = unit_replica_table(Base.metadata)


class UnitPreference(Base):
    """A unit's channels and IM robots (单位通知偏好); set by the office or the unit's liaison."""

    __tablename__ = "unit_preferences"

    unit_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    channels: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    wecom_webhook_url: Mapped[str | None] = mapped_column(Text)
    dingtalk_webhook_url: Mapped[str | None] = mapped_column(Text)
    dingtalk_secret: Mapped[str | None] = mapped_column(Text)
    digest: Mapped[bool] = mapped_column(Boolean, default=True)
    escalate_after_hours: Mapped[float | None] = mapped_column(Float)
    updated_by: Mapped[uuid.UUID | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # counted up by every UPDATE of the row (fetched back with RETURNING): the ETag of If-Match updates
    revision: Mapped[int] = mapped_column(
        Integer, default=1, server_default=text("1"), onupdate=literal_column("revision") + 1
    )

    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 (SQLAlchemy reads it as a plain dict)


class PersonPreference(Base):
    """A person's channels and the account they sign in with (个人通知偏好与账号关联).

    The registry's contacts (person_id) and its accounts (user_id) are separate records; the office links
    them here so that a signed-in person sees the inbox of the contact they are.
    """

    __tablename__ = "person_preferences"

    person_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    channels: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    user_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    username: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[uuid.UUID | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # counted up by every UPDATE of the row (fetched back with RETURNING): the ETag of If-Match updates
    revision: Mapped[int] = mapped_column(
        Integer, default=1, server_default=text("1"), onupdate=literal_column("revision") + 1
    )

    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 (SQLAlchemy reads it as a plain dict)


class PreferenceChange(Base):
    """Who changed which of a unit's notification settings, when, from what to what (通知偏好变更记录).

    Robot URLs are kept with their query values masked (the key is a credential); the secret only as set or
    removed.
    """

    __tablename__ = "preference_changes"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(index=True)
    field: Mapped[str] = mapped_column(Text)
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[uuid.UUID | None] = mapped_column()
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Account(Base):
    """A replica of a sign-in account (账号), kept from projects-api's account events.

    What the account is in the domain comes with it: the unit contacts it is (`contact_ids`) and the leader
    (包抓领导) it is (`leader_id`); the notifier reaches leaders and conveners, and fills inboxes, through these.
    """

    __tablename__ = "accounts"

    account_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(Text)
    display_name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[uuid.UUID | None] = mapped_column()
    roles: Mapped[list[str]] = mapped_column(ARRAY(Text))
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean)
    token_version: Mapped[int] = mapped_column(Integer)
    contact_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    leader_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source_event_id: Mapped[uuid.UUID] = mapped_column()

    __table_args__ = (Index("ix_accounts_contact_ids", "contact_ids", postgresql_using="gin"),)


class Notification(Base):
    """One message about one event to one audience (a unit's people, or the office) at one level.

    Escalation makes a child at the next level (liaison, then heads and assigned leaders, then the office);
    the chain shares `root_id`, and acknowledging any of it stops the chain.
    """

    __tablename__ = "notifications"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(Text, unique=True)
    event_id: Mapped[uuid.UUID | None] = mapped_column()
    event_type: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    unit_name: Mapped[str | None] = mapped_column(Text)
    office: Mapped[bool] = mapped_column(Boolean, default=False)
    urgency: Mapped[str] = mapped_column(Text)
    needs_ack: Mapped[bool] = mapped_column(Boolean, default=False)
    level: Mapped[int] = mapped_column(SmallInteger, default=0)
    root_id: Mapped[uuid.UUID] = mapped_column(index=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column()
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, default="active")
    error: Mapped[str | None] = mapped_column(Text)
    leader_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)
    release_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ack_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[uuid.UUID | None] = mapped_column()
    ack_kind: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("urgency IN ('urgent', 'normal', 'low')", name="urgency"),
        CheckConstraint("status IN ('active', 'held', 'unrouted')", name="status"),
        CheckConstraint("ack_kind IS NULL OR ack_kind IN ('read', 'done')", name="ack_kind"),
        Index(
            "ix_notifications_escalation_due",
            "ack_due_at",
            postgresql_where=text(
                "needs_ack AND acknowledged_at IS NULL AND escalated_at IS NULL AND status = 'active'"
            ),
        ),
        Index("ix_notifications_created_at", "created_at"),
    )


class Delivery(Base):
    """One (notification, recipient, channel): sent at most once by whichever worker claims it (送达记录)."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    notification_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"))
    recipient_key: Mapped[str] = mapped_column(Text)
    recipient_kind: Mapped[str] = mapped_column(Text)
    person_id: Mapped[uuid.UUID | None] = mapped_column()
    account_id: Mapped[uuid.UUID | None] = mapped_column()
    recipient_name: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[uuid.UUID | None] = mapped_column()
    channel: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    mention_phone: Mapped[str | None] = mapped_column(Text)
    mention_im_id: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(Text)
    digest_key: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ack_kind: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("notification_id", "recipient_key", "channel"),
        CheckConstraint("recipient_kind IN ('person', 'office')", name="recipient_kind"),
        CheckConstraint(
            "status IN ('pending', 'digest', 'sending', 'delivered', 'failed', 'cancelled')", name="status"
        ),
        CheckConstraint("ack_kind IS NULL OR ack_kind IN ('read', 'done')", name="ack_kind"),
        Index(
            "ix_deliveries_due",
            "channel",
            "status",
            "not_before",
            postgresql_where=text("status IN ('pending', 'digest', 'sending')"),
        ),
        Index(
            "ix_deliveries_inbox_person",
            "person_id",
            "created_at",
            postgresql_where=text("channel = 'inbox'"),
        ),
        Index(
            "ix_deliveries_inbox_account",
            "account_id",
            "created_at",
            postgresql_where=text("channel = 'inbox'"),
        ),
        Index(
            "ix_deliveries_inbox_office",
            "created_at",
            postgresql_where=text("channel = 'inbox' AND recipient_kind = 'office'"),
        ),
        Index("ix_deliveries_created_at", "created_at"),
    )


ACCOUNTS = cast(Table, Account.__table__)
NOTIFICATIONS = cast(Table, Notification.__table__)
DELIVERIES = cast(Table, Delivery.__table__)
