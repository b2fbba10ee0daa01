"""push deliveries: the outbound push adapter's rows (one per change sent to the configured endpoint, its
attempts, and the dead letters the office sees and replays)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 18:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "projects"


def upgrade() -> None:
    op.create_table(
        "push_deliveries",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("envelope", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dead_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replays", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'dead')", name=op.f("ck_push_deliveries_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_deliveries")),
        sa.UniqueConstraint("event_id", name=op.f("uq_push_deliveries_event_id")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_push_deliveries_pending",
        "push_deliveries",
        ["id"],
        schema=SCHEMA,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_push_deliveries_dead",
        "push_deliveries",
        ["dead_at", "id"],
        schema=SCHEMA,
        postgresql_where=sa.text("status = 'dead'"),
    )


def downgrade() -> None:
    op.drop_index("ix_push_deliveries_dead", table_name="push_deliveries", schema=SCHEMA)
    op.drop_index("ix_push_deliveries_pending", table_name="push_deliveries", schema=SCHEMA)
    op.drop_table("push_deliveries", schema=SCHEMA)
