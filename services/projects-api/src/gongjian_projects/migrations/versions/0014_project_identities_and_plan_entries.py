"""projects: a project is one identity across the years (project_identities); each `projects` row is its
entry on one year's plan, unique per (identity, year), optionally carried over from last year's entry; the
unified codes are unique per year on the entries and for ever on the identities

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 15:10:00

Every existing project becomes one identity (with the project's id, codes, name and unit) holding one entry.
The downgrade puts the codes' global uniqueness back: it refuses, naming the code, while two entries (of two
years) share one; take the later entries out first.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "projects"


def upgrade() -> None:
    op.create_table(
        "project_identities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("legacy_code", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], [f"{SCHEMA}.units.id"], name=op.f("fk_project_identities_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_identities")),
        sa.UniqueConstraint("code", name=op.f("uq_project_identities_code")),
        sa.UniqueConstraint("legacy_code", name=op.f("uq_project_identities_legacy_code")),
        schema=SCHEMA,
    )
    op.execute(
        f"INSERT INTO {SCHEMA}.project_identities (id, code, legacy_code, name, unit_id, created_at) "
        f"SELECT id, code, legacy_code, name, unit_id, created_at FROM {SCHEMA}.projects"
    )
    op.add_column("projects", sa.Column("identity_id", sa.Uuid(), nullable=True), schema=SCHEMA)
    op.add_column("projects", sa.Column("carried_from_id", sa.Uuid(), nullable=True), schema=SCHEMA)
    op.execute(f"UPDATE {SCHEMA}.projects SET identity_id = id")
    op.alter_column("projects", "identity_id", nullable=False, schema=SCHEMA)
    op.create_foreign_key(
        op.f("fk_projects_identity_id_project_identities"),
        "projects",
        "project_identities",
        ["identity_id"],
        ["id"],
        source_schema=SCHEMA,
        referent_schema=SCHEMA,
    )
    op.create_foreign_key(
        op.f("fk_projects_carried_from_id_projects"),
        "projects",
        "projects",
        ["carried_from_id"],
        ["id"],
        source_schema=SCHEMA,
        referent_schema=SCHEMA,
    )
    op.drop_constraint(op.f("uq_projects_code"), "projects", schema=SCHEMA, type_="unique")
    op.drop_constraint(op.f("uq_projects_legacy_code"), "projects", schema=SCHEMA, type_="unique")
    op.create_unique_constraint(
        "uq_projects_identity_id_year", "projects", ["identity_id", "year"], schema=SCHEMA
    )
    op.create_unique_constraint("uq_projects_code_year", "projects", ["code", "year"], schema=SCHEMA)
    op.create_unique_constraint(
        "uq_projects_legacy_code_year", "projects", ["legacy_code", "year"], schema=SCHEMA
    )


def _refuse_shared_codes() -> None:
    bind = op.get_bind()
    shared: list[str] = []
    for column in ("code", "legacy_code"):
        query = (
            f"SELECT {column} FROM {SCHEMA}.projects WHERE {column} IS NOT NULL "
            f"GROUP BY {column} HAVING count(*) > 1 ORDER BY {column} LIMIT 5"
        )
        shared += bind.execute(sa.text(query)).scalars().all()
    if shared:
        raise RuntimeError(
            "Cannot downgrade below 0014: entries of several years share the unified codes "
            f"{', '.join(shared)}; before 0014 a code belonged to one project only. "
            "Delete the later years' entries (or their codes) first."
        )


def downgrade() -> None:
    _refuse_shared_codes()
    op.drop_constraint("uq_projects_legacy_code_year", "projects", schema=SCHEMA, type_="unique")
    op.drop_constraint("uq_projects_code_year", "projects", schema=SCHEMA, type_="unique")
    op.drop_constraint("uq_projects_identity_id_year", "projects", schema=SCHEMA, type_="unique")
    op.create_unique_constraint(op.f("uq_projects_code"), "projects", ["code"], schema=SCHEMA)
    op.create_unique_constraint(op.f("uq_projects_legacy_code"), "projects", ["legacy_code"], schema=SCHEMA)
    op.drop_constraint(
        op.f("fk_projects_carried_from_id_projects"), "projects", schema=SCHEMA, type_="foreignkey"
    )
    op.drop_constraint(
        op.f("fk_projects_identity_id_project_identities"), "projects", schema=SCHEMA, type_="foreignkey"
    )
    op.drop_column("projects", "carried_from_id", schema=SCHEMA)
    op.drop_column("projects", "identity_id", schema=SCHEMA)
    op.drop_table("project_identities", schema=SCHEMA)
