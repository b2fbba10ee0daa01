"""accounts and sessions: account fields, contact links, refresh tokens, sign-in throttle, account audit

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "projects"


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("kind", sa.Text(), server_default="person", nullable=False), schema=SCHEMA
    )
    op.add_column(
        "users",
        sa.Column("scopes", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        schema=SCHEMA,
    )
    op.add_column("users", sa.Column("email", sa.Text(), nullable=True), schema=SCHEMA)
    op.add_column("users", sa.Column("phone", sa.Text(), nullable=True), schema=SCHEMA)
    op.add_column(
        "users",
        sa.Column("must_change_password", sa.Boolean(), server_default="false", nullable=False),
        schema=SCHEMA,
    )
    op.add_column(
        "users", sa.Column("token_version", sa.Integer(), server_default="0", nullable=False), schema=SCHEMA
    )
    op.add_column("users", sa.Column("client_secret_hash", sa.Text(), nullable=True), schema=SCHEMA)
    op.add_column(
        "users", sa.Column("revision", sa.Integer(), server_default="1", nullable=False), schema=SCHEMA
    )
    op.add_column(
        "users",
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        schema=SCHEMA,
    )
    op.add_column(
        "users", sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True), schema=SCHEMA
    )
    op.add_column("users", sa.Column("created_by", sa.Uuid(), nullable=True), schema=SCHEMA)
    op.create_foreign_key(
        op.f("fk_users_created_by_users"),
        "users",
        "users",
        ["created_by"],
        ["id"],
        source_schema=SCHEMA,
        referent_schema=SCHEMA,
        ondelete="SET NULL",
    )
    op.create_check_constraint(op.f("ck_users_kind"), "users", "kind IN ('person', 'service')", schema=SCHEMA)

    op.add_column("unit_contacts", sa.Column("user_id", sa.Uuid(), nullable=True), schema=SCHEMA)
    op.create_foreign_key(
        op.f("fk_unit_contacts_user_id_users"),
        "unit_contacts",
        "users",
        ["user_id"],
        ["id"],
        source_schema=SCHEMA,
        referent_schema=SCHEMA,
        ondelete="SET NULL",
    )
    op.create_index(
        op.f("ix_projects_unit_contacts_user_id"), "unit_contacts", ["user_id"], unique=False, schema=SCHEMA
    )

    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("secret_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["projects.users.id"],
            name=op.f("fk_refresh_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_tokens")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_projects_refresh_tokens_family_id"),
        "refresh_tokens",
        ["family_id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_projects_refresh_tokens_user_id"), "refresh_tokens", ["user_id"], unique=False, schema=SCHEMA
    )

    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_throttle")),
        schema=SCHEMA,
    )

    op.create_table(
        "account_audit",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=True),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("detail", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_audit")),
        schema=SCHEMA,
    )
    op.create_index("ix_account_audit_at", "account_audit", ["at"], unique=False, schema=SCHEMA)
    op.create_index(
        "ix_account_audit_account_at", "account_audit", ["account_id", "at"], unique=False, schema=SCHEMA
    )
    op.create_index(
        "ix_account_audit_unit_at", "account_audit", ["unit_id", "at"], unique=False, schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_index("ix_account_audit_unit_at", table_name="account_audit", schema=SCHEMA)
    op.drop_index("ix_account_audit_account_at", table_name="account_audit", schema=SCHEMA)
    op.drop_index("ix_account_audit_at", table_name="account_audit", schema=SCHEMA)
    op.drop_table("account_audit", schema=SCHEMA)
    op.drop_table("sign_in_throttle", schema=SCHEMA)
    op.drop_index(op.f("ix_projects_refresh_tokens_user_id"), table_name="refresh_tokens", schema=SCHEMA)
    op.drop_index(op.f("ix_projects_refresh_tokens_family_id"), table_name="refresh_tokens", schema=SCHEMA)
    op.drop_table("refresh_tokens", schema=SCHEMA)
    op.drop_index(op.f("ix_projects_unit_contacts_user_id"), table_name="unit_contacts", schema=SCHEMA)
    op.drop_constraint(
        op.f("fk_unit_contacts_user_id_users"), "unit_contacts", schema=SCHEMA, type_="foreignkey"
    )
    op.drop_column("unit_contacts", "user_id", schema=SCHEMA)
    op.drop_constraint(op.f("ck_users_kind"), "users", schema=SCHEMA, type_="check")
    op.drop_constraint(op.f("fk_users_created_by_users"), "users", schema=SCHEMA, type_="foreignkey")
    for column in (
        "created_by",
        "last_sign_in_at",
        "updated_at",
        "revision",
        "client_secret_hash",
        "token_version",
        "must_change_password",
        "phone",
        "email",
        "scopes",
        "kind",
    ):
        op.drop_column("users", column, schema=SCHEMA)
