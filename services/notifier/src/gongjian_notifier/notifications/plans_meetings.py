"""Plans for the joint meeting's events (meetings-api): deadlines D-10, D-7, D-3, D-1, resolutions."""

from __future__ import annotations

from gongjian_notifier.notifications import links
from gongjian_notifier.notifications.catalogue import Audience, Plan, office, owing, person, planner
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


@planner(MeetingScheduled.event_type)
def meeting_scheduled(event: MeetingScheduled) -> Plan:
    return Plan(
        "meeting-scheduled",
        "normal",
        False,
        _meeting_link(event),
        tuple(owing(u) for u in event.units),
        event.model_dump(exclude={"units", "office"}),
    )


@planner(MeetingRescheduled.event_type)
def meeting_rescheduled(event: MeetingRescheduled) -> Plan:
    return Plan(
        "meeting-rescheduled",
        "normal",
        False,
        _meeting_link(event),
        (*(owing(u) for u in event.units), office(event.office)),
        event.model_dump(exclude={"units", "office"}),
    )


@planner(MeetingCancelled.event_type)
def meeting_cancelled(event: MeetingCancelled) -> Plan:
    return Plan(
        "meeting-cancelled",
        "urgent",
        False,
        _meeting_link(event),
        (*(owing(u) for u in event.units), office(event.office)),
        event.model_dump(exclude={"units", "office"}),
    )


@planner(TopicSubmissionClosing.event_type)
def topic_submission_closing(event: TopicSubmissionClosing) -> Plan:
    return Plan(
        "topic-submission-closing",
        "urgent" if event.days_left <= 1 else "normal",
        True,
        links.MEETING_TOPICS.format(meeting_id=event.meeting.meeting_id),
        tuple(owing(u) for u in event.units),
        event.model_dump(exclude={"units"}),
    )


@planner(TopicSubmitted.event_type)
def topic_submitted(event: TopicSubmitted) -> Plan:
    return Plan(
        "topic-submitted",
        "low",
        False,
        links.TOPIC.format(topic_id=event.topic_id),
        (office(event.office),),
        event.model_dump(exclude={"office"}),
    )


@planner(TopicSubmissionClosed.event_type)
def topic_submission_closed(event: TopicSubmissionClosed) -> Plan:
    return Plan(
        "topic-submission-closed",
        "normal",
        True,
        links.MEETING_AGENDA.format(meeting_id=event.meeting.meeting_id),
        (office(),),
        event.model_dump(exclude={"units"}) | {"units_without_topics": len(event.units_without_topics)},
    )


@planner(AgendaReviewDue.event_type)
def agenda_review_due(event: AgendaReviewDue) -> Plan:
    audiences: tuple[Audience, ...]
    if event.stage == "approval" and event.convener is not None:
        audiences = (convener_of(event.convener),)
    else:
        audiences = (office(*event.units),)
    return Plan(
        "agenda-review-due",
        "normal",
        True,
        links.MEETING_AGENDA.format(meeting_id=event.meeting.meeting_id),
        audiences,
        event.model_dump(exclude={"units", "convener"}),
    )


@planner(AgendaApproved.event_type)
def agenda_approved(event: AgendaApproved) -> Plan:
    return Plan(
        "agenda-approved",
        "normal",
        False,
        links.MEETING_AGENDA.format(meeting_id=event.meeting.meeting_id),
        (office(event.office),),
        event.model_dump(exclude={"office"}),
    )


@planner(AgendaReturned.event_type)
def agenda_returned(event: AgendaReturned) -> Plan:
    return Plan(
        "agenda-returned",
        "normal",
        True,
        links.MEETING_AGENDA.format(meeting_id=event.meeting.meeting_id),
        (office(event.office),),
        event.model_dump(exclude={"office"}),
    )


@planner(AgendaCirculated.event_type)
def agenda_circulated(event: AgendaCirculated) -> Plan:
    return Plan(
        "agenda-circulated",
        "normal",
        True,
        links.MEETING_AGENDA.format(meeting_id=event.meeting.meeting_id),
        tuple(owing(u) for u in event.units),
        event.model_dump(exclude={"units"}),
    )


@planner(MeetingUpcoming.event_type)
def meeting_upcoming(event: MeetingUpcoming) -> Plan:
    convener = (convener_of(event.convener),) if event.convener is not None else ()
    return Plan(
        "meeting-upcoming",
        "urgent",
        False,
        _meeting_link(event),
        (*(owing(u) for u in event.units), *convener),
        event.model_dump(exclude={"units", "convener"}),
    )


def _resolution_link(event: ResolutionRecorded | ResolutionDue | ResolutionOverdue) -> str:
    return links.RESOLUTION.format(resolution_id=event.resolution_id)


@planner(ResolutionRecorded.event_type)
def resolution_recorded(event: ResolutionRecorded) -> Plan:
    return Plan(
        "resolution-recorded",
        "normal",
        True,
        _resolution_link(event),
        tuple(owing(u) for u in event.units),
        event.model_dump(exclude={"units"}),
    )


@planner(ResolutionDue.event_type)
def resolution_due(event: ResolutionDue) -> Plan:
    return Plan(
        "resolution-due",
        "urgent" if event.days_left <= 0 else "normal",
        True,
        _resolution_link(event),
        tuple(owing(u) for u in event.units),
        event.model_dump(exclude={"units"}),
    )


@planner(ResolutionOverdue.event_type)
def resolution_overdue(event: ResolutionOverdue) -> Plan:
    return Plan(
        "resolution-overdue",
        "urgent",
        True,
        _resolution_link(event),
        tuple(owing(u) for u in event.units),
        event.model_dump(exclude={"units"}),
    )


@planner(ResolutionEscalated.event_type)
def resolution_escalated(event: ResolutionEscalated) -> Plan:
    at_convener = event.level == "convener-report" and event.convener is not None
    convener = (convener_of(event.convener),) if at_convener and event.convener else ()
    return Plan(
        "resolution-escalated",
        "urgent",
        True,
        links.RESOLUTION.format(resolution_id=event.resolution_id),
        (*(owing(u) for u in event.units), office(event.office), *convener),
        event.model_dump(exclude={"units", "office", "convener"}),
    )


@planner(FeedbackSubmitted.event_type)
def feedback_submitted(event: FeedbackSubmitted) -> Plan:
    return Plan(
        "feedback-submitted",
        "normal",
        False,
        links.RESOLUTION.format(resolution_id=event.resolution_id),
        (office(event.office),),
        event.model_dump(exclude={"office"}),
    )


@planner(ResolutionClosed.event_type)
def resolution_closed(event: ResolutionClosed) -> Plan:
    return Plan(
        "resolution-closed",
        "low",
        False,
        links.RESOLUTION.format(resolution_id=event.resolution_id),
        tuple(owing(u) for u in event.units),
        event.model_dump(exclude={"units"}),
    )
