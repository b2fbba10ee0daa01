"""notifier baseline

Revision ID: 0001
Revises:
Create Date: 2026-11-27 01:08:03.172739
"""

from collections.abc import Sequence

from gongjian_shared.migrations import (
    create_bus_tables,
    create_unit_replica_table,
    drop_bus_tables,
    drop_unit_replica_table,
)

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_bus_tables("notifier")
    create_unit_replica_table("notifier")


def downgrade() -> None:
    drop_unit_replica_table("notifier")
    drop_bus_tables("notifier")
