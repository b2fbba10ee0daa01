from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gongjian_meetings.topics.schemas import MeetingAttachment
from gongjian_shared.events.meetings import EscalationLevel, FeedbackStatus
from gongjian_shared.pagination import Page
from gongjian_shared.types import Day, Instant, Multiline, Name, RequestModel, cross_field


class AttendanceEntry(RequestModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID
    attendee: Name | None = Field(default=None, max_length=200)
    present: bool = True
    note: Multiline | None = Field(default=None, max_length=500)


class HoldMeeting(RequestModel):
    """The meeting took place (会议召开): who attended for each unit (出席情况)."""

    model_config = ConfigDict(extra="forbid")

    attendance: list[AttendanceEntry] = Field(min_length=1, max_length=200)


class Minutes(RequestModel):
    """The minutes (会议纪要)."""

    model_config = ConfigDict(extra="forbid")

    text: Multiline = Field(min_length=1, max_length=50_000)


class ResolutionCreate(RequestModel):
    """A resolution of the meeting (议定事项): text, lead unit, supporting units, due date."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "汉滨区牵头，市自然资源局配合，6月30日前完成南岸征迁。",
                    "lead_unit_id": "00000000-0000-0000-0000-000000000000",
                    "supporting_unit_ids": [],
                    "due_on": "2019-06-30",
                }
            ]
        },
    )

    text: Multiline = Field(min_length=1, max_length=4000)
    lead_unit_id: uuid.UUID
    supporting_unit_ids: list[uuid.UUID] = Field(default_factory=list, max_length=30)
    due_on: Day
    project_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    topic_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)


class FeedbackCreate(RequestModel):
    """Written feedback on carrying out a resolution (书面反馈)."""

    model_config = ConfigDict(extra="forbid")

    text: Multiline = Field(min_length=1, max_length=8000)
    status: FeedbackStatus
    reason: Multiline | None = Field(default=None, max_length=4000)
    attachments: list[MeetingAttachment] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _reason_when_impossible(self) -> FeedbackCreate:
        if self.status == "cannot-complete" and not self.reason:
            raise cross_field("a reason is required when the resolution cannot be completed")
        return self


class FeedbackReview(RequestModel):
    """The office checks feedback (核验): accept (a done or cannot-complete report closes it) or return."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["accept", "return"]
    comment: Multiline | None = Field(default=None, max_length=4000)

    @model_validator(mode="after")
    def _comment_when_returned(self) -> FeedbackReview:
        if self.decision == "return" and not self.comment:
            raise cross_field("say why the feedback is returned")
        return self


class FeedbackOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    unit_id: uuid.UUID
    text: str
    status: str
    reason: str | None
    attachments: list[MeetingAttachment]
    review: str
    review_comment: str | None
    submitted_at: Instant
    reviewed_at: Instant | None


class EscalationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    step: int
    level: str
    days_overdue: int
    at: Instant


class ResolutionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    meeting_id: uuid.UUID
    number: int
    text: str
    lead_unit_id: uuid.UUID
    supporting_unit_ids: list[uuid.UUID]
    due_on: Day
    project_ids: list[uuid.UUID]
    topic_ids: list[uuid.UUID]
    status: str
    outcome: str | None
    done_on: Day | None
    closed_at: Instant | None
    escalation_step: int


class ResolutionDetail(ResolutionOut):
    feedback: list[FeedbackOut]
    escalations: list[EscalationOut]


class AttendanceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    unit_id: uuid.UUID
    attendee: str | None
    present: bool
    note: str | None


class ReportLine(BaseModel):
    number: int
    resolution_id: uuid.UUID
    text: str
    lead_unit_id: uuid.UUID
    due_on: Day
    status: str
    outcome: str | None
    done_on: Day | None
    on_time: bool | None
    days_overdue: int
    escalation_level: str | None


class FollowUpReport(BaseModel):
    """Follow-up of a meeting's resolutions for the convener (督办情况报告): done, on time, late, open."""

    meeting_id: uuid.UUID
    as_of: Day
    total: int
    done: int
    done_on_time: int
    done_late: int
    open: int
    open_overdue: int
    lines: list[ReportLine]


class ResolutionPage(Page[ResolutionOut]):
    """One page of resolutions (议定事项列表)."""


class AttendancePage(Page[AttendanceOut]):
    """One page of a meeting's attendance (出席情况)."""


class EscalateNow(RequestModel):
    """The office escalates an overdue resolution now (升级督办), to the next level of the ladder; naming the
    level makes the request safe to repeat: a resolution already at (or past) it is left as it is."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"level": "urging", "reason": "两次提醒未反馈"}]}
    )

    level: EscalationLevel
    reason: Multiline | None = Field(default=None, max_length=1000)
