"""Units and their people, accounts, and the annual targets of Annex 2."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    ARRAY,
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
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
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
    # the account this contact signs in with (账号关联), if any
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (CheckConstraint("role IN ('leader', 'responsible', 'liaison')", name="role"),)


class User(Base):
    """An account (账号): a person who signs in with a password, or a machine client (service account)."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(Text, default="person", server_default="person")
    password_hash: Mapped[str] = mapped_column(Text)
    display_name: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    roles: Mapped[list[str]] = mapped_column(ARRAY(Text))
    scopes: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    # tokens carrying a lower `ver` no longer hold (disable, reset, role or unit change)
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    client_secret_hash: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (CheckConstraint("kind IN ('person', 'service')", name="kind"),)


class RefreshToken(Base):
    """One refresh token (opaque `id.secret`, only the secret's hash kept); rotation chains a family."""

    __tablename__ = "refresh_tokens"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SignInThrottle(Base):
    """Failed sign-ins in the current window, per username (`user:…`) and per client address (`addr:…`)."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AccountAudit(Base):
    """The account audit log (账号审计): sign-ins, failures, locks, resets, role changes, creations."""

    __tablename__ = "account_audit"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(Text)
    account_id: Mapped[uuid.UUID | None] = mapped_column()
    username: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[uuid.UUID | None] = mapped_column()
    actor_id: Mapped[uuid.UUID | None] = mapped_column()
    address: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, object]] = mapped_column(JSONB, default=dict, server_default="{}")

    __table_args__ = (
        Index("ix_account_audit_at", "at"),
        Index("ix_account_audit_account_at", "account_id", "at"),
        Index("ix_account_audit_unit_at", "unit_id", "at"),
    )


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
