"""Projects of the four kinds, their leaders (领导包抓), monthly plan and status history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
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
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongjian_projects.models.base import Base, Money

PROJECT_STATUSES = ("planned", "started", "completed", "removed")
ATTRACTION_STAGES = ("signed", "landed", "started")


class Leader(Base):
    """A city or county leader who pushes projects (包抓领导); may be linked to an account."""

    __tablename__ = "leaders"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    level: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (CheckConstraint("level IN ('city', 'county')", name="level"),)


class ProjectIdentity(Base):
    """A project as one identity across the years (项目库): its unified code, once it has one, and the name and
    unit it entered with. Each year's plan holds an entry of it (a `Project` row, 年度计划)."""

    __tablename__ = "project_identities"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    code: Mapped[str | None] = mapped_column(Text, unique=True)
    legacy_code: Mapped[str | None] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Project(Base):
    """A plan entry: one project (its identity) on one year's plan, key (重点项目), pre-phase, planned or
    attraction, with the year's category, planned investment, monthly plan, leaders and status. Reports,
    recognitions, warnings, statistics and scores hang off the entry of their year."""

    __tablename__ = "projects"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    identity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("project_identities.id"))
    # the previous year's entry this one was carried over from (结转), None for a registration
    carried_from_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("projects.id"))
    year: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    # the identity's codes, copied on each entry (unique within a year) for listing and search
    code: Mapped[str | None] = mapped_column(Text)
    code_shape: Mapped[str | None] = mapped_column(Text)
    legacy_code: Mapped[str | None] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(Text)
    region_unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), index=True)
    responsible_person: Mapped[str | None] = mapped_column(Text)
    industry: Mapped[str | None] = mapped_column(Text)
    location_admin_code: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    plan_category: Mapped[str | None] = mapped_column(Text)
    total_investment_10k: Mapped[Decimal] = mapped_column(Money)
    planned_investment_10k: Mapped[Decimal] = mapped_column(Money)
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_completion: Mapped[date | None] = mapped_column(Date)
    construction_content: Mapped[str | None] = mapped_column(Text)
    provincial_key: Mapped[bool] = mapped_column(Boolean, default=False)
    # planned projects (策划包装项目)
    planning_depth: Mapped[str | None] = mapped_column(Text)
    in_prephase_plan_and_filed: Mapped[bool | None] = mapped_column(Boolean)
    proposed_for_next_year: Mapped[bool | None] = mapped_column(Boolean)
    # attraction projects (招商引资项目): signed -> landed -> started, each stage with its date; amounts as
    # given, in 万元 (CNY) and 万美元 (USD), never converted
    attraction_stage: Mapped[str | None] = mapped_column(Text)
    attraction_signed_on: Mapped[date | None] = mapped_column(Date)
    attraction_landed_on: Mapped[date | None] = mapped_column(Date)
    attraction_started_on: Mapped[date | None] = mapped_column(Date)
    signed_amount_10k: Mapped[Decimal | None] = mapped_column(Money)
    funds_in_place_10k: Mapped[Decimal | None] = mapped_column(Money)
    signed_amount_usd_10k: Mapped[Decimal | None] = mapped_column(Money)
    funds_in_place_usd_10k: Mapped[Decimal | None] = mapped_column(Money)
    capital_origin: Mapped[str | None] = mapped_column(Text)
    returning_entrepreneur: Mapped[bool | None] = mapped_column(Boolean)
    handed_over_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("projects.id"))
    # plan adjustment (计划调整): the published baseline, mid-year additions, removals
    in_baseline: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    baseline_planned_investment_10k: Mapped[Decimal | None] = mapped_column(Money)
    added_mid_year: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    removed_on: Mapped[date | None] = mapped_column(Date)
    removal_reason: Mapped[str | None] = mapped_column(Text)
    removal_approved_by: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, default="planned")
    started_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revision: Mapped[int] = mapped_column(Integer, default=1)

    leaders: Mapped[list[ProjectLeader]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="ProjectLeader.position"
    )
    month_plan: Mapped[list[ProjectMonthPlan]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="ProjectMonthPlan.month"
    )

    __table_args__ = (
        CheckConstraint("kind IN ('key', 'prephase', 'planned', 'attraction')", name="kind"),
        CheckConstraint(
            "plan_category IS NULL OR plan_category IN ('new-start', 'continuing', 'completion')",
            name="plan_category",
        ),
        CheckConstraint("total_investment_10k >= 0 AND planned_investment_10k >= 0", name="amounts"),
        CheckConstraint(f"status IN {PROJECT_STATUSES!r}", name="status"),
        CheckConstraint("code_shape IS NULL OR code_shape IN ('pre-2020', 'current')", name="code_shape"),
        CheckConstraint(
            "planning_depth IS NULL OR planning_depth IN ('none', 'proposal', 'feasibility')",
            name="planning_depth",
        ),
        CheckConstraint(
            f"attraction_stage IS NULL OR attraction_stage IN {ATTRACTION_STAGES!r}",
            name="attraction_stage",
        ),
        CheckConstraint(
            "capital_origin IS NULL OR capital_origin IN ('domestic', 'foreign')", name="capital_origin"
        ),
        UniqueConstraint("identity_id", "year", name="uq_projects_identity_id_year"),
        UniqueConstraint("code", "year", name="uq_projects_code_year"),
        UniqueConstraint("legacy_code", "year", name="uq_projects_legacy_code_year"),
        # pages in name order without sorting the filtered set; counts by index-only scans
        Index("ix_projects_year_name", "year", "name", "id"),
        Index("ix_projects_year_kind_name", "year", "kind", "name", "id"),
        Index("ix_projects_filters", "year", "kind", "plan_category", "status", "unit_id"),
        Index("ix_projects_year_status", "year", "status"),
        Index(
            "ix_projects_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
        Index(
            "ix_projects_code_trgm",
            "code",
            postgresql_using="gin",
            postgresql_ops={"code": "gin_trgm_ops"},
        ),
    )


class ProjectLeader(Base):
    """A leader assigned to push a project (领导包抓)."""

    __tablename__ = "project_leaders"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    leader_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leaders.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)


