"""listing indexes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index(op.f("ix_projects_projects_year"), table_name="projects", schema="projects")
    op.drop_index(op.f("ix_projects_year_kind_unit"), table_name="projects", schema="projects")
    op.create_index(
        "ix_projects_filters",
        "projects",
        ["year", "kind", "plan_category", "status", "unit_id"],
        unique=False,
        schema="projects",
    )
    op.create_index(
        "ix_projects_year_kind_name",
        "projects",
        ["year", "kind", "name", "id"],
        unique=False,
        schema="projects",
    )
    op.create_index(
        "ix_projects_year_name", "projects", ["year", "name", "id"], unique=False, schema="projects"
    )


def downgrade() -> None:
    op.drop_index("ix_projects_year_name", table_name="projects", schema="projects")
    op.drop_index("ix_projects_year_kind_name", table_name="projects", schema="projects")
    op.drop_index("ix_projects_filters", table_name="projects", schema="projects")
    op.create_index(
        op.f("ix_projects_year_kind_unit"),
        "projects",
        ["year", "kind", "unit_id"],
        unique=False,
        schema="projects",
    )
    op.create_index(op.f("ix_projects_projects_year"), "projects", ["year"], unique=False, schema="projects")
