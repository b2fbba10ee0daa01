"""ordered steps and status changes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "progress_report_steps",
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        schema="projects",
    )
    op.create_unique_constraint(
        op.f("uq_progress_report_steps_seq"), "progress_report_steps", ["seq"], schema="projects"
    )
    op.add_column(
        "project_status_changes",
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        schema="projects",
    )
    op.create_unique_constraint(
        op.f("uq_project_status_changes_seq"), "project_status_changes", ["seq"], schema="projects"
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("uq_project_status_changes_seq"), "project_status_changes", schema="projects", type_="unique"
    )
    op.drop_column("project_status_changes", "seq", schema="projects")
    op.drop_constraint(
        op.f("uq_progress_report_steps_seq"), "progress_report_steps", schema="projects", type_="unique"
    )
    op.drop_column("progress_report_steps", "seq", schema="projects")
