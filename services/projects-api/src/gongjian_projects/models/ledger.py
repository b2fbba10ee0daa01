"""The push ledger (攻坚台帐), early warning (预警) and the plan's adjustments (计划调整)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Integer,
    Numeric,
    SmallInteger,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from gongjian_projects.models.base import Base

OBSTACLE_CATEGORIES = (
    "approvals",
    "land-and-demolition",
    "land",
    "utilities",
    "construction",
    "financing",
    "business-environment",
    "hiring",
    "other",
)


class Obstacle(Base):
    """An obstacle of a project (困难问题): who clears it by when, and whether it went to the joint meeting."""

    __tablename__ = "obstacles"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), index=True)
    category: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    responsible_unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(Text, default="open")
    proposed_solution: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_on: Mapped[date | None] = mapped_column(Date)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the joint meeting's resolution (议定事项) whose closing closed the obstacle
    closed_by_resolution_id: Mapped[uuid.UUID | None] = mapped_column()
    revision: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        CheckConstraint(f"category IN {OBSTACLE_CATEGORIES!r}", name="category"),
        CheckConstraint("status IN ('open', 'in-progress', 'resolved', 'escalated')", name="status"),
    )


class ObstacleAction(Base):
    """An action taken to clear an obstacle (推进措施)."""

    __tablename__ = "obstacle_actions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    obstacle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("obstacles.id", ondelete="CASCADE"), index=True)
    taken_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    # who recorded it; none when the platform recorded it from a joint-meeting resolution (resolution_id)
    actor_id: Mapped[uuid.UUID | None] = mapped_column()
    resolution_id: Mapped[uuid.UUID | None] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WarningThresholds(Base):
    """How far behind the time-schedule benchmark turns yellow and red (预警阈值), per plan year."""

    __tablename__ = "warning_thresholds"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    yellow_points: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    red_points: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    revision: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (CheckConstraint("0 <= yellow_points AND yellow_points < red_points", name="order"),)


class ProjectWarning(Base):
    """A key project's latest colour against the benchmark (预警研判)."""

    __tablename__ = "project_warnings"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(SmallInteger)
    month: Mapped[int] = mapped_column(SmallInteger)
    colour: Mapped[str] = mapped_column(Text, index=True)
    completion_share_percent: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    benchmark_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    reason: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (CheckConstraint("colour IN ('green', 'yellow', 'red')", name="colour"),)


class Plan(Base):
    """A year's key-project plan (年度计划); once published, its baseline is kept beside the adjusted plan."""

    __tablename__ = "plans"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[uuid.UUID | None] = mapped_column()
