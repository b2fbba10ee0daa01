"""notifier preference changes: who changed a unit's robot URLs and channels, when, from what to what

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "preference_changes",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("changed_by", sa.Uuid(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preference_changes")),
        schema="notifier",
    )
    op.create_index(
        op.f("ix_notifier_preference_changes_unit_id"),
        "preference_changes",
        ["unit_id"],
        unique=False,
        schema="notifier",
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_notifier_preference_changes_unit_id"), table_name="preference_changes", schema="notifier"
    )
    op.drop_table("preference_changes", schema="notifier")
