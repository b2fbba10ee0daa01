"""The scoring-worker schema: rule sets, the facts read model built from the registry's events, scores."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKeyConstraint,
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
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gongjian_shared.bus.tables import bus_tables
from gongjian_shared.db import service_metadata
from gongjian_shared.replica import unit_replica_table

SCHEMA = "scoring"


class Base(DeclarativeBase):
    metadata = service_metadata(SCHEMA)


BUS = bus_tables(Base.metadata)
UNIT_REPLICA = unit_replica_table(Base.metadata)


class ProjectInvestment(Base):
    """A project's completed investment this year, as of its latest accepted monthly report (万元)."""

    __tablename__ = "project_investment"

    project_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(index=True)
    month: Mapped[int] = mapped_column(SmallInteger)
    year_to_date_10k: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    cumulative_10k: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ProjectFact(Base):
    """What the assessment knows of one project, folded from the registry's events (项目考核事实).

    Each group of fields remembers the instant of the event that last set it, so that an older event
    arriving late changes nothing; `fact_date` is the latest business date any event of the project
    carried, which bounds the as-of date of the unit's facts.
    """

    __tablename__ = "project_fact"

    project_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID]
    year: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str | None] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    plan_category: Mapped[str | None] = mapped_column(Text)
    total_investment_10k: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    planned_investment_10k: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    planned_completion: Mapped[date | None] = mapped_column(Date)
    provincial_key: Mapped[bool] = mapped_column(Boolean, server_default="false")
    plan_data_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    removed_on: Mapped[date | None] = mapped_column(Date)
    prephase_done: Mapped[bool | None] = mapped_column(Boolean)
    prephase_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    depth: Mapped[str | None] = mapped_column(Text)
    in_prephase_plan_and_filed: Mapped[bool | None] = mapped_column(Boolean)
    proposed_for_next_year: Mapped[bool | None] = mapped_column(Boolean)
    planned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fact_date: Mapped[date] = mapped_column(Date)

    __table_args__ = (Index("ix_project_fact_unit_year", "unit_id", "year"),)


class AnnualTargets(Base):
    """A year's Annex 2 targets (附件2 年度目标任务), folded from `annual-targets-set`: per unit id, the counts
    the assessment reads (`key_projects`, `prephase_projects`, `planned_projects`); `set_at` is the instant
    of the event that set them."""

    __tablename__ = "annual_targets"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    targets: Mapped[dict[str, Any]] = mapped_column(JSONB)
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Judgement(Base):
    """A judgement the office records (考核认定): media items, inspection findings, support failures,
    mechanism checks, disqualifying incidents, planning funds, the planning task; with evidence, actor, time.

    A judgement is never edited; the office withdraws it (with a reason) and records another.
    """

    __tablename__ = "judgement"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID]
    year: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB)
    evidence: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[uuid.UUID]
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_judgement_unit_year", "unit_id", "year"),)


class ScoreSnapshot(Base):
    """A unit's computed score sheet as of a date (得分快照): the trend is the series of its as-of dates.

    One snapshot per rule set, unit and as-of date: a recompute on the same date replaces it. A unit's live
    score is its snapshot with the latest as-of date. `result` is the unit's items and total without the
    source texts, which the rule set version holds.
    """

    __tablename__ = "score_snapshot"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    rule_set_id: Mapped[str] = mapped_column(Text)
    rule_set_version: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(SmallInteger)
    unit_id: Mapped[uuid.UUID]
    unit_name: Mapped[str] = mapped_column(Text)
    as_of: Mapped[date] = mapped_column(Date)
    provisional: Mapped[bool] = mapped_column(Boolean)
    total: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    eligible: Mapped[bool] = mapped_column(Boolean)
    result: Mapped[dict[str, Any]] = mapped_column(JSONB)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("rule_set_id", "unit_id", "as_of"),)


class FactsImport(Base):
    """A facts document the office imported and had scored (导入的考核事实), with the sheet it produced."""

    __tablename__ = "facts_import"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    rule_set_id: Mapped[str] = mapped_column(Text)
    rule_set_version: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(SmallInteger)
    as_of: Mapped[date] = mapped_column(Date)
    document: Mapped[dict[str, Any]] = mapped_column(JSONB)
    sheet: Mapped[dict[str, Any]] = mapped_column(JSONB)
    imported_by: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        ForeignKeyConstraint(
            ["rule_set_id", "rule_set_version"], ["rule_set.id", "rule_set.version"], ondelete="RESTRICT"
        ),
    )


class StoredRuleSet(Base):
    """One version of a rule set (考核评分表); `body` is the validated rule set document.

    A version no published assessment uses may be revised in place (`revision` counts the revisions);
    once published it never changes, and a change makes the next version.
    """

    __tablename__ = "rule_set"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    unit_kind: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[dict[str, Any]] = mapped_column(JSONB)
    revision: Mapped[int] = mapped_column(Integer)
    builtin: Mapped[bool] = mapped_column(Boolean)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (Index("ix_rule_set_year_unit_kind", "year", "unit_kind"),)


class PublishedAssessment(Base):
    """A score sheet the office published (考核结果发布): frozen, with the rule set version it used."""

    __tablename__ = "published_assessment"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    rule_set_id: Mapped[str] = mapped_column(Text)
    rule_set_version: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(SmallInteger)
    unit_kind: Mapped[str] = mapped_column(Text)
    as_of: Mapped[date] = mapped_column(Date)
    provisional: Mapped[bool] = mapped_column(Boolean)
    sheet: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # the facts document the sheet was computed from, so anyone can recompute it offline
    facts: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    published_by: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        ForeignKeyConstraint(
            ["rule_set_id", "rule_set_version"], ["rule_set.id", "rule_set.version"], ondelete="RESTRICT"
        ),
        Index("ix_published_assessment_rule_set", "rule_set_id", "rule_set_version"),
    )
