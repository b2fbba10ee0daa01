"""provincial exchange: staged batches of the provincial platform's monthly export, their rows, and the
province's figures per project and month (the province's side of reconciliation)

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-06 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "projects"
EXACT = sa.Numeric(20, 6)


def _fk(table: str, column: str, target: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{SCHEMA}.{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "provincial_batches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("template", sa.Text(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("month", sa.SmallInteger(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("applied_by", sa.Uuid(), nullable=True),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_provincial_batches_month")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provincial_batches")),
        sa.UniqueConstraint("sha256", name=op.f("uq_provincial_batches_sha256")),
        schema=SCHEMA,
    )
    op.create_table(
        "provincial_rows",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("total_investment_10k", EXACT, nullable=True),
        sa.Column("planned_investment_10k", EXACT, nullable=True),
        sa.Column("completed_10k", EXACT, nullable=True),
        sa.Column("cumulative_10k", EXACT, nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("physical_progress", sa.Text(), nullable=True),
        sa.Column("problems", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("match", sa.Text(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "match IN ('matched', 'unmatched', 'ambiguous', 'invalid')", name=op.f("ck_provincial_rows_match")
        ),
        _fk("provincial_rows", "batch_id", "provincial_batches", ondelete="CASCADE"),
        _fk("provincial_rows", "project_id", "projects"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provincial_rows")),
        sa.UniqueConstraint("batch_id", "row_number", name=op.f("uq_provincial_rows_batch_id")),
        schema=SCHEMA,
    )
    op.create_table(
        "provincial_figures",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("month", sa.SmallInteger(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("completed_10k", EXACT, nullable=False),
        sa.Column("cumulative_10k", EXACT, nullable=False),
        sa.Column("total_investment_10k", EXACT, nullable=True),
        sa.Column("planned_investment_10k", EXACT, nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("physical_progress", sa.Text(), nullable=True),
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("applied_by", sa.Uuid(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("obstacle_id", sa.Uuid(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_provincial_figures_month")),
        sa.CheckConstraint(
            "completed_10k >= 0 AND cumulative_10k >= 0", name=op.f("ck_provincial_figures_amounts")
        ),
        _fk("provincial_figures", "project_id", "projects"),
        _fk("provincial_figures", "unit_id", "units"),
        _fk("provincial_figures", "batch_id", "provincial_batches"),
        _fk("provincial_figures", "row_id", "provincial_rows"),
        _fk("provincial_figures", "obstacle_id", "obstacles"),
        sa.PrimaryKeyConstraint("project_id", "year", "month", name=op.f("pk_provincial_figures")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_projects_provincial_figures_unit_id"),
        "provincial_figures",
        ["unit_id"],
        unique=False,
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_projects_provincial_figures_unit_id"), table_name="provincial_figures", schema=SCHEMA
    )
    op.drop_table("provincial_figures", schema=SCHEMA)
    op.drop_table("provincial_rows", schema=SCHEMA)
    op.drop_table("provincial_batches", schema=SCHEMA)
