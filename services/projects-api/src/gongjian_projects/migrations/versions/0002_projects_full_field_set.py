"""projects: the full field set, leaders, monthly plan, status history, idempotency keys

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = "projects"


def upgrade() -> None:
    # trigram indexes serve the search on name and code; the extension is trusted since PostgreSQL 13
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "idempotency_keys",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("status_code", sa.SmallInteger(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("headers", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_idempotency_keys")),
        schema=S,
    )
    op.create_index(
        op.f("ix_projects_idempotency_keys_created_at"), "idempotency_keys", ["created_at"], schema=S
    )
    op.create_table(
        "leaders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("level IN ('city', 'county')", name=op.f("ck_leaders_level")),
        sa.ForeignKeyConstraint(["unit_id"], ["projects.units.id"], name=op.f("fk_leaders_unit_id_units")),
        sa.ForeignKeyConstraint(["user_id"], ["projects.users.id"], name=op.f("fk_leaders_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leaders")),
        sa.UniqueConstraint("user_id", name=op.f("uq_leaders_user_id")),
        schema=S,
    )
    op.create_table(
        "project_month_plans",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.SmallInteger(), nullable=False),
        sa.Column("planned_10k", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_project_month_plans_month")),
        sa.CheckConstraint("planned_10k >= 0", name=op.f("ck_project_month_plans_amount")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.projects.id"],
            name=op.f("fk_project_month_plans_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "month", name=op.f("pk_project_month_plans")),
        schema=S,
    )
    op.create_table(
        "project_status_changes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("from_status", sa.Text(), nullable=True),
        sa.Column("to_status", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.projects.id"],
            name=op.f("fk_project_status_changes_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_status_changes")),
        schema=S,
    )
    op.create_index(
        op.f("ix_projects_project_status_changes_project_id"),
        "project_status_changes",
        ["project_id"],
        schema=S,
    )
    op.create_table(
        "project_leaders",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("leader_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_id"], ["projects.leaders.id"], name=op.f("fk_project_leaders_leader_id_leaders")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.projects.id"],
            name=op.f("fk_project_leaders_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "leader_id", name=op.f("pk_project_leaders")),
        schema=S,
    )
    op.create_index(op.f("ix_projects_project_leaders_leader_id"), "project_leaders", ["leader_id"], schema=S)
    for name, type_ in (
        ("code_shape", sa.Text()),
        ("legacy_code", sa.Text()),
        ("region_code", sa.Text()),
        ("region_unit_id", sa.Uuid()),
        ("responsible_person", sa.Text()),
        ("industry", sa.Text()),
        ("location_admin_code", sa.Text()),
        ("address", sa.Text()),
        ("latitude", sa.Numeric(precision=9, scale=6)),
        ("longitude", sa.Numeric(precision=9, scale=6)),
        ("started_on", sa.Date()),
        ("completed_on", sa.Date()),
    ):
        op.add_column("projects", sa.Column(name, type_, nullable=True), schema=S)
    op.add_column(
        "projects",
        sa.Column("provincial_key", sa.Boolean(), server_default=sa.false(), nullable=False),
        schema=S,
    )
    op.alter_column("projects", "provincial_key", server_default=None, schema=S)
    op.create_check_constraint(
        op.f("ck_projects_status"),
        "projects",
        "status IN ('planned', 'started', 'completed', 'removed')",
        schema=S,
    )
    op.create_check_constraint(
        op.f("ck_projects_code_shape"),
        "projects",
        "code_shape IS NULL OR code_shape IN ('pre-2020', 'current')",
        schema=S,
    )
    op.create_index(
        "ix_projects_code_trgm",
        "projects",
        ["code"],
        schema=S,
        postgresql_using="gin",
        postgresql_ops={"code": "gin_trgm_ops"},
    )
    op.create_index(
        "ix_projects_name_trgm",
        "projects",
        ["name"],
        schema=S,
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )
    op.create_index("ix_projects_year_kind_unit", "projects", ["year", "kind", "unit_id"], schema=S)
    op.create_index("ix_projects_year_status", "projects", ["year", "status"], schema=S)
    op.create_unique_constraint(op.f("uq_projects_legacy_code"), "projects", ["legacy_code"], schema=S)
    op.create_foreign_key(
        op.f("fk_projects_region_unit_id_units"),
        "projects",
        "units",
        ["region_unit_id"],
        ["id"],
        source_schema=S,
        referent_schema=S,
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_projects_region_unit_id_units"), "projects", schema=S, type_="foreignkey")
    op.drop_constraint(op.f("uq_projects_legacy_code"), "projects", schema=S, type_="unique")
    op.drop_constraint(op.f("ck_projects_code_shape"), "projects", schema=S, type_="check")
    op.drop_constraint(op.f("ck_projects_status"), "projects", schema=S, type_="check")
    for index in ("ix_projects_year_status", "ix_projects_year_kind_unit", "ix_projects_name_trgm"):
        op.drop_index(index, table_name="projects", schema=S)
    op.drop_index("ix_projects_code_trgm", table_name="projects", schema=S)
    for name in (
        "provincial_key",
        "completed_on",
        "started_on",
        "longitude",
        "latitude",
        "address",
        "location_admin_code",
        "industry",
        "responsible_person",
        "region_unit_id",
        "region_code",
        "legacy_code",
        "code_shape",
    ):
        op.drop_column("projects", name, schema=S)
    op.drop_table("project_leaders", schema=S)
    op.drop_table("project_status_changes", schema=S)
    op.drop_table("project_month_plans", schema=S)
    op.drop_table("leaders", schema=S)
    op.drop_table("idempotency_keys", schema=S)
