"""The columns of an evidence row, the same in every service's own `evidence` table."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class EvidenceColumns:
    """Mixin of a service's `Evidence` model: one attached file, its owner (`owner_kind`, `owner_id`), what it
    is (name, media type judged by content, size, sha256), who uploaded it when, and where its bytes are."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    owner_kind: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    file_name: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(Text)
    storage_key: Mapped[str] = mapped_column(Text, unique=True)
    uploaded_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[object, ...]:
        return (
            # the same file twice on one owner is refused by the database, so concurrent uploads cannot both pass
            UniqueConstraint("owner_kind", "owner_id", "sha256", name="uq_evidence_owner_sha256"),
            Index("ix_evidence_owner", "owner_kind", "owner_id", "uploaded_at"),
        )
