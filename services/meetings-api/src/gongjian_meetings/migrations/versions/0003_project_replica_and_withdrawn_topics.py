"""project replica and withdrawn topics

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 03:00:00.000000

A replica of the registry's projects (owner unit and name), so a topic may name only existing projects of
its own unit (and the units under it); topics a unit withdraws before the cut-off keep their row as
`withdrawn`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "project_replica",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("source_event_id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_project_replica")),
        schema="meetings",
    )
    op.create_index(
        op.f("ix_meetings_project_replica_unit_id"),
        "project_replica",
        ["unit_id"],
        unique=False,
        schema="meetings",
    )
    op.drop_constraint(op.f("ck_topics_status"), "topics", schema="meetings", type_="check")
    op.create_check_constraint(
        op.f("ck_topics_status"),
        "topics",
        "status IN ('draft', 'submitted', 'rejected', 'merged', 'withdrawn')",
        schema="meetings",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_topics_status"), "topics", schema="meetings", type_="check")
    op.create_check_constraint(
        op.f("ck_topics_status"),
        "topics",
        "status IN ('draft', 'submitted', 'rejected', 'merged')",
        schema="meetings",
    )
    op.drop_index(
        op.f("ix_meetings_project_replica_unit_id"), table_name="project_replica", schema="meetings"
    )
    op.drop_table("project_replica", schema="meetings")
