"""The meetings-api schema: bodies, meetings, topics, agendas, the meeting record, resolutions, deadlines."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ARRAY,
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
    Uuid,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gongjian_shared.bus.tables import bus_tables
from gongjian_shared.db import service_metadata
from gongjian_shared.evidence.model import EvidenceColumns
from gongjian_shared.replica import unit_replica_table

SCHEMA = "meetings"


class Base(DeclarativeBase):
    metadata = service_metadata(SCHEMA)


BUS = bus_tables(Base.metadata)
UNIT_REPLICA = unit_replica_table(Base.metadata)

MEETING_STATES = (
    "scheduled",
    "collecting_topics",
    "drafting_agenda",
    "awaiting_approval",
    "approved",
    "circulated",
    "held",
    "minutes_published",
    "closed",
    "cancelled",
)


TOPIC_STATUSES = ("draft", "submitted", "rejected", "merged", "withdrawn")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class MeetingBody(Base):
    """A joint meeting body (联席会议): the city's, or one county's or zone's, with its series and windows."""

    __tablename__ = "meeting_bodies"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    level: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    name: Mapped[str] = mapped_column(Text)
    convener: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    convener_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    office_unit_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    series_active: Mapped[bool] = mapped_column(Boolean, default=False)
    series_interval_months: Mapped[int] = mapped_column(SmallInteger, default=2)
    series_first_month: Mapped[int] = mapped_column(SmallInteger, default=1)
    series_week: Mapped[int] = mapped_column(SmallInteger, default=2)
    series_weekday: Mapped[int] = mapped_column(SmallInteger, default=3)
    series_horizon_months: Mapped[int] = mapped_column(SmallInteger, default=6)
    topic_days: Mapped[int] = mapped_column(SmallInteger, default=10)
    agenda_days: Mapped[int] = mapped_column(SmallInteger, default=7)
    circulation_days: Mapped[int] = mapped_column(SmallInteger, default=3)
    reminder_hour: Mapped[int] = mapped_column(SmallInteger, default=9)
    skip_holidays: Mapped[bool] = mapped_column(Boolean, default=False)
    overdue_every_days: Mapped[int] = mapped_column(SmallInteger, default=3)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revision: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        CheckConstraint(_in("level", ("city", "county", "zone")), name="level"),
        CheckConstraint("(level = 'city') = (unit_id IS NULL)", name="unit_per_level"),
        Index("uq_meeting_bodies_one_city", "level", unique=True, postgresql_where=text("level = 'city'")),
    )


class Meeting(Base):
    """A meeting of a body (会议): regular (from the series) or ad hoc, with its own windows in days."""

    __tablename__ = "meetings"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meeting_bodies.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    ad_hoc: Mapped[bool] = mapped_column(Boolean, default=False)
    series_key: Mapped[str | None] = mapped_column(Text)
    held_on: Mapped[date] = mapped_column(Date)
    location: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text, default="scheduled")
    topic_days: Mapped[int] = mapped_column(SmallInteger)
    agenda_days: Mapped[int] = mapped_column(SmallInteger)
    circulation_days: Mapped[int] = mapped_column(SmallInteger)
    schedule_generation: Mapped[int] = mapped_column(Integer, default=1)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # counted up by every UPDATE of the row (fetched back with RETURNING): the ETag of If-Match updates
    revision: Mapped[int] = mapped_column(
        Integer, default=1, server_default=text("1"), onupdate=literal_column("revision") + 1
    )

    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 (SQLAlchemy reads it as a plain dict)

    __table_args__ = (
        UniqueConstraint("body_id", "series_key"),
        CheckConstraint(_in("state", MEETING_STATES), name="state"),
        CheckConstraint("topic_days > agenda_days AND agenda_days > circulation_days", name="windows"),
        CheckConstraint("circulation_days >= 1", name="circulation_days"),
    )


class Topic(Base):
    """A topic (议题) a member unit submits for a meeting, or a draft the office got from the push ledger."""

    __tablename__ = "topics"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    unit_name: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    proposed_solution: Mapped[str | None] = mapped_column(Text)
    project_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    status: Mapped[str] = mapped_column(Text, default="submitted")
    origin: Mapped[str] = mapped_column(Text, default="unit")
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int | None] = mapped_column(Integer)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("topics.id"))
    obstacle_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    submitted_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # counted up by every UPDATE of the row (fetched back with RETURNING): the ETag of If-Match updates
    revision: Mapped[int] = mapped_column(
        Integer, default=1, server_default=text("1"), onupdate=literal_column("revision") + 1
    )

    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 (SQLAlchemy reads it as a plain dict)

    __table_args__ = (
        CheckConstraint(_in("status", TOPIC_STATUSES), name="status"),
        CheckConstraint(_in("origin", ("unit", "office", "obstacle")), name="origin"),
    )