class ProjectMonthPlan(Base):
    """A month's share of the annual planned investment (分月计划), when the unit gives one."""

    __tablename__ = "project_month_plans"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    planned_10k: Mapped[Decimal] = mapped_column(Money)

    __table_args__ = (
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("planned_10k >= 0", name="amount"),
    )


class ProjectStatusChange(Base):
    """One step of a project's status history (状态变更记录)."""

    __tablename__ = "project_status_changes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(Text)
    to_status: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[uuid.UUID | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)


PROCEDURES = (
    "proposal",
    "feasibility-study",
    "preliminary-design",
    "site-selection",
    "land",
    "environmental-assessment",
    "financing",
    "filing-approval",
)


class PrephaseProcedure(Base):
    """One pre-phase procedure of a project (前期手续): proposal, feasibility study, ... filing/approval."""

    __tablename__ = "prephase_procedures"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    procedure: Mapped[str] = mapped_column(Text, primary_key=True)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(Text, default="not-started")
    planned_on: Mapped[date | None] = mapped_column(Date)
    actual_on: Mapped[date | None] = mapped_column(Date)
    authority: Mapped[str | None] = mapped_column(Text)
    document_number: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(f"procedure IN {PROCEDURES!r}", name="procedure"),
        CheckConstraint("status IN ('not-started', 'in-progress', 'done', 'not-needed')", name="status"),
    )


class Recognition(Base):
    """A unit's application for start or completion recognition (开工/竣工认定), and the office's decision."""

    __tablename__ = "recognitions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(Text)
    claimed_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    # the file metadata applications declared before evidence files existed (unverified; empty since 0013)
    declared_evidence: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'::jsonb")
    )
    status: Mapped[str] = mapped_column(Text, default="applied")
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    applied_by: Mapped[uuid.UUID] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[uuid.UUID | None] = mapped_column()
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # the evidence files ({"id", "sha256"}) attached when the office decided: what the decision relied on
    decision_evidence: Mapped[list[dict[str, str]] | None] = mapped_column(JSONB)

    __table_args__ = (
        CheckConstraint("kind IN ('start', 'completion')", name="kind"),
        CheckConstraint("status IN ('applied', 'recognised', 'rejected')", name="status"),
        Index(
            "uq_recognitions_one_open",
            "project_id",
            "kind",
            unique=True,
            postgresql_where=text("status = 'applied'"),
        ),
    )
