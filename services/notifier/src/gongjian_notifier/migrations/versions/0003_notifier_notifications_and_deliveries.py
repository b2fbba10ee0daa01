"""notifier notifications and deliveries: one durable row per (notification, recipient, channel)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("unit_name", sa.Text(), nullable=True),
        sa.Column("office", sa.Boolean(), nullable=False),
        sa.Column("urgency", sa.Text(), nullable=False),
        sa.Column("needs_ack", sa.Boolean(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("root_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("leader_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("release_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ack_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Uuid(), nullable=True),
        sa.Column("ack_kind", sa.Text(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ack_kind IS NULL OR ack_kind IN ('read', 'done')", name=op.f("ck_notifications_ack_kind")
        ),
        sa.CheckConstraint("status IN ('active', 'held', 'unrouted')", name=op.f("ck_notifications_status")),
        sa.CheckConstraint("urgency IN ('urgent', 'normal', 'low')", name=op.f("ck_notifications_urgency")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("key", name=op.f("uq_notifications_key")),
        schema="notifier",
    )
    op.create_index(
        "ix_notifications_created_at", "notifications", ["created_at"], unique=False, schema="notifier"
    )
    op.create_index(
        "ix_notifications_escalation_due",
        "notifications",
        ["ack_due_at"],
        unique=False,
        schema="notifier",
        postgresql_where=sa.text(
            "needs_ack AND acknowledged_at IS NULL AND escalated_at IS NULL AND status = 'active'"
        ),
    )
    op.create_index(
        op.f("ix_notifier_notifications_root_id"),
        "notifications",
        ["root_id"],
        unique=False,
        schema="notifier",
    )
    op.create_index(
        op.f("ix_notifier_notifications_unit_id"),
        "notifications",
        ["unit_id"],
        unique=False,
        schema="notifier",
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("notification_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_key", sa.Text(), nullable=False),
        sa.Column("recipient_kind", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("recipient_name", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("mention_phone", sa.Text(), nullable=True),
        sa.Column("mention_im_id", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.Text(), nullable=True),
        sa.Column("digest_key", sa.Text(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ack_kind", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ack_kind IS NULL OR ack_kind IN ('read', 'done')", name=op.f("ck_deliveries_ack_kind")
        ),
        sa.CheckConstraint(
            "recipient_kind IN ('person', 'office')", name=op.f("ck_deliveries_recipient_kind")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'digest', 'sending', 'delivered', 'failed', 'cancelled')",
            name=op.f("ck_deliveries_status"),
        ),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifier.notifications.id"],
            name=op.f("fk_deliveries_notification_id_notifications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint(
            "notification_id", "recipient_key", "channel", name=op.f("uq_deliveries_notification_id")
        ),
        schema="notifier",
    )
    op.create_index("ix_deliveries_created_at", "deliveries", ["created_at"], unique=False, schema="notifier")
    op.create_index(
        "ix_deliveries_due",
        "deliveries",
        ["channel", "status", "not_before"],
        unique=False,
        schema="notifier",
        postgresql_where=sa.text("status IN ('pending', 'digest', 'sending')"),
    )
    op.create_index(
        "ix_deliveries_inbox_office",
        "deliveries",
        ["created_at"],
        unique=False,
        schema="notifier",
        postgresql_where=sa.text("channel = 'inbox' AND recipient_kind = 'office'"),
    )
    op.create_index(
        "ix_deliveries_inbox_person",
        "deliveries",
        ["person_id", "created_at"],
        unique=False,
        schema="notifier",
        postgresql_where=sa.text("channel = 'inbox'"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_deliveries_inbox_person",
        table_name="deliveries",
        schema="notifier",
        postgresql_where=sa.text("channel = 'inbox'"),
    )
    op.drop_index(
        "ix_deliveries_inbox_office",
        table_name="deliveries",
        schema="notifier",
        postgresql_where=sa.text("channel = 'inbox' AND recipient_kind = 'office'"),
    )
    op.drop_index(
        "ix_deliveries_due",
        table_name="deliveries",
        schema="notifier",
        postgresql_where=sa.text("status IN ('pending', 'digest', 'sending')"),
    )
    op.drop_index("ix_deliveries_created_at", table_name="deliveries", schema="notifier")
    op.drop_table("deliveries", schema="notifier")
    op.drop_index(op.f("ix_notifier_notifications_unit_id"), table_name="notifications", schema="notifier")
    op.drop_index(op.f("ix_notifier_notifications_root_id"), table_name="notifications", schema="notifier")
    op.drop_index(
        "ix_notifications_escalation_due",
        table_name="notifications",
        schema="notifier",
        postgresql_where=sa.text(
            "needs_ack AND acknowledged_at IS NULL AND escalated_at IS NULL AND status = 'active'"
        ),
    )
    op.drop_index("ix_notifications_created_at", table_name="notifications", schema="notifier")
    op.drop_table("notifications", schema="notifier")
