"""What the leaders (包抓领导) were sent: one monthly digest per leader and month."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from gongjian_projects.models.base import Base


class LeaderDigest(Base):
    """A leader's monthly digest (包抓项目月报), written once: the row is stamped in the transaction of its
    event, so a second run of the job (or a second replica) finds it and sends nothing."""

    __tablename__ = "leader_digests"

    leader_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("leaders.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    month: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    project_count: Mapped[int] = mapped_column(SmallInteger)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (CheckConstraint("month BETWEEN 1 AND 12", name="month"),)
