"""The projects-api schema: units and people, accounts, projects and their monthly progress reports."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from gongjian_shared.bus.tables import bus_tables
from gongjian_shared.db import service_metadata
from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

SCHEMA = "projects"


class Base(DeclarativeBase):
    metadata = service_metadata(SCHEMA)


BUS = bus_tables(Base.metadata)

Money = Numeric(16, 2)


class Unit(Base):
    """A county, zone, department or enterprise (县区 / 开发区 / 市直部门 / 企业)."""

    __tablename__ = "units"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(Text)
    admin_code: Mapped[str | None] = mapped_column(Text, unique=True)
    parent_unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    joint_meeting_member: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revision: Mapped[int] = mapped_column(Integer, default=1)

    contacts: Mapped[list[UnitContact]] = relationship(
        lazy="raise", order_by="UnitContact.created_at", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("kind IN ('county', 'zone', 'department', 'enterprise', 'office')", name="kind"),
    )


class UnitContact(Base):
    """A unit's leader, responsible person or liaison (联络员); contact details are personal data."""

    __tablename__ = "unit_contacts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    im_id: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (CheckConstraint("role IN ('leader', 'responsible', 'liaison')", name="role"),)


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(Text, unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    display_name: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    roles: Mapped[list[str]] = mapped_column(ARRAY(Text))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AnnualTarget(Base):
    """A unit's targets in a year's plan, as in Annex 2 (年度目标任务)."""

    __tablename__ = "annual_targets"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    year: Mapped[int] = mapped_column(SmallInteger)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    key_projects: Mapped[int] = mapped_column(Integer, default=0)
    key_projects_new_start: Mapped[int] = mapped_column(Integer, default=0)
    planned_investment_10k: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    prephase_projects: Mapped[int] = mapped_column(Integer, default=0)
    planned_projects: Mapped[int] = mapped_column(Integer, default=0)
    planned_projects_over_2bn: Mapped[int] = mapped_column(Integer, default=0)
    planned_projects_over_10bn: Mapped[int] = mapped_column(Integer, default=0)
    planning_direction: Mapped[str | None] = mapped_column(Text)
    attraction_domestic_capital_100m: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    attraction_other_target: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))

    __table_args__ = (UniqueConstraint("year", "unit_id"),)


class Project(Base):
    """A project on the year's plan: key (重点项目), pre-phase, planned or attraction."""

    __tablename__ = "projects"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    year: Mapped[int] = mapped_column(SmallInteger, index=True)
    kind: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(Text, unique=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), index=True)
    plan_category: Mapped[str | None] = mapped_column(Text)
    total_investment_10k: Mapped[Decimal] = mapped_column(Money)
    planned_investment_10k: Mapped[Decimal] = mapped_column(Money)
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_completion: Mapped[date | None] = mapped_column(Date)
    construction_content: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, default="planned")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revision: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        CheckConstraint("kind IN ('key', 'prephase', 'planned', 'attraction')", name="kind"),
        CheckConstraint(
            "plan_category IS NULL OR plan_category IN ('new-start', 'continuing', 'completion')",
            name="plan_category",
        ),
        CheckConstraint("total_investment_10k >= 0 AND planned_investment_10k >= 0", name="amounts"),
    )


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

    __table_args__ = (
        UniqueConstraint("project_id", "year", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("completed_10k >= 0 AND cumulative_10k >= 0", name="amounts"),
        CheckConstraint("status IN ('submitted', 'passed', 'accepted', 'returned')", name="status"),
    )
