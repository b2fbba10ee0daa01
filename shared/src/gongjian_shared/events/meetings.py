"""Events of the joint-meeting workflow (meetings-api, 联席会议).

Every event is keyed by the meeting id, so one meeting's events stay in order. Deadline events name the
units that still owe something, with their liaisons (`UnitOwing`), and the convener where the convener owes,
so the notifier needs no other source to remind the right people.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.events.projects import ObstacleCategory, UnitContact, UnitOwing
from gongjian_shared.events.registry import contract

MeetingLevel = Literal["city", "county", "zone"]
TopicCategory = ObstacleCategory
TopicOrigin = Literal["unit", "office", "obstacle"]
AgendaReviewStage = Literal["submission", "approval"]
FeedbackStatus = Literal["in-progress", "done", "cannot-complete"]
EscalationLevel = Literal["reminder", "urging", "supervision", "convener-report"]


class MeetingRef(BaseModel):
    """Which meeting an event is about (会议): its body, level, title and day."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    meeting_id: uuid.UUID
    body_id: uuid.UUID
    body_name: str
    level: MeetingLevel
    title: str
    ad_hoc: bool
    held_on: date
    location: str | None = None


class MeetingDeadlines(BaseModel):
    """The meeting's deadlines as instants (UTC); business days are Asia/Shanghai."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topics_close_at: datetime
    agenda_due_at: datetime
    approval_due_at: datetime
    circulation_at: datetime


class _MeetingEvent(EventPayload):
    stream: ClassVar[str] = "meetings"

    meeting: MeetingRef


@contract
class MeetingScheduled(_MeetingEvent):
    event_type: ClassVar[str] = "meeting-scheduled"
    summary: ClassVar[str] = (
        "A meeting was scheduled (会议已安排), with its deadlines; told to every member unit."
    )

    deadlines: MeetingDeadlines
    units: tuple[UnitOwing, ...]
    office: UnitOwing | None = None


@contract
class MeetingRescheduled(_MeetingEvent):
    event_type: ClassVar[str] = "meeting-rescheduled"
    summary: ClassVar[str] = "A meeting moved to another day (会议改期); every deadline moved with it."

    previous_held_on: date
    deadlines: MeetingDeadlines
    reason: str
    units: tuple[UnitOwing, ...]
    office: UnitOwing | None = None


@contract
class MeetingCancelled(_MeetingEvent):
    event_type: ClassVar[str] = "meeting-cancelled"
    summary: ClassVar[str] = "A meeting was cancelled (会议取消); its pending deadlines will not fire."

    reason: str
    units: tuple[UnitOwing, ...]
    office: UnitOwing | None = None


@contract
class TopicSubmitted(_MeetingEvent):
    event_type: ClassVar[str] = "topic-submitted"
    summary: ClassVar[str] = (
        "A topic (议题) was submitted for a meeting; `late` when the office accepted it late."
    )

    topic_id: uuid.UUID
    unit_id: uuid.UUID
    unit_name: str
    category: TopicCategory
    title: str
    late: bool
    origin: TopicOrigin
    project_ids: tuple[uuid.UUID, ...] = ()
    office: UnitOwing | None = None


@contract
class TopicSubmissionClosing(_MeetingEvent):
    event_type: ClassVar[str] = "topic-submission-closing"
    summary: ClassVar[str] = (
        "Topic submission closes soon (议题征集即将截止); names the units with no topic yet."
    )

    closes_at: datetime
    days_left: int
    units: tuple[UnitOwing, ...]


@contract
class TopicSubmissionClosed(_MeetingEvent):
    event_type: ClassVar[str] = "topic-submission-closed"
    summary: ClassVar[str] = (
        "Topic submission closed at the end of D-10 (议题征集截止); the office owes the agenda."
    )

    closed_at: datetime
    topics_submitted: int
    units_without_topics: tuple[uuid.UUID, ...]
    units: tuple[UnitOwing, ...]


@contract
class AgendaReviewDue(_MeetingEvent):
    event_type: ClassVar[str] = "agenda-review-due"
    summary: ClassVar[str] = (
        "The draft agenda is due: from the office to the convener by D-7 (stage submission), "
        "or the convener's approval before circulation at D-3 (stage approval) (议程待报审 / 待审定)."
    )

    stage: AgendaReviewStage
    due_at: datetime
    units: tuple[UnitOwing, ...]
    convener: UnitContact | None = None


@contract
class AgendaApproved(_MeetingEvent):
    event_type: ClassVar[str] = "agenda-approved"
    summary: ClassVar[str] = "The convener approved the agenda (召集人审定议程)."

    agenda_version: int
    topic_ids: tuple[uuid.UUID, ...]
    approved_by: uuid.UUID
    office: UnitOwing | None = None


@contract
class AgendaReturned(_MeetingEvent):
    event_type: ClassVar[str] = "agenda-returned"
    summary: ClassVar[str] = "The convener returned the draft agenda with comments (退回修改)."

    agenda_version: int
    comments: str
    returned_by: uuid.UUID
    office: UnitOwing | None = None


@contract
class AgendaCirculated(_MeetingEvent):
    event_type: ClassVar[str] = "agenda-circulated"
    summary: ClassVar[str] = (
        "The approved agenda went to the member units and the departments concerned (印发议程), "
        "with the paths of its JSON and docx forms."
    )

    agenda_version: int
    topic_ids: tuple[uuid.UUID, ...]
    agenda_path: str
    document_path: str
    units: tuple[UnitOwing, ...]


@contract
class MeetingUpcoming(_MeetingEvent):
    event_type: ClassVar[str] = "meeting-upcoming"
    summary: ClassVar[str] = "The meeting is tomorrow (明日召开会议); told to every unit expected to attend."

    units: tuple[UnitOwing, ...]
    convener: UnitContact | None = None


class _ResolutionEvent(_MeetingEvent):
    resolution_id: uuid.UUID
    number: int
    text: str
    due_on: date


@contract
class ResolutionRecorded(_ResolutionEvent):
    event_type: ClassVar[str] = "resolution-recorded"
    summary: ClassVar[str] = "The meeting recorded a resolution (议定事项) with a lead unit and a due date."

    lead_unit_id: uuid.UUID
    supporting_unit_ids: tuple[uuid.UUID, ...]
    project_ids: tuple[uuid.UUID, ...] = ()
    topic_ids: tuple[uuid.UUID, ...] = ()
    units: tuple[UnitOwing, ...]


@contract
class ResolutionDue(_ResolutionEvent):
    event_type: ClassVar[str] = "resolution-due"
    summary: ClassVar[str] = (
        "A resolution is due in 3 days or today (议定事项到期提醒); names units still owing feedback."
    )

    days_left: int
    units: tuple[UnitOwing, ...]


@contract
class ResolutionOverdue(_ResolutionEvent):
    event_type: ClassVar[str] = "resolution-overdue"
    summary: ClassVar[str] = (
        "A resolution is past its due date and not closed (议定事项逾期); repeats every N days."
    )

    days_overdue: int
    units: tuple[UnitOwing, ...]


@contract
class ResolutionEscalated(_ResolutionEvent):
    event_type: ClassVar[str] = "resolution-escalated"
    summary: ClassVar[str] = (
        "An overdue resolution climbed the escalation ladder: reminder, urging (催办), "
        "supervision notice (督办), report to the convener."
    )

    step: int
    level: EscalationLevel
    days_overdue: int
    units: tuple[UnitOwing, ...]
    office: UnitOwing | None = None
    convener: UnitContact | None = None


@contract
class FeedbackSubmitted(_ResolutionEvent):
    event_type: ClassVar[str] = "feedback-submitted"
    summary: ClassVar[str] = (
        "A responsible unit submitted written feedback on a resolution (书面反馈); the office checks it."
    )

    feedback_id: uuid.UUID
    unit_id: uuid.UUID
    unit_name: str
    status: FeedbackStatus
    reason: str | None = None
    office: UnitOwing | None = None


@contract
class ResolutionClosed(_ResolutionEvent):
    event_type: ClassVar[str] = "resolution-closed"
    summary: ClassVar[str] = "The office verified a resolution as carried out and closed it (核验办结)."

    closed_at: datetime
    on_time: bool
    units: tuple[UnitOwing, ...]
    # what the closing feedback reported, and the ledger obstacles the resolution's topics took up
    outcome: FeedbackStatus | None = None
    obstacle_ids: tuple[uuid.UUID, ...] = ()