class ProjectReplica(Base):
    """This service's copy of the registry's projects (from `project-registered` / `project-updated`): which
    unit each belongs to, so a topic names only projects of its own unit, and their names for the agenda."""

    __tablename__ = "project_replica"

    project_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    name: Mapped[str] = mapped_column(Text)
    year: Mapped[int] = mapped_column(SmallInteger)
    source_event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class LateAcceptance(Base):
    """The office's leave for one unit to submit after the cut-off (逾期议题经办公室同意)."""

    __tablename__ = "late_acceptances"

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    granted_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TopicSuggestion(Base):
    """A key project behind schedule (预警), suggested to the office as a possible topic, with its figures."""

    __tablename__ = "topic_suggestions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    project_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    project_name: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    year: Mapped[int] = mapped_column(SmallInteger)
    month: Mapped[int] = mapped_column(SmallInteger)
    completion_share_percent: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    benchmark_percent: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    colour: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        UniqueConstraint("project_id", "year", "month"),
        CheckConstraint(_in("status", ("open", "dismissed")), name="status"),
    )


class Agenda(Base):
    """A meeting's agenda (议程): the ordered topics as submitted to, and decided by, the convener."""

    __tablename__ = "agendas"

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(Text, default="draft")
    topic_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)
    office_notes: Mapped[str | None] = mapped_column(Text)
    submitted_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    comments: Mapped[str | None] = mapped_column(Text)
    circulated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(
            _in("status", ("draft", "submitted", "approved", "returned", "circulated")), name="status"
        ),
    )


class Attendance(Base):
    """Who attended for each unit (出席情况)."""

    __tablename__ = "attendance"

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    attendee: Mapped[str | None] = mapped_column(Text)
    present: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)


class Resolution(Base):
    """A resolution of a meeting (议定事项): lead unit, supporting units, due date, escalation so far."""

    __tablename__ = "resolutions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    lead_unit_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    supporting_unit_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)
    due_on: Mapped[date] = mapped_column(Date)
    project_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)
    topic_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)
    status: Mapped[str] = mapped_column(Text, default="open")
    escalation_step: Mapped[int] = mapped_column(SmallInteger, default=0)
    outcome: Mapped[str | None] = mapped_column(Text)
    done_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        UniqueConstraint("meeting_id", "number"),
        CheckConstraint(_in("status", ("open", "closed")), name="status"),
    )


class Feedback(Base):
    """A responsible unit's written feedback on a resolution (书面反馈), and the office's check of it."""

    __tablename__ = "feedback"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    resolution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resolutions.id"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    text: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    status: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    review: Mapped[str] = mapped_column(Text, default="pending")
    review_comment: Mapped[str | None] = mapped_column(Text)
    submitted_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(_in("status", ("in-progress", "done", "cannot-complete")), name="status"),
        CheckConstraint(_in("review", ("pending", "accepted", "returned")), name="review"),
    )


class Escalation(Base):
    """One step of an overdue resolution's escalation ladder (提醒、催办、督办、报告召集人)."""

    __tablename__ = "escalations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    resolution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resolutions.id"), index=True)
    step: Mapped[int] = mapped_column(SmallInteger)
    level: Mapped[str] = mapped_column(Text)
    days_overdue: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("resolution_id", "step"),)


class Deadline(Base):
    """A deadline as a durable row: claimed when due, its event written and the row stamped in one transaction."""

    __tablename__ = "deadlines"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    generation: Mapped[int] = mapped_column(Integer, default=1)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    fired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("kind", "subject_id", "generation", "sequence"),
        Index(
            "ix_deadlines_pending",
            "due_at",
            postgresql_where=text("fired_at IS NULL AND cancelled_at IS NULL"),
        ),
    )


class Action(Base):
    """Who did what and when (操作记录): every step of the workflow, by a person or by the scheduler."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    subject_kind: Mapped[str] = mapped_column(Text)
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_name: Mapped[str] = mapped_column(Text)
    actor_roles: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


class Evidence(EvidenceColumns, Base):
    """An evidence file (证明材料) attached to a topic or to a unit's feedback on a resolution."""

    __tablename__ = "evidence"
