"""push ledger, early warning, plan adjustment

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_plans")),
        schema="projects",
    )
    op.create_table(
        "warning_thresholds",
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("yellow_points", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("red_points", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "0 <= yellow_points AND yellow_points < red_points", name=op.f("ck_warning_thresholds_order")
        ),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_warning_thresholds")),
        schema="projects",
    )
    op.create_table(
        "obstacles",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("responsible_unit_id", sa.Uuid(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("proposed_solution", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "category IN ('approvals', 'land-and-demolition', 'construction', 'financing', 'business-environment', 'hiring', 'other')",
            name=op.f("ck_obstacles_category"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'in-progress', 'resolved', 'escalated')", name=op.f("ck_obstacles_status")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.projects.id"], name=op.f("fk_obstacles_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["responsible_unit_id"],
            ["projects.units.id"],
            name=op.f("fk_obstacles_responsible_unit_id_units"),
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["projects.units.id"], name=op.f("fk_obstacles_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_obstacles")),
        sa.UniqueConstraint("seq", name=op.f("uq_obstacles_seq")),
        schema="projects",
    )
    op.create_index(
        op.f("ix_projects_obstacles_project_id"), "obstacles", ["project_id"], unique=False, schema="projects"
    )
    op.create_index(
        op.f("ix_projects_obstacles_unit_id"), "obstacles", ["unit_id"], unique=False, schema="projects"
    )
    op.create_table(
        "project_warnings",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("month", sa.SmallInteger(), nullable=False),
        sa.Column("colour", sa.Text(), nullable=False),
        sa.Column("completion_share_percent", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("benchmark_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("colour IN ('green', 'yellow', 'red')", name=op.f("ck_project_warnings_colour")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.projects.id"],
            name=op.f("fk_project_warnings_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_project_warnings")),
        schema="projects",
    )
    op.create_index(
        op.f("ix_projects_project_warnings_colour"),
        "project_warnings",
        ["colour"],
        unique=False,
        schema="projects",
    )
    op.create_table(
        "obstacle_actions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("obstacle_id", sa.Uuid(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["obstacle_id"],
            ["projects.obstacles.id"],
            name=op.f("fk_obstacle_actions_obstacle_id_obstacles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_obstacle_actions")),
        sa.UniqueConstraint("seq", name=op.f("uq_obstacle_actions_seq")),
        schema="projects",
    )
    op.create_index(
        op.f("ix_projects_obstacle_actions_obstacle_id"),
        "obstacle_actions",
        ["obstacle_id"],
        unique=False,
        schema="projects",
    )
    op.add_column(
        "projects",
        sa.Column("in_baseline", sa.Boolean(), server_default="false", nullable=False),
        schema="projects",
    )
    op.add_column(
        "projects",
        sa.Column("baseline_planned_investment_10k", sa.Numeric(precision=16, scale=2), nullable=True),
        schema="projects",
    )
    op.add_column(
        "projects",
        sa.Column("added_mid_year", sa.Boolean(), server_default="false", nullable=False),
        schema="projects",
    )
    op.add_column("projects", sa.Column("removed_on", sa.Date(), nullable=True), schema="projects")
    op.add_column("projects", sa.Column("removal_reason", sa.Text(), nullable=True), schema="projects")
    op.add_column("projects", sa.Column("removal_approved_by", sa.Text(), nullable=True), schema="projects")


def downgrade() -> None:
    op.drop_column("projects", "removal_approved_by", schema="projects")
    op.drop_column("projects", "removal_reason", schema="projects")
    op.drop_column("projects", "removed_on", schema="projects")
    op.drop_column("projects", "added_mid_year", schema="projects")
    op.drop_column("projects", "baseline_planned_investment_10k", schema="projects")
    op.drop_column("projects", "in_baseline", schema="projects")
    op.drop_index(
        op.f("ix_projects_obstacle_actions_obstacle_id"), table_name="obstacle_actions", schema="projects"
    )
    op.drop_table("obstacle_actions", schema="projects")
    op.drop_index(
        op.f("ix_projects_project_warnings_colour"), table_name="project_warnings", schema="projects"
    )
    op.drop_table("project_warnings", schema="projects")
    op.drop_index(op.f("ix_projects_obstacles_unit_id"), table_name="obstacles", schema="projects")
    op.drop_index(op.f("ix_projects_obstacles_project_id"), table_name="obstacles", schema="projects")
    op.drop_table("obstacles", schema="projects")
    op.drop_table("warning_thresholds", schema="projects")
    op.drop_table("plans", schema="projects")
