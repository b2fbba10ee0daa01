"""notifier accounts: a replica of the sign-in accounts and their links; inbox deliveries to an account

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("roles", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("contact_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("leader_id", sa.Uuid(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_event_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_accounts")),
        schema="notifier",
    )
    op.create_index(
        "ix_accounts_contact_ids",
        "accounts",
        ["contact_ids"],
        unique=False,
        schema="notifier",
        postgresql_using="gin",
    )
    op.create_index(
        op.f("ix_notifier_accounts_leader_id"), "accounts", ["leader_id"], unique=False, schema="notifier"
    )
    op.add_column("deliveries", sa.Column("account_id", sa.Uuid(), nullable=True), schema="notifier")
    op.create_index(
        "ix_deliveries_inbox_account",
        "deliveries",
        ["account_id", "created_at"],
        unique=False,
        schema="notifier",
        postgresql_where=sa.text("channel = 'inbox'"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_deliveries_inbox_account",
        table_name="deliveries",
        schema="notifier",
        postgresql_where=sa.text("channel = 'inbox'"),
    )
    op.drop_column("deliveries", "account_id", schema="notifier")
    op.drop_index(op.f("ix_notifier_accounts_leader_id"), table_name="accounts", schema="notifier")
    op.drop_index("ix_accounts_contact_ids", table_name="accounts", schema="notifier")
    op.drop_table("accounts", schema="notifier")
