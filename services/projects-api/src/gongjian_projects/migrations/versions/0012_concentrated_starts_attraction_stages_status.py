"""concentrated starts, attraction stages with dates and USD amounts, continuing projects under construction

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "projects"
# the reason written into the history of the projects this migration moves, so that downgrade finds them
MOVED = "continuing/completion project under construction from the start of the year (0012)"
OLD_STAGES = (
    "attraction_stage IS NULL OR attraction_stage IN ('signed', 'registered', 'filed', 'approved', 'started')"
)
NEW_STAGES = "attraction_stage IS NULL OR attraction_stage IN ('signed', 'landed', 'started')"
ATTRACTION_COLUMNS = (
    ("attraction_signed_on", sa.Date()),
    ("attraction_landed_on", sa.Date()),
    ("attraction_started_on", sa.Date()),
    ("signed_amount_usd_10k", sa.Numeric(precision=16, scale=2)),
    ("funds_in_place_usd_10k", sa.Numeric(precision=16, scale=2)),
)


def _concentrated_starts() -> None:
    op.create_table(
        "concentrated_starts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("quarter", sa.SmallInteger(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("notice", sa.Text(), nullable=True),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("declared_by", sa.Uuid(), nullable=False),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name=op.f("ck_concentrated_starts_quarter")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concentrated_starts")),
        sa.UniqueConstraint("seq", name=op.f("uq_concentrated_starts_seq")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_concentrated_starts_year_quarter", "concentrated_starts", ["year", "quarter"], schema=SCHEMA
    )
    op.create_table(
        "concentrated_start_projects",
        sa.Column("concentrated_start_id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("quarter", sa.SmallInteger(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "answer IN ('declared', 'confirmed', 'declined')",
            name=op.f("ck_concentrated_start_projects_answer"),
        ),
        sa.CheckConstraint(
            "answer != 'declined' OR reason IS NOT NULL",
            name=op.f("ck_concentrated_start_projects_declined_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["concentrated_start_id"],
            [f"{SCHEMA}.concentrated_starts.id"],
            name=op.f("fk_concentrated_start_projects_concentrated_start_id_concentrated_starts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            [f"{SCHEMA}.projects.id"],
            name=op.f("fk_concentrated_start_projects_project_id_projects"),
        ),
        sa.PrimaryKeyConstraint(
            "concentrated_start_id", "project_id", name=op.f("pk_concentrated_start_projects")
        ),
        sa.UniqueConstraint(
            "project_id", "year", "quarter", name=op.f("uq_concentrated_start_projects_quarter")
        ),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_projects_concentrated_start_projects_project_id"),
        "concentrated_start_projects",
        ["project_id"],
        schema=SCHEMA,
    )


def _attraction_stages() -> None:
    for name, type_ in ATTRACTION_COLUMNS:
        op.add_column("projects", sa.Column(name, type_, nullable=True), schema=SCHEMA)
    op.drop_constraint(op.f("ck_projects_attraction_stage"), "projects", schema=SCHEMA, type_="check")
    # registration, filing and approval were steps of landing (落地)
    op.execute(
        f"UPDATE {SCHEMA}.projects SET attraction_stage = 'landed' "
        "WHERE attraction_stage IN ('registered', 'filed', 'approved')"
    )
    op.create_check_constraint(op.f("ck_projects_attraction_stage"), "projects", NEW_STAGES, schema=SCHEMA)


def _continuing_under_construction() -> None:
    """Key projects registered as `planned` although continuing or to be completed this year."""
    op.execute(
        f"""
        WITH moved AS (
            UPDATE {SCHEMA}.projects SET status = 'started'
            WHERE kind = 'key' AND status = 'planned' AND started_on IS NULL
              AND plan_category IN ('continuing', 'completion')
            RETURNING id
        )
        INSERT INTO {SCHEMA}.project_status_changes (id, project_id, from_status, to_status, changed_at, reason)
        SELECT gen_random_uuid(), id, 'planned', 'started', now(), '{MOVED}' FROM moved
        """
    )


def upgrade() -> None:
    _concentrated_starts()
    _attraction_stages()
    _continuing_under_construction()


def downgrade() -> None:
    # only the projects still as this migration left them go back to `planned`
    op.execute(
        f"""
        WITH undone AS (
            UPDATE {SCHEMA}.projects SET status = 'planned'
            WHERE status = 'started' AND started_on IS NULL
              AND id IN (SELECT project_id FROM {SCHEMA}.project_status_changes WHERE reason = '{MOVED}')
            RETURNING id
        )
        DELETE FROM {SCHEMA}.project_status_changes
        WHERE reason = '{MOVED}' AND project_id IN (SELECT id FROM undone)
        """
    )
    op.drop_constraint(op.f("ck_projects_attraction_stage"), "projects", schema=SCHEMA, type_="check")
    op.execute(
        f"UPDATE {SCHEMA}.projects SET attraction_stage = 'registered' WHERE attraction_stage = 'landed'"
    )
    op.create_check_constraint(op.f("ck_projects_attraction_stage"), "projects", OLD_STAGES, schema=SCHEMA)
    for name, _ in reversed(ATTRACTION_COLUMNS):
        op.drop_column("projects", name, schema=SCHEMA)
    op.drop_index(
        op.f("ix_projects_concentrated_start_projects_project_id"),
        table_name="concentrated_start_projects",
        schema=SCHEMA,
    )
    op.drop_table("concentrated_start_projects", schema=SCHEMA)
    op.drop_index("ix_concentrated_starts_year_quarter", table_name="concentrated_starts", schema=SCHEMA)
    op.drop_table("concentrated_starts", schema=SCHEMA)
