"""recognitions: the evidence is the uploaded files; the old metadata list is kept as declared_evidence, and a
decision records the files it relied on

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "projects"
EMPTY = sa.text("'[]'::jsonb")


def upgrade() -> None:
    # the metadata applications carried before evidence files existed stays, read-only, under a name that says
    # what it is (declared by the unit, never verified); new applications declare nothing
    op.alter_column(
        "recognitions", "evidence", new_column_name="declared_evidence", server_default=EMPTY, schema=SCHEMA
    )
    op.add_column(
        "recognitions",
        sa.Column("decision_evidence", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("recognitions", "decision_evidence", schema=SCHEMA)
    op.alter_column(
        "recognitions", "declared_evidence", new_column_name="evidence", server_default=None, schema=SCHEMA
    )
