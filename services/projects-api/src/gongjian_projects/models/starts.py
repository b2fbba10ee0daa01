"""Quarterly concentrated starts (季度集中开工) with their advance notice (提前预告)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    SmallInteger,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongjian_projects.models.base import Base

ANSWERS = ("declared", "confirmed", "declined")


class ConcentratedStart(Base):
    """A quarter's batch of key projects the office declares to start together, on a planned date or event."""

    __tablename__ = "concentrated_starts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    quarter: Mapped[int] = mapped_column(SmallInteger)
    planned_on: Mapped[date] = mapped_column(Date)
    event: Mapped[str] = mapped_column(Text)
    notice: Mapped[str | None] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    declared_by: Mapped[uuid.UUID] = mapped_column()

    projects: Mapped[list[ConcentratedStartProject]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="ConcentratedStartProject.position"
    )

    __table_args__ = (
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter"),
        Index("ix_concentrated_starts_year_quarter", "year", "quarter"),
    )


class ConcentratedStartProject(Base):
    """A project of a concentrated start, and its unit's answer: confirmed, or declined with the reason."""

    __tablename__ = "concentrated_start_projects"

    concentrated_start_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("concentrated_starts.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    # the batch's year and quarter again, so that a project is in one batch of a quarter at most
    year: Mapped[int] = mapped_column(SmallInteger)
    quarter: Mapped[int] = mapped_column(SmallInteger)
    answer: Mapped[str] = mapped_column(Text, default="declared")
    reason: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_by: Mapped[uuid.UUID | None] = mapped_column()

    __table_args__ = (
        CheckConstraint(f"answer IN {ANSWERS!r}", name="answer"),
        CheckConstraint("answer != 'declined' OR reason IS NOT NULL", name="declined_reason"),
        UniqueConstraint("project_id", "year", "quarter", name="uq_concentrated_start_projects_quarter"),
    )
