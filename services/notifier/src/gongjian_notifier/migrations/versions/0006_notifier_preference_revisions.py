"""notifier preference revisions: the ETag of If-Match updates of unit and person preferences

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 04:10:00

A unit or person without a stored preference is at revision 0 (the defaults), so the first change sends
`If-Match: "0"`; every UPDATE of a row counts its revision up.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("unit_preferences", "person_preferences"):
        op.add_column(
            table,
            sa.Column("revision", sa.Integer(), server_default=sa.text("1"), nullable=False),
            schema="notifier",
        )


def downgrade() -> None:
    for table in ("person_preferences", "unit_preferences"):
        op.drop_column(table, "revision", schema="notifier")
