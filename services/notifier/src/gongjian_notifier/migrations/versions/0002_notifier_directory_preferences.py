"""notifier directory preferences: channels per unit and per person, and the person-to-account link

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 01:21:57.438773
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_preferences",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("channels", sa.ARRAY(sa.Text()), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("username", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_preferences")),
        schema="notifier",
    )
    op.create_index(
        op.f("ix_notifier_person_preferences_user_id"),
        "person_preferences",
        ["user_id"],
        unique=False,
        schema="notifier",
    )
    op.create_table(
        "unit_preferences",
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("channels", sa.ARRAY(sa.Text()), nullable=True),
        sa.Column("wecom_webhook_url", sa.Text(), nullable=True),
        sa.Column("dingtalk_webhook_url", sa.Text(), nullable=True),
        sa.Column("dingtalk_secret", sa.Text(), nullable=True),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("escalate_after_hours", sa.Float(), nullable=True),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_unit_preferences")),
        schema="notifier",
    )


def downgrade() -> None:
    op.drop_table("unit_preferences", schema="notifier")
    op.drop_index(
        op.f("ix_notifier_person_preferences_user_id"), table_name="person_preferences", schema="notifier"
    )
    op.drop_table("person_preferences", schema="notifier")
