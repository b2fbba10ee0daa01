"""Published statistics (统计发布): a frozen month's statistics as they were published, and the quarterly
bulletins (季度通报) the office published. Both are written once and never updated."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, SmallInteger
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gongjian_projects.models.base import Base


class StatisticsSnapshot(Base):
    """A frozen month's statistics (冻结月统计), taken in the freeze's transaction: per unit, per leader,
    the red list and the targets compared with actuals, exactly as the month published them."""

    __tablename__ = "statistics_snapshots"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    month: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    units: Mapped[dict[str, Any]] = mapped_column(JSONB)
    leaders: Mapped[dict[str, Any]] = mapped_column(JSONB)
    red_projects: Mapped[list[Any]] = mapped_column(JSONB)
    targets: Mapped[dict[str, Any]] = mapped_column(JSONB)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (CheckConstraint("month BETWEEN 1 AND 12", name="month"),)


class PublishedBulletin(Base):
    """A quarterly bulletin as the office published it (已发布季度通报); readable by every unit."""

    __tablename__ = "published_bulletins"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    quarter: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSONB)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[uuid.UUID] = mapped_column()

    __table_args__ = (CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter"),)
