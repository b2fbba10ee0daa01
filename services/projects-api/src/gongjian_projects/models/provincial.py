"""Exchange with the provincial investment platform (省级平台): staged import batches, their rows, and the
province's figures per project and month (the province's side of reconciliation, 对账)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gongjian_projects.models.base import Base

# 万元 with six decimals: an amount the province gives in 元 (with fen) converts exactly
ExactMoney = Numeric(20, 6)


class ProvincialBatch(Base):
    """One uploaded provincial export (省平台月度导出), staged: nothing in the registry changes until applied."""

    __tablename__ = "provincial_batches"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    sha256: Mapped[str] = mapped_column(Text, unique=True)
    filename: Mapped[str] = mapped_column(Text)
    template: Mapped[str] = mapped_column(Text)
    year: Mapped[int] = mapped_column(SmallInteger)
    month: Mapped[int] = mapped_column(SmallInteger)
    row_count: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[uuid.UUID] = mapped_column()
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    applied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    applied_by: Mapped[uuid.UUID | None] = mapped_column()

    __table_args__ = (CheckConstraint("month BETWEEN 1 AND 12", name="month"),)


class ProvincialRow(Base):
    """A row of a staged batch as parsed: its figures in 万元, its problems, and the project it matched."""

    __tablename__ = "provincial_rows"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provincial_batches.id", ondelete="CASCADE"))
    row_number: Mapped[int] = mapped_column(Integer)
    code: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    total_investment_10k: Mapped[Decimal | None] = mapped_column(ExactMoney)
    planned_investment_10k: Mapped[Decimal | None] = mapped_column(ExactMoney)
    completed_10k: Mapped[Decimal | None] = mapped_column(ExactMoney)
    cumulative_10k: Mapped[Decimal | None] = mapped_column(ExactMoney)
    started_on: Mapped[date | None] = mapped_column(Date)
    physical_progress: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    match: Mapped[str] = mapped_column(Text)
    project_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("projects.id"))
    applied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("batch_id", "row_number"),
        CheckConstraint("match IN ('matched', 'unmatched', 'ambiguous', 'invalid')", name="match"),
    )


class ProvincialFigure(Base):
    """The province's figures of one project and month (省平台数据), as the office applied them; the unit's own
    report is never overwritten: the two are reconciled."""

    __tablename__ = "provincial_figures"

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    month: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), index=True)
    completed_10k: Mapped[Decimal] = mapped_column(ExactMoney)
    cumulative_10k: Mapped[Decimal] = mapped_column(ExactMoney)
    total_investment_10k: Mapped[Decimal | None] = mapped_column(ExactMoney)
    planned_investment_10k: Mapped[Decimal | None] = mapped_column(ExactMoney)
    started_on: Mapped[date | None] = mapped_column(Date)
    physical_progress: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provincial_batches.id"))
    row_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("provincial_rows.id"))
    applied_by: Mapped[uuid.UUID] = mapped_column()
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # the ledger item (攻坚台帐) opened for a difference beyond the tolerance, once
    obstacle_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("obstacles.id"))
    revision: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("completed_10k >= 0 AND cumulative_10k >= 0", name="amounts"),
    )
