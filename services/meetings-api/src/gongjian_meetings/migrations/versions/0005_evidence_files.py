"""evidence files: one row per file attached to a topic or to resolution feedback

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "meetings"


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_kind", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("media_type", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("storage_key", sa.Text(), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
        sa.UniqueConstraint("owner_kind", "owner_id", "sha256", name="uq_evidence_owner_sha256"),
        sa.UniqueConstraint("storage_key", name=op.f("uq_evidence_storage_key")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_evidence_owner",
        "evidence",
        ["owner_kind", "owner_id", "uploaded_at"],
        unique=False,
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index("ix_evidence_owner", table_name="evidence", schema=SCHEMA)
    op.drop_table("evidence", schema=SCHEMA)
