"""meeting and topic revisions

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 04:00:00.000000

A revision on meetings and topics, counted up by every update of the row, so the updates of a topic and of a
meeting's record (attendance, minutes, topic order) use If-Match / ETag as the registry does.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("meetings", "topics"):
        op.add_column(
            table,
            sa.Column("revision", sa.Integer(), server_default=sa.text("1"), nullable=False),
            schema="meetings",
        )


def downgrade() -> None:
    for table in ("topics", "meetings"):
        op.drop_column(table, "revision", schema="meetings")
