"""Monthly progress reports (月度进度) and their review."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gongjian_projects.models.base import Base, Money


class ProgressReport(Base):
    """A monthly progress report (月度进度) of one key project; figures in 万元."""

    __tablename__ = "progress_reports"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int] = mapped_column(SmallInteger)
    month: Mapped[int] = mapped_column(SmallInteger)
    completed_10k: Mapped[Decimal] = mapped_column(Money)
    cumulative_10k: Mapped[Decimal] = mapped_column(Money)
    physical_progress: Mapped[str] = mapped_column(Text)
    image_progress_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    problems: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, default="submitted")
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_by: Mapped[uuid.UUID] = mapped_column()
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_by: Mapped[uuid.UUID | None] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # corrections of frozen months that landed in this month (冻结月份的更正计入本月)
    adjustment_10k: Mapped[Decimal] = mapped_column(Money, default=Decimal(0), server_default="0")
    over_total_reason: Mapped[str | None] = mapped_column(Text)
    returned_reason: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __table_args__ = (
        UniqueConstraint("project_id", "year", "month"),
        Index("ix_progress_reports_year_month_unit", "year", "month", "unit_id"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("completed_10k >= 0 AND cumulative_10k >= 0", name="amounts"),
        CheckConstraint("status IN ('submitted', 'passed', 'accepted', 'returned')", name="status"),
    )


class ReportStep(Base):
    """One step of a report's review, with who did it and why (审核记录)."""

    __tablename__ = "progress_report_steps"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # steps in one request share the clock's instant: the sequence keeps their order
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("progress_reports.id"), index=True)
    action: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[uuid.UUID] = mapped_column()
    actor_role: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(
            "action IN ('submitted', 'resubmitted', 'passed', 'returned', 'accepted', 'amended')",
            name="action",
        ),
    )


class Amendment(Base):
    """A correction of an accepted report, with its reason (更正); audited, never edited.

    When the corrected month is frozen its published figures stay; the difference lands in the first
    month still open (`lands_year`/`lands_month`), on that month's report once there is one.
    """

    __tablename__ = "progress_amendments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("progress_reports.id"), index=True)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    month: Mapped[int] = mapped_column(SmallInteger)
    lands_year: Mapped[int] = mapped_column(SmallInteger)
    lands_month: Mapped[int] = mapped_column(SmallInteger)
    applied_report_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("progress_reports.id"))
    old_completed_10k: Mapped[Decimal] = mapped_column(Money)
    new_completed_10k: Mapped[Decimal] = mapped_column(Money)
    delta_10k: Mapped[Decimal] = mapped_column(Money)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONB)
    reason: Mapped[str] = mapped_column(Text)
    amended_by: Mapped[uuid.UUID] = mapped_column()
    amended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReportingMonth(Base):
    """A month's reporting window and statistics cut-off (填报窗口与统计截止); frozen once published."""

    __tablename__ = "reporting_months"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    month: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reminder_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cut_off_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    frozen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    frozen_by: Mapped[uuid.UUID | None] = mapped_column()
    revision: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("opens_at < closes_at AND closes_at <= cut_off_at", name="order"),
    )


class FrozenFigure(Base):
    """A project's published figures of a frozen month (冻结数据); written once, at the freeze."""

    __tablename__ = "frozen_figures"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    month: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("progress_reports.id"))
    completed_10k: Mapped[Decimal] = mapped_column(Money)
    adjustment_10k: Mapped[Decimal] = mapped_column(Money)
    cumulative_10k: Mapped[Decimal] = mapped_column(Money)
    year_to_date_10k: Mapped[Decimal] = mapped_column(Money)


class Deadline(Base):
    """A deadline the scheduler owes (到期任务): claimed FOR UPDATE SKIP LOCKED, stamped when done."""

    __tablename__ = "deadlines"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(Text)
    year: Mapped[int] = mapped_column(SmallInteger)
    month: Mapped[int] = mapped_column(SmallInteger)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("kind", "year", "month"),
        Index("ix_deadlines_pending", "due_at", postgresql_where="done_at IS NULL"),
        CheckConstraint("kind IN ('progress-report-due', 'month-freeze')", name="kind"),
    )
