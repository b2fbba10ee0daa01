"""meetings workflow

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 01:20:57.121826

The joint-meeting workflow: bodies, meetings, topics, agendas, attendance, resolutions, feedback,
escalations, deadlines as durable rows, and the action log.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "actions",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("subject_kind", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_name", sa.Text(), nullable=False),
        sa.Column("actor_roles", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
        schema="meetings",
    )
    op.create_index(
        op.f("ix_meetings_actions_meeting_id"), "actions", ["meeting_id"], unique=False, schema="meetings"
    )
    op.create_table(
        "meeting_bodies",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("convener", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("convener_user_id", sa.Uuid(), nullable=True),
        sa.Column("office_unit_id", sa.Uuid(), nullable=True),
        sa.Column("series_active", sa.Boolean(), nullable=False),
        sa.Column("series_interval_months", sa.SmallInteger(), nullable=False),
        sa.Column("series_first_month", sa.SmallInteger(), nullable=False),
        sa.Column("series_week", sa.SmallInteger(), nullable=False),
        sa.Column("series_weekday", sa.SmallInteger(), nullable=False),
        sa.Column("series_horizon_months", sa.SmallInteger(), nullable=False),
        sa.Column("topic_days", sa.SmallInteger(), nullable=False),
        sa.Column("agenda_days", sa.SmallInteger(), nullable=False),
        sa.Column("circulation_days", sa.SmallInteger(), nullable=False),
        sa.Column("reminder_hour", sa.SmallInteger(), nullable=False),
        sa.Column("skip_holidays", sa.Boolean(), nullable=False),
        sa.Column("overdue_every_days", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(level = 'city') = (unit_id IS NULL)", name=op.f("ck_meeting_bodies_unit_per_level")
        ),
        sa.CheckConstraint("level IN ('city', 'county', 'zone')", name=op.f("ck_meeting_bodies_level")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_bodies")),
        sa.UniqueConstraint("unit_id", name=op.f("uq_meeting_bodies_unit_id")),
        schema="meetings",
    )
    op.create_index(
        "uq_meeting_bodies_one_city",
        "meeting_bodies",
        ["level"],
        unique=True,
        schema="meetings",
        postgresql_where=sa.text("level = 'city'"),
    )
    op.create_table(
        "topic_suggestions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("project_name", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("month", sa.SmallInteger(), nullable=False),
        sa.Column("completion_share_percent", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("benchmark_percent", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("colour", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("status IN ('open', 'dismissed')", name=op.f("ck_topic_suggestions_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic_suggestions")),
        sa.UniqueConstraint("project_id", "year", "month", name=op.f("uq_topic_suggestions_project_id")),
        schema="meetings",
    )
    op.create_index(
        op.f("ix_meetings_topic_suggestions_project_id"),
        "topic_suggestions",
        ["project_id"],
        unique=False,
        schema="meetings",
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("body_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("ad_hoc", sa.Boolean(), nullable=False),
        sa.Column("series_key", sa.Text(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("topic_days", sa.SmallInteger(), nullable=False),
        sa.Column("agenda_days", sa.SmallInteger(), nullable=False),
        sa.Column("circulation_days", sa.SmallInteger(), nullable=False),
        sa.Column("schedule_generation", sa.Integer(), nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("minutes_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "state IN ('scheduled', 'collecting_topics', 'drafting_agenda', 'awaiting_approval', 'approved', 'circulated', 'held', 'minutes_published', 'closed', 'cancelled')",
            name=op.f("ck_meetings_state"),
        ),
        sa.CheckConstraint("circulation_days >= 1", name=op.f("ck_meetings_circulation_days")),
        sa.CheckConstraint(
            "topic_days > agenda_days AND agenda_days > circulation_days", name=op.f("ck_meetings_windows")
        ),
        sa.ForeignKeyConstraint(
            ["body_id"], ["meetings.meeting_bodies.id"], name=op.f("fk_meetings_body_id_meeting_bodies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("body_id", "series_key", name=op.f("uq_meetings_body_id")),
        schema="meetings",
    )
    op.create_index(
        op.f("ix_meetings_meetings_body_id"), "meetings", ["body_id"], unique=False, schema="meetings"
    )
    op.create_table(
        "agendas",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("topic_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("office_notes", sa.Text(), nullable=True),
        sa.Column("submitted_by", sa.Uuid(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("circulated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'approved', 'returned', 'circulated')",
            name=op.f("ck_agendas_status"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.meetings.id"], name=op.f("fk_agendas_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_agendas")),
        schema="meetings",
    )
    op.create_table(
        "attendance",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("attendee", sa.Text(), nullable=True),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.meetings.id"], name=op.f("fk_attendance_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("meeting_id", "unit_id", name=op.f("pk_attendance")),
        schema="meetings",
    )
    op.create_table(
        "deadlines",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.meetings.id"], name=op.f("fk_deadlines_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadlines")),
        sa.UniqueConstraint("kind", "subject_id", "generation", "sequence", name=op.f("uq_deadlines_kind")),
        schema="meetings",
    )
    op.create_index(
        "ix_deadlines_pending",
        "deadlines",
        ["due_at"],
        unique=False,
        schema="meetings",
        postgresql_where=sa.text("fired_at IS NULL AND cancelled_at IS NULL"),
    )
    op.create_index(
        op.f("ix_meetings_deadlines_meeting_id"), "deadlines", ["meeting_id"], unique=False, schema="meetings"
    )
    op.create_table(
        "late_acceptances",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_by", sa.Uuid(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.meetings.id"], name=op.f("fk_late_acceptances_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("meeting_id", "unit_id", name=op.f("pk_late_acceptances")),
        schema="meetings",
    )
    op.create_table(
        "resolutions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lead_unit_id", sa.Uuid(), nullable=False),
        sa.Column("supporting_unit_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("project_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("topic_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("escalation_step", sa.SmallInteger(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_resolutions_status")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.meetings.id"], name=op.f("fk_resolutions_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolutions")),
        sa.UniqueConstraint("meeting_id", "number", name=op.f("uq_resolutions_meeting_id")),
        schema="meetings",
    )
    op.create_index(
        op.f("ix_meetings_resolutions_lead_unit_id"),
        "resolutions",
        ["lead_unit_id"],
        unique=False,
        schema="meetings",
    )
    op.create_index(
        op.f("ix_meetings_resolutions_meeting_id"),
        "resolutions",
        ["meeting_id"],
        unique=False,
        schema="meetings",
    )
    op.create_table(
        "topics",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("unit_name", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("proposed_solution", sa.Text(), nullable=True),
        sa.Column("project_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("attachments", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("merged_into_id", sa.Uuid(), nullable=True),
        sa.Column("obstacle_id", sa.Uuid(), nullable=True),
        sa.Column("submitted_by", sa.Uuid(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("origin IN ('unit', 'office', 'obstacle')", name=op.f("ck_topics_origin")),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'rejected', 'merged')", name=op.f("ck_topics_status")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.meetings.id"], name=op.f("fk_topics_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["meetings.topics.id"], name=op.f("fk_topics_merged_into_id_topics")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
        sa.UniqueConstraint("obstacle_id", name=op.f("uq_topics_obstacle_id")),
        schema="meetings",
    )
    op.create_index(
        op.f("ix_meetings_topics_meeting_id"), "topics", ["meeting_id"], unique=False, schema="meetings"
    )
    op.create_index(
        op.f("ix_meetings_topics_unit_id"), "topics", ["unit_id"], unique=False, schema="meetings"
    )
    op.create_table(
        "escalations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("resolution_id", sa.Uuid(), nullable=False),
        sa.Column("step", sa.SmallInteger(), nullable=False),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("days_overdue", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resolution_id"],
            ["meetings.resolutions.id"],
            name=op.f("fk_escalations_resolution_id_resolutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
        sa.UniqueConstraint("resolution_id", "step", name=op.f("uq_escalations_resolution_id")),
        schema="meetings",
    )
    op.create_index(
        op.f("ix_meetings_escalations_resolution_id"),
        "escalations",
        ["resolution_id"],
        unique=False,
        schema="meetings",
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("resolution_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attachments", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("review", sa.Text(), nullable=False),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("submitted_by", sa.Uuid(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.Uuid(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("review IN ('pending', 'accepted', 'returned')", name=op.f("ck_feedback_review")),
        sa.CheckConstraint(
            "status IN ('in-progress', 'done', 'cannot-complete')", name=op.f("ck_feedback_status")
        ),
        sa.ForeignKeyConstraint(
            ["resolution_id"], ["meetings.resolutions.id"], name=op.f("fk_feedback_resolution_id_resolutions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        schema="meetings",
    )
    op.create_index(
        op.f("ix_meetings_feedback_resolution_id"),
        "feedback",
        ["resolution_id"],
        unique=False,
        schema="meetings",
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_meetings_feedback_resolution_id"), table_name="feedback", schema="meetings")
    op.drop_table("feedback", schema="meetings")
    op.drop_index(op.f("ix_meetings_escalations_resolution_id"), table_name="escalations", schema="meetings")
    op.drop_table("escalations", schema="meetings")
    op.drop_index(op.f("ix_meetings_topics_unit_id"), table_name="topics", schema="meetings")
    op.drop_index(op.f("ix_meetings_topics_meeting_id"), table_name="topics", schema="meetings")
    op.drop_table("topics", schema="meetings")
    op.drop_index(op.f("ix_meetings_resolutions_meeting_id"), table_name="resolutions", schema="meetings")
    op.drop_index(op.f("ix_meetings_resolutions_lead_unit_id"), table_name="resolutions", schema="meetings")
    op.drop_table("resolutions", schema="meetings")
    op.drop_table("late_acceptances", schema="meetings")
    op.drop_index(op.f("ix_meetings_deadlines_meeting_id"), table_name="deadlines", schema="meetings")
    op.drop_index(
        "ix_deadlines_pending",
        table_name="deadlines",
        schema="meetings",
        postgresql_where=sa.text("fired_at IS NULL AND cancelled_at IS NULL"),
    )
    op.drop_table("deadlines", schema="meetings")
    op.drop_table("attendance", schema="meetings")
    op.drop_table("agendas", schema="meetings")
    op.drop_index(op.f("ix_meetings_meetings_body_id"), table_name="meetings", schema="meetings")
    op.drop_table("meetings", schema="meetings")
    op.drop_index(
        op.f("ix_meetings_topic_suggestions_project_id"), table_name="topic_suggestions", schema="meetings"
    )
    op.drop_table("topic_suggestions", schema="meetings")
    op.drop_index(
        "uq_meeting_bodies_one_city",
        table_name="meeting_bodies",
        schema="meetings",
        postgresql_where=sa.text("level = 'city'"),
    )
    op.drop_table("meeting_bodies", schema="meetings")
    op.drop_index(op.f("ix_meetings_actions_meeting_id"), table_name="actions", schema="meetings")
    op.drop_table("actions", schema="meetings")
