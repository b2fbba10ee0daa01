"""Planners of the joint meeting's events (meetings-api): deadlines D-10, D-7, D-3, D-1, resolutions."""

from __future__ import annotations

from gongjian_notifier.notifications import links
from gongjian_notifier.notifications.audiences import Audience, NotificationPlan, office, owing, person
from gongjian_shared.auth import Role
from gongjian_shared.events.meetings import (
    AgendaApproved,
    AgendaCirculated,
    AgendaReturned,
    AgendaReviewDue,
    FeedbackSubmitted,
    MeetingCancelled,
    MeetingRescheduled,
    MeetingScheduled,
    MeetingUpcoming,
    ResolutionClosed,
    ResolutionDue,
    ResolutionEscalated,
    ResolutionOverdue,
    ResolutionRecorded,
    TopicSubmissionClosed,
    TopicSubmissionClosing,
    TopicSubmitted,
)
from gongjian_shared.events.projects import UnitContact

CONVENER = "召集人"


def convener_of(contact: UnitContact) -> Audience:
    """The meeting body's convener: the account it names, else the accounts holding the convener role."""
    return person(contact, CONVENER, account_role=Role.CONVENER.value)


def _meeting_link(event: MeetingScheduled | MeetingUpcoming | MeetingRescheduled | MeetingCancelled) -> str:
    return links.MEETING.format(meeting_id=event.meeting.meeting_id)


def meeting_scheduled(event: MeetingScheduled) -> NotificationPlan:
    return NotificationPlan(
        "meeting-scheduled",
        "normal",
        False,
        _meeting_link(event),
        tuple(owing(u) for u in event.units),
        event.model_dump(exclude={"units", "office"}),
    )


def meeting_rescheduled(event: MeetingRescheduled) -> NotificationPlan:
    return NotificationPlan(
        "meeting-rescheduled",
        "normal",
        False,
        _meeting_link(event),
        (*(owing(u) for u in event.units), office(event.office)),
        event.model_dump(exclude={"units", "office"}),
    )


def meeting_cancelled(event: MeetingCancelled) -> NotificationPlan:
    return NotificationPlan(
        "meeting-cancelled",
        "urgent",
        False,
        _meeting_link(event),
        (*(owing(u) for u in event.units), office(event.office)),
        event.model_dump(exclude={"units", "office"}),
    )


def topic_submission_closing(event: TopicSubmissionClosing) -> NotificationPlan:
    return NotificationPlan(
        "topic-submission-closing",
        "urgent" if event.days_left <= 1 else "normal",
        True,
        links.MEETING_TOPICS.format(meeting_id=event.meeting.meeting_id),
        tuple(owing(u) for u in event.units),
        event.model_dump(exclude={"units"}),
    )


def topic_submitted(event: TopicSubmitted) -> NotificationPlan:
    return NotificationPlan(
        "topic-submitted",
        "low",
        False,
        links.TOPIC.format(topic_id=event.topic_id),
        (office(event.office),),
        event.model_dump(exclude={"office"}),
    )


def topic_submission_closed(event: TopicSubmissionClosed) -> NotificationPlan:
    return NotificationPlan(
        "topic-submission-closed",
        "normal",
        True,
        links.MEETING_AGENDA.format(meeting_id=event.meeting.meeting_id),
        (office(),),
        event.model_dump(exclude={"units"}) | {"units_without_topics": len(event.units_without_topics)},
    )


def agenda_review_due(event: AgendaReviewDue) -> NotificationPlan:
    audiences: tuple[Audience, ...]
    if event.stage == "approval" and event.convener is not None:
        audiences = (convener_of(event.convener),)
    else:
        audiences = (office(*event.units),)
    return NotificationPlan(
        "agenda-review-due",
        "normal",
        True,
        links.MEETING_AGENDA.format(meeting_id=event.meeting.meeting_id),
        audiences,
        event.model_dump(exclude={"units", "convener"}),
    )


def agenda_approved(event: AgendaApproved) -> NotificationPlan:
    return NotificationPlan(
        "agenda-approved",
        "normal",
        False,
        links.MEETING_AGENDA.format(meeting_id=event.meeting.meeting_id),
        (office(event.office),),
        event.model_dump(exclude={"office"}),
    )


def agenda_returned(event: AgendaReturned) -> NotificationPlan:
    return NotificationPlan(
        "agenda-returned",
        "normal",
        True,
        links.MEETING_AGENDA.format(meeting_id=event.meeting.meeting_id),
        (office(event.office),),
        event.model_dump(exclude={"office"}),
    )


def agenda_circulated(event: AgendaCirculated) -> NotificationPlan:
    return NotificationPlan(
        "agenda-circulated",
        "normal",
        True,
        links.MEETING_AGENDA.format(meeting_id=event.meeting.meeting_id),
        tuple(owing(u) for u in event.units),
        event.model_dump(exclude={"units"}),
    )


def meeting_upcoming(event: MeetingUpcoming) -> NotificationPlan:
    convener = (convener_of(event.convener),) if event.convener is not None else ()
    return NotificationPlan(
        "meeting-upcoming",
        "urgent",
        False,
        _meeting_link(event),
        (*(owing(u) for u in event.units), *convener),
        event.model_dump(exclude={"units", "convener"}),
    )


def _resolution_link(event: ResolutionRecorded | ResolutionDue | ResolutionOverdue) -> str:
    return links.RESOLUTION.format(resolution_id=event.resolution_id)


def resolution_recorded(event: ResolutionRecorded) -> NotificationPlan:
    return NotificationPlan(
        "resolution-recorded",
        "normal",
        True,
        _resolution_link(event),
        tuple(owing(u) for u in event.units),
        event.model_dump(exclude={"units"}),
    )


def resolution_due(event: ResolutionDue) -> NotificationPlan:
    return NotificationPlan(
        "resolution-due",
        "urgent" if event.days_left <= 0 else "normal",
        True,
        _resolution_link(event),
        tuple(owing(u) for u in event.units),
        event.model_dump(exclude={"units"}),
    )


def resolution_overdue(event: ResolutionOverdue) -> NotificationPlan:
    return NotificationPlan(
        "resolution-overdue",
        "urgent",
        True,
        _resolution_link(event),
        tuple(owing(u) for u in event.units),
        event.model_dump(exclude={"units"}),
    )


def resolution_escalated(event: ResolutionEscalated) -> NotificationPlan:
    at_convener = event.level == "convener-report" and event.convener is not None
    convener = (convener_of(event.convener),) if at_convener and event.convener else ()
    return NotificationPlan(
        "resolution-escalated",
        "urgent",
        True,
        links.RESOLUTION.format(resolution_id=event.resolution_id),
        (*(owing(u) for u in event.units), office(event.office), *convener),
        event.model_dump(exclude={"units", "office", "convener"}),
    )


def feedback_submitted(event: FeedbackSubmitted) -> NotificationPlan:
    return NotificationPlan(
        "feedback-submitted",
        "normal",
        False,
        links.RESOLUTION.format(resolution_id=event.resolution_id),
        (office(event.office),),
        event.model_dump(exclude={"office"}),
    )


def resolution_closed(event: ResolutionClosed) -> NotificationPlan:
    return NotificationPlan(
        "resolution-closed",
        "low",
        False,
        links.RESOLUTION.format(resolution_id=event.resolution_id),
        tuple(owing(u) for u in event.units),
        event.model_dump(exclude={"units"}),
    )
