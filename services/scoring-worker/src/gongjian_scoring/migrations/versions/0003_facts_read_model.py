"""facts read model

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 01:24:52.990625
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from gongjian_shared.migrations import create_unit_replica_table, drop_unit_replica_table

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "judgement",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_by", sa.Text(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judgement")),
        schema="scoring",
    )
    op.create_index(
        "ix_judgement_unit_year", "judgement", ["unit_id", "year"], unique=False, schema="scoring"
    )
    op.create_table(
        "project_fact",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("plan_category", sa.Text(), nullable=True),
        sa.Column("total_investment_10k", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("planned_investment_10k", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("planned_completion", sa.Date(), nullable=True),
        sa.Column("provincial_key", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("plan_data_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("prephase_done", sa.Boolean(), nullable=True),
        sa.Column("prephase_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("depth", sa.Text(), nullable=True),
        sa.Column("in_prephase_plan_and_filed", sa.Boolean(), nullable=True),
        sa.Column("proposed_for_next_year", sa.Boolean(), nullable=True),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fact_date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_project_fact")),
        schema="scoring",
    )
    op.create_index(
        "ix_project_fact_unit_year", "project_fact", ["unit_id", "year"], unique=False, schema="scoring"
    )
    create_unit_replica_table("scoring")


def downgrade() -> None:
    drop_unit_replica_table("scoring")
    op.drop_index("ix_project_fact_unit_year", table_name="project_fact", schema="scoring")
    op.drop_table("project_fact", schema="scoring")
    op.drop_index("ix_judgement_unit_year", table_name="judgement", schema="scoring")
    op.drop_table("judgement", schema="scoring")
