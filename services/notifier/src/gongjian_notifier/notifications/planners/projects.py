"""Planners of the registry's events (projects-api): monthly reports and early warnings."""

from __future__ import annotations

from gongjian_notifier.notifications import links
from gongjian_notifier.notifications.audiences import Audience, NotificationPlan, leaders, office, owing
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


def progress_report_due(event: ProgressReportDue) -> NotificationPlan:
    return NotificationPlan(
        template="progress-report-due",
        urgency="normal",
        needs_ack=True,
        link_path=links.PROGRESS_MONTH.format(year=event.year, month=event.month),
        audiences=tuple(owing(unit) for unit in event.units),
        context=event.model_dump(exclude={"units"}),
    )


def progress_report_late(event: ProgressReportLate) -> NotificationPlan:
    return NotificationPlan(
        template="progress-report-late",
        urgency="low",
        needs_ack=False,
        link_path=links.PROGRESS_REPORT.format(report_id=event.report_id),
        audiences=(Audience(unit_id=event.unit_id),),
        context=event.model_dump(),
    )


def progress_report_returned(event: ProgressReportReturned) -> NotificationPlan:
    return NotificationPlan(
        template="progress-report-returned",
        urgency="normal",
        needs_ack=True,
        link_path=links.PROGRESS_REPORT.format(report_id=event.report_id),
        audiences=(Audience(unit_id=event.unit_id),),
        context=event.model_dump(),
    )


def project_behind_schedule(event: ProjectBehindSchedule) -> NotificationPlan:
    return NotificationPlan(
        template="project-behind-schedule",
        urgency="normal",
        needs_ack=True,
        link_path=links.PROJECT.format(project_id=event.project_id),
        audiences=(
            Audience(unit_id=event.unit_id, leader_ids=event.leader_ids),
            # the project's leaders hear of a red project at once (领导包抓), not only when the unit is silent
            *((leaders(event.leader_ids),) if event.leader_ids else ()),
        ),
        context=event.model_dump(),
    )


def project_removed_from_plan(event: ProjectRemovedFromPlan) -> NotificationPlan:
    return NotificationPlan(
        template="project-removed-from-plan",
        urgency="normal",
        needs_ack=False,
        link_path=links.PROJECT.format(project_id=event.project_id),
        audiences=(Audience(unit_id=event.unit_id),),
        context=event.model_dump(),
    )


def obstacle_escalated(event: ObstacleEscalated) -> NotificationPlan:
    return NotificationPlan(
        template="obstacle-escalated",
        urgency="low",
        needs_ack=False,
        link_path=links.OBSTACLE.format(obstacle_id=event.obstacle_id),
        audiences=(office(),),
        context=event.model_dump(),
    )


def recognition_applied(event: RecognitionApplied) -> NotificationPlan:
    """The office's queue has a new application to decide (认定待办)."""
    return NotificationPlan(
        template="recognition-applied",
        urgency="normal",
        needs_ack=False,
        link_path=links.RECOGNITION_QUEUE,
        audiences=(office(),),
        context=event.model_dump(),
    )


def recognition_decided(event: RecognitionDecided) -> NotificationPlan:
    """The applying unit hears whether its start or completion was recognised."""
    return NotificationPlan(
        template="recognition-decided",
        urgency="normal",
        needs_ack=False,
        link_path=links.PROJECT_RECOGNITIONS.format(project_id=event.project_id),
        audiences=(Audience(unit_id=event.unit_id),),
        context=event.model_dump(),
    )


def leader_monthly_digest(event: LeaderMonthlyDigest) -> NotificationPlan:
    """A leader's monthly digest of their projects (包抓项目月报), to the leader alone."""
    return NotificationPlan(
        template="leader-monthly-digest",
        urgency="normal",
        needs_ack=False,
        link_path=links.LEADER_PROJECTS.format(leader_id=event.leader_id, year=event.year),
        audiences=(leaders((event.leader_id,)),),
        context=event.model_dump(),
    )
