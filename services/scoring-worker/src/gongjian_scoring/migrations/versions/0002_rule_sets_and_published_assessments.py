"""rule sets and published assessments; the built-in 2019 rule sets as their first versions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 01:21:05.267916
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    rule_set = op.create_table(
        "rule_set",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("unit_kind", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", "version", name=op.f("pk_rule_set")),
        schema="scoring",
    )
    op.create_index(
        "ix_rule_set_year_unit_kind", "rule_set", ["year", "unit_kind"], unique=False, schema="scoring"
    )
    op.create_table(
        "published_assessment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("rule_set_id", sa.Text(), nullable=False),
        sa.Column("rule_set_version", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("unit_kind", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("sheet", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("published_by", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_set_id", "rule_set_version"],
            ["scoring.rule_set.id", "scoring.rule_set.version"],
            name=op.f("fk_published_assessment_rule_set_id_rule_set"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_assessment")),
        schema="scoring",
    )
    op.create_index(
        "ix_published_assessment_rule_set",
        "published_assessment",
        ["rule_set_id", "rule_set_version"],
        unique=False,
        schema="scoring",
    )
    op.bulk_insert(rule_set, builtin_rows())


def builtin_rows() -> list[dict[str, object]]:
    """The rule sets shipped as package data, as they read when this database is created."""
    from gongjian_scoring.engine.rules import builtin_rule_set_ids, load_builtin_rule_set

    rows: list[dict[str, object]] = []
    for rule_set_id in builtin_rule_set_ids():
        rule_set = load_builtin_rule_set(rule_set_id)
        rows.append(
            {
                "id": rule_set.id,
                "version": rule_set.version,
                "year": rule_set.year,
                "unit_kind": rule_set.unit_kind,
                "title": rule_set.title,
                "body": rule_set.model_dump(mode="json"),
                "revision": 1,
                "builtin": True,
                "created_by": "system",
            }
        )
    return rows


def downgrade() -> None:
    op.drop_index("ix_published_assessment_rule_set", table_name="published_assessment", schema="scoring")
    op.drop_table("published_assessment", schema="scoring")
    op.drop_index("ix_rule_set_year_unit_kind", table_name="rule_set", schema="scoring")
    op.drop_table("rule_set", schema="scoring")
