"""Units and their people, accounts, and the annual targets of Annex 2."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongjian_projects.models.base import Base, Money


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
