"""recognitions, pre-phase procedures, planned and attraction fields

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "prephase_procedures",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("procedure", sa.Text(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("actual_on", sa.Date(), nullable=True),
        sa.Column("authority", sa.Text(), nullable=True),
        sa.Column("document_number", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "procedure IN ('proposal', 'feasibility-study', 'preliminary-design', 'site-selection', 'land', 'environmental-assessment', 'financing', 'filing-approval')",
            name=op.f("ck_prephase_procedures_procedure"),
        ),
        sa.CheckConstraint(
            "status IN ('not-started', 'in-progress', 'done', 'not-needed')",
            name=op.f("ck_prephase_procedures_status"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.projects.id"],
            name=op.f("fk_prephase_procedures_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "procedure", name=op.f("pk_prephase_procedures")),
        schema="projects",
    )
    op.create_table(
        "recognitions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("claimed_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("evidence", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_by", sa.Uuid(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('start', 'completion')", name=op.f("ck_recognitions_kind")),
        sa.CheckConstraint(
            "status IN ('applied', 'recognised', 'rejected')", name=op.f("ck_recognitions_status")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.projects.id"], name=op.f("fk_recognitions_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognitions")),
        sa.UniqueConstraint("seq", name=op.f("uq_recognitions_seq")),
        schema="projects",
    )
    op.create_index(
        op.f("ix_projects_recognitions_project_id"),
        "recognitions",
        ["project_id"],
        unique=False,
        schema="projects",
    )
    op.create_index(
        "uq_recognitions_one_open",
        "recognitions",
        ["project_id", "kind"],
        unique=True,
        schema="projects",
        postgresql_where=sa.text("status = 'applied'"),
    )
    op.add_column("projects", sa.Column("planning_depth", sa.Text(), nullable=True), schema="projects")
    op.add_column(
        "projects", sa.Column("in_prephase_plan_and_filed", sa.Boolean(), nullable=True), schema="projects"
    )
    op.add_column(
        "projects", sa.Column("proposed_for_next_year", sa.Boolean(), nullable=True), schema="projects"
    )
    op.add_column("projects", sa.Column("attraction_stage", sa.Text(), nullable=True), schema="projects")
    op.add_column(
        "projects",
        sa.Column("signed_amount_10k", sa.Numeric(precision=16, scale=2), nullable=True),
        schema="projects",
    )
    op.add_column(
        "projects",
        sa.Column("funds_in_place_10k", sa.Numeric(precision=16, scale=2), nullable=True),
        schema="projects",
    )
    op.add_column("projects", sa.Column("capital_origin", sa.Text(), nullable=True), schema="projects")
    op.add_column(
        "projects", sa.Column("returning_entrepreneur", sa.Boolean(), nullable=True), schema="projects"
    )
    op.add_column("projects", sa.Column("handed_over_to_id", sa.Uuid(), nullable=True), schema="projects")
    for name, condition in (
        ("planning_depth", "planning_depth IS NULL OR planning_depth IN ('none', 'proposal', 'feasibility')"),
        (
            "attraction_stage",
            "attraction_stage IS NULL OR attraction_stage IN ('signed', 'registered', 'filed', 'approved', 'started')",
        ),
        ("capital_origin", "capital_origin IS NULL OR capital_origin IN ('domestic', 'foreign')"),
    ):
        op.create_check_constraint(op.f(f"ck_projects_{name}"), "projects", condition, schema="projects")
    op.create_foreign_key(
        op.f("fk_projects_handed_over_to_id_projects"),
        "projects",
        "projects",
        ["handed_over_to_id"],
        ["id"],
        source_schema="projects",
        referent_schema="projects",
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_projects_handed_over_to_id_projects"), "projects", schema="projects", type_="foreignkey"
    )
    op.drop_column("projects", "handed_over_to_id", schema="projects")
    op.drop_column("projects", "returning_entrepreneur", schema="projects")
    op.drop_column("projects", "capital_origin", schema="projects")
    op.drop_column("projects", "funds_in_place_10k", schema="projects")
    op.drop_column("projects", "signed_amount_10k", schema="projects")
    op.drop_column("projects", "attraction_stage", schema="projects")
    op.drop_column("projects", "proposed_for_next_year", schema="projects")
    op.drop_column("projects", "in_prephase_plan_and_filed", schema="projects")
    op.drop_column("projects", "planning_depth", schema="projects")
    op.drop_index(
        "uq_recognitions_one_open",
        table_name="recognitions",
        schema="projects",
        postgresql_where=sa.text("status = 'applied'"),
    )
    op.drop_index(op.f("ix_projects_recognitions_project_id"), table_name="recognitions", schema="projects")
    op.drop_table("recognitions", schema="projects")
    op.drop_table("prephase_procedures", schema="projects")
