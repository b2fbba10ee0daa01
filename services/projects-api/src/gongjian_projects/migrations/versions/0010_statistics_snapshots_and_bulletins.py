"""statistics snapshots of frozen months and published quarterly bulletins (issue 12, item 4)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 12:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "projects"


def upgrade() -> None:
    op.create_table(
        "statistics_snapshots",
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("month", sa.SmallInteger(), nullable=False),
        sa.Column("units", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("leaders", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("red_projects", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("targets", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_statistics_snapshots_month")),
        sa.PrimaryKeyConstraint("year", "month", name=op.f("pk_statistics_snapshots")),
        schema=SCHEMA,
    )
    op.create_table(
        "published_bulletins",
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("quarter", sa.SmallInteger(), nullable=False),
        sa.Column("body", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.Uuid(), nullable=False),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name=op.f("ck_published_bulletins_quarter")),
        sa.PrimaryKeyConstraint("year", "quarter", name=op.f("pk_published_bulletins")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("published_bulletins", schema=SCHEMA)
    op.drop_table("statistics_snapshots", schema=SCHEMA)
