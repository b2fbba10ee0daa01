"""The catalogue: which events people hear of, and the planner that says who and how.

One table keyed by payload class. The consumer of the `notifications` group handles exactly these payloads
(`notifications/handlers.py`); an event not in the table is not consumed.
"""

from __future__ import annotations

from collections.abc import Mapping

from gongjian_notifier.notifications.audiences import NotificationPlan, Planner
from gongjian_notifier.notifications.planners import meetings, projects, starts
from gongjian_shared.events.envelope import EventPayload
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
from gongjian_shared.events.projects import (
    LeaderMonthlyDigest,
    ObstacleEscalated,
    ProgressReportDue,
    ProgressReportLate,
    ProgressReportReturned,
    ProjectBehindSchedule,
    ProjectRemovedFromPlan,
    RecognitionApplied,
    RecognitionDecided,
)
from gongjian_shared.events.starts import ConcentratedStartAnswered, ConcentratedStartDeclared

PLANNERS: Mapping[type[EventPayload], Planner] = {
    # projects-api: monthly reports, early warnings, recognitions and the leaders' digests
    ProgressReportDue: projects.progress_report_due,
    ProgressReportLate: projects.progress_report_late,
    ProgressReportReturned: projects.progress_report_returned,
    ProjectBehindSchedule: projects.project_behind_schedule,
    ProjectRemovedFromPlan: projects.project_removed_from_plan,
    ObstacleEscalated: projects.obstacle_escalated,
    RecognitionApplied: projects.recognition_applied,
    RecognitionDecided: projects.recognition_decided,
    LeaderMonthlyDigest: projects.leader_monthly_digest,
    # projects-api: the quarterly concentrated starts (集中开工), declared to the units, answered to the office
    ConcentratedStartDeclared: starts.concentrated_start_declared,
    ConcentratedStartAnswered: starts.concentrated_start_answered,
    # meetings-api: the joint meeting, its topics, agenda and resolutions
    MeetingScheduled: meetings.meeting_scheduled,
    MeetingRescheduled: meetings.meeting_rescheduled,
    MeetingCancelled: meetings.meeting_cancelled,
    TopicSubmissionClosing: meetings.topic_submission_closing,
    TopicSubmitted: meetings.topic_submitted,
    TopicSubmissionClosed: meetings.topic_submission_closed,
    AgendaReviewDue: meetings.agenda_review_due,
    AgendaApproved: meetings.agenda_approved,
    AgendaReturned: meetings.agenda_returned,
    AgendaCirculated: meetings.agenda_circulated,
    MeetingUpcoming: meetings.meeting_upcoming,
    ResolutionRecorded: meetings.resolution_recorded,
    ResolutionDue: meetings.resolution_due,
    ResolutionOverdue: meetings.resolution_overdue,
    ResolutionEscalated: meetings.resolution_escalated,
    FeedbackSubmitted: meetings.feedback_submitted,
    ResolutionClosed: meetings.resolution_closed,
}


def plan_for(payload: EventPayload) -> NotificationPlan | None:
    """The plan for an event's payload, or None for an event nobody needs to hear of."""
    planner = PLANNERS.get(type(payload))
    return planner(payload) if planner is not None else None
