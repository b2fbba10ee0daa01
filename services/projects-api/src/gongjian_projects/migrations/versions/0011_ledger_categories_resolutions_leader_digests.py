"""ledger categories utilities and land, obstacles closed by a resolution, leaders' monthly digests

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 12:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "projects"
OLD_CATEGORIES = (
    "approvals",
    "land-and-demolition",
    "construction",
    "financing",
    "business-environment",
    "hiring",
    "other",
)
NEW_CATEGORIES = (
    "approvals",
    "land-and-demolition",
    "land",
    "utilities",
    "construction",
    "financing",
    "business-environment",
    "hiring",
    "other",
)


def _categories(categories: tuple[str, ...]) -> None:
    op.drop_constraint(op.f("ck_obstacles_category"), "obstacles", schema=SCHEMA, type_="check")
    op.create_check_constraint(
        op.f("ck_obstacles_category"), "obstacles", f"category IN {categories!r}", schema=SCHEMA
    )


def upgrade() -> None:
    _categories(NEW_CATEGORIES)
    op.add_column("obstacles", sa.Column("closed_by_resolution_id", sa.Uuid(), nullable=True), schema=SCHEMA)
    op.create_table(
        "leader_digests",
        sa.Column("leader_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("month", sa.SmallInteger(), nullable=False),
        sa.Column("project_count", sa.SmallInteger(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_leader_digests_month")),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["projects.leaders.id"],
            name=op.f("fk_leader_digests_leader_id_leaders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("leader_id", "year", "month", name=op.f("pk_leader_digests")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("leader_digests", schema=SCHEMA)
    op.drop_column("obstacles", "closed_by_resolution_id", schema=SCHEMA)
    # the older list has no land (土地) or utilities (水电路气): the nearest older category keeps the row
    op.execute(
        f"UPDATE {SCHEMA}.obstacles SET category = CASE category "
        "WHEN 'land' THEN 'land-and-demolition' ELSE 'other' END "
        "WHERE category IN ('land', 'utilities')"
    )
    _categories(OLD_CATEGORIES)
