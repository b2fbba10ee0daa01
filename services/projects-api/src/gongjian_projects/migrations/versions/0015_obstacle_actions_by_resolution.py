"""obstacle actions: the platform records a joint-meeting resolution closed as cannot be completed (no actor,
the resolution named)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "projects"


def upgrade() -> None:
    op.add_column("obstacle_actions", sa.Column("resolution_id", sa.Uuid(), nullable=True), schema=SCHEMA)
    op.alter_column("obstacle_actions", "actor_id", nullable=True, schema=SCHEMA)


def downgrade() -> None:
    # the platform's own records keep their text (it names the resolution); the nil uuid stands for the platform
    op.execute(
        sa.text(
            f"UPDATE {SCHEMA}.obstacle_actions SET actor_id = '00000000-0000-0000-0000-000000000000' "
            "WHERE actor_id IS NULL"
        )
    )
    op.alter_column("obstacle_actions", "actor_id", nullable=False, schema=SCHEMA)
    op.drop_column("obstacle_actions", "resolution_id", schema=SCHEMA)
