"""facts imports

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 01:31:05.001363
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "facts_import",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("rule_set_id", sa.Text(), nullable=False),
        sa.Column("rule_set_version", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("document", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("sheet", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("imported_by", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_set_id", "rule_set_version"],
            ["scoring.rule_set.id", "scoring.rule_set.version"],
            name=op.f("fk_facts_import_rule_set_id_rule_set"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facts_import")),
        schema="scoring",
    )


def downgrade() -> None:
    op.drop_table("facts_import", schema="scoring")
