"""progress review, amendments, reporting months, frozen figures, deadlines

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deadlines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("month", sa.SmallInteger(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('progress-report-due', 'month-freeze')", name=op.f("ck_deadlines_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadlines")),
        sa.UniqueConstraint("kind", "year", "month", name=op.f("uq_deadlines_kind")),
        schema="projects",
    )
    op.create_index(
        "ix_deadlines_pending",
        "deadlines",
        ["due_at"],
        unique=False,
        schema="projects",
        postgresql_where="done_at IS NULL",
    )
    op.create_table(
        "reporting_months",
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("month", sa.SmallInteger(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminder_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cut_off_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("frozen_by", sa.Uuid(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_reporting_months_month")),
        sa.CheckConstraint(
            "opens_at < closes_at AND closes_at <= cut_off_at", name=op.f("ck_reporting_months_order")
        ),
        sa.PrimaryKeyConstraint("year", "month", name=op.f("pk_reporting_months")),
        schema="projects",
    )
    op.create_table(
        "frozen_figures",
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("month", sa.SmallInteger(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("completed_10k", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("adjustment_10k", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("cumulative_10k", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("year_to_date_10k", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.projects.id"], name=op.f("fk_frozen_figures_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["projects.progress_reports.id"],
            name=op.f("fk_frozen_figures_report_id_progress_reports"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["projects.units.id"], name=op.f("fk_frozen_figures_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("year", "month", "project_id", name=op.f("pk_frozen_figures")),
        schema="projects",
    )
    op.create_table(
        "progress_amendments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("month", sa.SmallInteger(), nullable=False),
        sa.Column("lands_year", sa.SmallInteger(), nullable=False),
        sa.Column("lands_month", sa.SmallInteger(), nullable=False),
        sa.Column("applied_report_id", sa.Uuid(), nullable=True),
        sa.Column("old_completed_10k", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("new_completed_10k", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("delta_10k", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("changes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("amended_by", sa.Uuid(), nullable=False),
        sa.Column("amended_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["applied_report_id"],
            ["projects.progress_reports.id"],
            name=op.f("fk_progress_amendments_applied_report_id_progress_reports"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.projects.id"], name=op.f("fk_progress_amendments_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["projects.progress_reports.id"],
            name=op.f("fk_progress_amendments_report_id_progress_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_amendments")),
        schema="projects",
    )
    op.create_index(
        op.f("ix_projects_progress_amendments_project_id"),
        "progress_amendments",
        ["project_id"],
        unique=False,
        schema="projects",
    )
    op.create_index(
        op.f("ix_projects_progress_amendments_report_id"),
        "progress_amendments",
        ["report_id"],
        unique=False,
        schema="projects",
    )
    op.create_table(
        "progress_report_steps",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("actor_role", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "action IN ('submitted', 'resubmitted', 'passed', 'returned', 'accepted', 'amended')",
            name=op.f("ck_progress_report_steps_action"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["projects.progress_reports.id"],
            name=op.f("fk_progress_report_steps_report_id_progress_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_report_steps")),
        schema="projects",
    )
    op.create_index(
        op.f("ix_projects_progress_report_steps_report_id"),
        "progress_report_steps",
        ["report_id"],
        unique=False,
        schema="projects",
    )
    op.add_column(
        "progress_reports",
        sa.Column("adjustment_10k", sa.Numeric(precision=16, scale=2), server_default="0", nullable=False),
        schema="projects",
    )
    op.add_column(
        "progress_reports", sa.Column("over_total_reason", sa.Text(), nullable=True), schema="projects"
    )
    op.add_column(
        "progress_reports", sa.Column("returned_reason", sa.Text(), nullable=True), schema="projects"
    )
    op.add_column(
        "progress_reports",
        sa.Column("revision", sa.Integer(), server_default="1", nullable=False),
        schema="projects",
    )
    op.create_index(
        "ix_progress_reports_year_month_unit",
        "progress_reports",
        ["year", "month", "unit_id"],
        unique=False,
        schema="projects",
    )


def downgrade() -> None:
    op.drop_index("ix_progress_reports_year_month_unit", table_name="progress_reports", schema="projects")
    op.drop_column("progress_reports", "revision", schema="projects")
    op.drop_column("progress_reports", "returned_reason", schema="projects")
    op.drop_column("progress_reports", "over_total_reason", schema="projects")
    op.drop_column("progress_reports", "adjustment_10k", schema="projects")
    op.drop_index(
        op.f("ix_projects_progress_report_steps_report_id"),
        table_name="progress_report_steps",
        schema="projects",
    )
    op.drop_table("progress_report_steps", schema="projects")
    op.drop_index(
        op.f("ix_projects_progress_amendments_report_id"), table_name="progress_amendments", schema="projects"
    )
    op.drop_index(
        op.f("ix_projects_progress_amendments_project_id"),
        table_name="progress_amendments",
        schema="projects",
    )
    op.drop_table("progress_amendments", schema="projects")
    op.drop_table("frozen_figures", schema="projects")
    op.drop_table("reporting_months", schema="projects")
    op.drop_index(
        "ix_deadlines_pending", table_name="deadlines", schema="projects", postgresql_where="done_at IS NULL"
    )
    op.drop_table("deadlines", schema="projects")
