"""published facts: each published assessment keeps the facts document it was computed from

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 02:02:32.441057
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "published_assessment",
        sa.Column(
            "facts",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        schema="scoring",
    )


def downgrade() -> None:
    op.drop_column("published_assessment", "facts", schema="scoring")
