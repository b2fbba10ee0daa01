from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gongjian_shared.pagination import Page
from gongjian_shared.types import Day, Instant, Line, Multiline, Name, RequestModel, cross_field


class AdHocMeetingCreate(RequestModel):
    """An ad hoc meeting (临时会议) called with its own, shorter windows (days before meeting day D)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "body_id": "00000000-0000-0000-0000-000000000000",
                    "title": "汉江五桥征迁专题协调会",
                    "held_on": "2019-06-20",
                    "topic_days": 4,
                    "agenda_days": 3,
                    "circulation_days": 1,
                }
            ]
        },
    )

    body_id: uuid.UUID
    title: Name = Field(max_length=200)
    held_on: Day
    location: Line | None = Field(default=None, max_length=200)
    topic_days: int = Field(ge=2, le=60)
    agenda_days: int = Field(ge=1, le=59)
    circulation_days: int = Field(ge=1, le=58)

    @model_validator(mode="after")
    def _ordered(self) -> AdHocMeetingCreate:
        if not self.topic_days > self.agenda_days > self.circulation_days:
            raise cross_field("windows must satisfy topic_days > agenda_days > circulation_days")
        return self


class SeriesGenerate(RequestModel):
    """Generate the regular series ahead (生成定期会议), up to `months_ahead` (default: the body's horizon)."""

    model_config = ConfigDict(extra="forbid")

    months_ahead: int | None = Field(default=None, ge=1, le=24)


class Reschedule(RequestModel):
    """Move the meeting to another day (会议改期); every deadline moves with it."""

    model_config = ConfigDict(extra="forbid")

    held_on: Day
    reason: Multiline = Field(min_length=1, max_length=1000)


class Cancel(RequestModel):
    """Call the meeting off (取消会议)."""

    model_config = ConfigDict(extra="forbid")

    reason: Multiline = Field(min_length=1, max_length=1000)


class DeadlinesOut(BaseModel):
    topics_close_at: Instant
    agenda_due_at: Instant
    approval_due_at: Instant
    circulation_at: Instant


class MeetingOut(BaseModel):
    """A meeting (会议), its state, the states it may move to next, and its deadlines."""

    id: uuid.UUID
    body_id: uuid.UUID
    title: str
    ad_hoc: bool
    series_key: str | None
    held_on: Day
    location: str | None
    state: str
    allowed_next: list[str]
    topic_days: int
    agenda_days: int
    circulation_days: int
    deadlines: DeadlinesOut
    cancel_reason: str | None
    minutes_published_at: Instant | None


class DeadlineOut(BaseModel):
    """A deadline row (到期事项) and whether it fired."""

    model_config = ConfigDict(from_attributes=True)

    kind: str
    subject_id: uuid.UUID
    generation: int
    sequence: int
    due_at: Instant
    fired_at: Instant | None
    outcome: str | None
    cancelled_at: Instant | None


class MeetingPage(Page[MeetingOut]):
    """One page of meetings (会议列表)."""


class DeadlinePage(Page[DeadlineOut]):
    """One page of a meeting's deadline rows (到期事项)."""
