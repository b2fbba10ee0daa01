"""Resolutions (议定事项) and their follow-up: written feedback, the office's check, the report."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from gongjian_meetings.access import NotTheMeetingOffice, body_filter, ensure_runs, reads_all, runs, writes
from gongjian_meetings.audit.service import Subject, publish_and_record, record
from gongjian_meetings.bodies.service import office_of
from gongjian_meetings.deadlines.service import cancel_for, plan_resolution
from gongjian_meetings.meetings.errors import InvalidTransition
from gongjian_meetings.meetings.rules import ESCALATION_LADDER
from gongjian_meetings.meetings.service import get_meeting, load, meeting_ref
from gongjian_meetings.members.repository import ReplicaRepository
from gongjian_meetings.members.service import owing
from gongjian_meetings.models import Feedback, Meeting, MeetingBody, Resolution
from gongjian_meetings.resolutions import errors
from gongjian_meetings.resolutions.repository import ResolutionRepository
from gongjian_meetings.resolutions.schemas import (
    EscalationOut,
    FeedbackCreate,
    FeedbackOut,
    FollowUpReport,
    ReportLine,
    ResolutionCreate,
    ResolutionDetail,
    ResolutionOut,
)
from gongjian_meetings.topics.repository import TopicRepository
from gongjian_shared.access import Scope
from gongjian_shared.auth import Principal, Role
from gongjian_shared.clock import SHANGHAI, Clock, business_today
from gongjian_shared.errors import Conflict, FieldError, RuleViolation, field_error
from gongjian_shared.events.meetings import FeedbackSubmitted, ResolutionClosed, ResolutionRecorded
from gongjian_shared.events.projects import UnitOwing
from gongjian_shared.pagination import Paging
from gongjian_shared.uow import UnitOfWork


def responsible(resolution: Resolution) -> list[uuid.UUID]:
    return list(dict.fromkeys([resolution.lead_unit_id, *resolution.supporting_unit_ids]))


def may_see(scope: Scope, body: MeetingBody, resolution: Resolution) -> bool:
    """The office running the body and conveners see every resolution; a unit those it is responsible for."""
    unit_id = scope.principal.unit_id
    return (
        runs(scope, body) or reads_all(scope) or (unit_id is not None and unit_id in responsible(resolution))
    )


def sees_all_of(scope: Scope, body: MeetingBody) -> bool:
    return runs(scope, body) or reads_all(scope)


def still_owing(resolution: Resolution, feedback: Sequence[Feedback]) -> list[uuid.UUID]:
    """Responsible units with no standing report of completion (a returned report does not count)."""
    reported = {f.unit_id for f in feedback if f.status != "in-progress" and f.review != "returned"}
    return [unit_id for unit_id in responsible(resolution) if unit_id not in reported]


async def owing_units(
    uow: UnitOfWork, resolution: Resolution, unit_ids: Sequence[uuid.UUID]
) -> tuple[UnitOwing, ...]:
    rows = await ReplicaRepository(uow.session).many(unit_ids)
    return tuple(owing(row, resolution.project_ids) for row in rows)


async def get_resolution(
    uow: UnitOfWork, scope: Scope, resolution_id: uuid.UUID, *, for_update: bool = False
) -> tuple[Resolution, MeetingBody]:
    """The resolution and its body if the caller may see it (else 404, as for a missing id)."""
    found = await ResolutionRepository(uow.session).get_with_body(resolution_id, for_update=for_update)
    if found is None or not may_see(scope, found[1], found[0]):
        raise errors.ResolutionNotFound(f"No resolution {resolution_id} that you may see.")
    return found


async def detail(uow: UnitOfWork, resolution: Resolution) -> ResolutionDetail:
    """The resolution with its feedback and escalation steps."""
    repository = ResolutionRepository(uow.session)
    feedback = (await repository.feedback([resolution.id]))[resolution.id]
    return ResolutionDetail(
        **ResolutionOut.model_validate(resolution, from_attributes=True).model_dump(),
        feedback=[FeedbackOut.model_validate(f) for f in feedback],
        escalations=[EscalationOut.model_validate(e) for e in await repository.escalations(resolution.id)],
    )


async def get_detail(uow: UnitOfWork, scope: Scope, resolution_id: uuid.UUID) -> ResolutionDetail:
    resolution, _ = await get_resolution(uow, scope, resolution_id)
    return await detail(uow, resolution)


async def of_meeting(uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID) -> Sequence[Resolution]:
    """The meeting's resolutions: all for the office running it and conveners, a unit's own for a unit."""
    _, body = await load(uow, scope, meeting_id)
    repository = ResolutionRepository(uow.session)
    if sees_all_of(scope, body):
        return await repository.for_meeting(meeting_id)
    if scope.principal.unit_id is None:
        return []
    return await repository.for_meeting(meeting_id, unit_id=scope.principal.unit_id)


async def list_resolutions(
    uow: UnitOfWork, scope: Scope, *, status: str | None, paging: Paging
) -> tuple[Sequence[Resolution], int]:
    """Every one for the office and conveners; those of the meetings a county's unit-admin runs; a unit's
    own; and how many match."""
    bodies = body_filter(scope)
    return await ResolutionRepository(uow.session).page_for_unit(
        scope.principal.unit_id,
        status=status,
        every=reads_all(scope),
        run_unit_ids=bodies.run_unit_ids if bodies is not None else (),
        paging=paging,
    )


def check_due_after_meeting(meeting: Meeting, due_on: date) -> None:
    if due_on <= meeting.held_on:
        raise Conflict(
            f"The due date {due_on} is not after the meeting ({meeting.held_on}).",
            errors=[
                field_error(
                    "due_on",
                    "after-meeting",
                    "Due date must be after the meeting day",
                    "完成时限须晚于会议日期",
                )
            ],
        )


async def _unknown_units(uow: UnitOfWork, command: ResolutionCreate) -> list[FieldError]:
    named = [("lead_unit_id", command.lead_unit_id)] + [
        (f"supporting_unit_ids.{i}", u) for i, u in enumerate(command.supporting_unit_ids)
    ]
    known = {row["unit_id"] for row in await ReplicaRepository(uow.session).many(u for _, u in named)}
    return [
        field_error(name, "known-unit", f"No unit {unit_id}", "单位不存在")
        for name, unit_id in named
        if unit_id not in known
    ]


def _lead_also_supporting(command: ResolutionCreate) -> list[FieldError]:
    if command.lead_unit_id not in command.supporting_unit_ids:
        return []
    return [
        field_error(
            "supporting_unit_ids",
            "not-lead",
            "The lead unit is not also supporting",
            "牵头单位不能同时为配合单位",
        )
    ]


async def _foreign_topics(uow: UnitOfWork, meeting: Meeting, command: ResolutionCreate) -> list[FieldError]:
    meeting_topics = {t.id for t in await TopicRepository(uow.session).for_meeting(meeting.id)}
    return [
        field_error(f"topic_ids.{i}", "meeting-topic", "Not a topic of this meeting", "不是本次会议的议题")
        for i, t in enumerate(command.topic_ids)
        if t not in meeting_topics
    ]


async def check_units_and_topics(uow: UnitOfWork, meeting: Meeting, command: ResolutionCreate) -> None:
    """Known units, a lead that is not also supporting, and topics of this meeting (422 naming each)."""
    problems = await _unknown_units(uow, command)
    problems += _lead_also_supporting(command)
    problems += await _foreign_topics(uow, meeting, command)
    if problems:
        raise RuleViolation(errors=problems)


async def record_resolution(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID, command: ResolutionCreate
) -> Resolution:
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    if meeting.state != "held":
        raise InvalidTransition(meeting.state, "record a resolution")
    check_due_after_meeting(meeting, command.due_on)
    await check_units_and_topics(uow, meeting, command)
    repository = ResolutionRepository(uow.session)
    resolution = Resolution(
        id=uuid.uuid4(),
        meeting_id=meeting.id,
        number=await repository.next_number(meeting.id),
        text=command.text,
        lead_unit_id=command.lead_unit_id,
        supporting_unit_ids=list(command.supporting_unit_ids),
        due_on=command.due_on,
        project_ids=list(command.project_ids),
        topic_ids=list(command.topic_ids),
        status="open",
        escalation_step=0,
        created_by=scope.principal.user_id,
        created_at=uow.clock.now(),
    )
    repository.add(resolution)
    await repository.flush()
    await plan_resolution(uow, meeting.id, resolution.id, resolution.due_on, body, uow.clock.now())
    await publish_and_record(
        uow,
        ResolutionRecorded(
            meeting=meeting_ref(meeting, body),
            resolution_id=resolution.id,
            number=resolution.number,
            text=resolution.text,
            due_on=resolution.due_on,
            lead_unit_id=resolution.lead_unit_id,
            supporting_unit_ids=tuple(resolution.supporting_unit_ids),
            project_ids=tuple(resolution.project_ids),
            topic_ids=tuple(resolution.topic_ids),
            units=await owing_units(uow, resolution, responsible(resolution)),
        ),
        scope.principal,
        "resolution-recorded",
        Subject.resolution(resolution),
        {"number": resolution.number, "due_on": resolution.due_on.isoformat()},
    )
    return resolution


def check_responsible(scope: Scope, body: MeetingBody, resolution: Resolution) -> uuid.UUID:
    """The caller's unit, if it is responsible for the resolution and the caller may write for it."""
    unit_id, units = scope.principal.unit_id, responsible(resolution)
    if unit_id is None or unit_id not in units or not writes(scope, body, unit_id=unit_id, helping=units):
        raise errors.NotResponsible(
            errors=[
                field_error(
                    "unit_id",
                    "responsible-unit",
                    "Your unit is not responsible for it",
                    "本单位不是该事项的责任单位",
                )
            ]
        )
    return unit_id


async def submit_feedback(
    uow: UnitOfWork, scope: Scope, resolution_id: uuid.UUID, command: FeedbackCreate
) -> Feedback:
    principal = scope.principal
    resolution, body = await get_resolution(uow, scope, resolution_id, for_update=True)
    unit_id = check_responsible(scope, body, resolution)
    if resolution.status == "closed":
        raise errors.ResolutionClosed(f"Resolution {resolution.number} was closed.", extra={"allowed": []})
    feedback = Feedback(
        id=uuid.uuid4(),
        resolution_id=resolution.id,
        unit_id=unit_id,
        text=command.text,
        attachments=[a.model_dump(mode="json") for a in command.attachments],
        status=command.status,
        reason=command.reason,
        review="pending",
        submitted_by=principal.user_id,
        submitted_at=uow.clock.now(),
    )
    repository = ResolutionRepository(uow.session)
    repository.add(feedback)
    await repository.flush()
    meeting = await get_meeting(uow, resolution.meeting_id)
    unit = await ReplicaRepository(uow.session).get(unit_id)
    await publish_and_record(
        uow,
        FeedbackSubmitted(
            meeting=meeting_ref(meeting, body),
            resolution_id=resolution.id,
            number=resolution.number,
            text=resolution.text,
            due_on=resolution.due_on,
            feedback_id=feedback.id,
            unit_id=unit_id,
            unit_name=str(unit["name"]) if unit else "",
            status=command.status,
            reason=command.reason,
            office=await office_of(uow, body),
        ),
        principal,
        "feedback-submitted",
        Subject.resolution(resolution),
        {"feedback_id": str(feedback.id), "status": command.status},
    )
    return feedback


async def review_feedback(
    uow: UnitOfWork,
    scope: Scope,
    resolution_id: uuid.UUID,
    feedback_id: uuid.UUID,
    decision: str,
    comment: str | None,
) -> Resolution:
    """Accepting a report of completion (or of impossibility, with its reason) closes the resolution."""
    principal = scope.principal
    repository = ResolutionRepository(uow.session)
    resolution, body = await get_resolution(uow, scope, resolution_id, for_update=True)
    ensure_runs(scope, body)
    feedback = await repository.get_feedback(feedback_id, for_update=True)
    if feedback is None or feedback.resolution_id != resolution.id:
        raise errors.FeedbackNotFound(f"No feedback {feedback_id} on resolution {resolution.number}.")
    if feedback.review != "pending":
        raise errors.FeedbackReviewed(f"The feedback was {feedback.review}.", extra={"allowed": ["pending"]})
    if resolution.status == "closed":
        raise errors.ResolutionClosed(f"Resolution {resolution.number} was closed.")
    feedback.review = "accepted" if decision == "accept" else "returned"
    feedback.review_comment, feedback.reviewed_by, feedback.reviewed_at = (
        comment,
        principal.user_id,
        uow.clock.now(),
    )
    record(
        uow,
        principal,
        f"feedback-{feedback.review}",
        Subject.resolution(resolution),
        {"feedback_id": str(feedback.id), "comment": comment},
    )
    if decision == "accept" and feedback.status != "in-progress":
        await _close(uow, principal, resolution, body, feedback)
    return resolution


async def _close(
    uow: UnitOfWork, principal: Principal, resolution: Resolution, body: MeetingBody, feedback: Feedback
) -> None:
    now = uow.clock.now()
    resolution.status, resolution.outcome = "closed", feedback.status
    resolution.done_on = feedback.submitted_at.astimezone(SHANGHAI).date()
    resolution.closed_at = now
    await cancel_for(uow, resolution.id, now)
    meeting = await get_meeting(uow, resolution.meeting_id)
    await publish_and_record(
        uow,
        ResolutionClosed(
            meeting=meeting_ref(meeting, body),
            resolution_id=resolution.id,
            number=resolution.number,
            text=resolution.text,
            due_on=resolution.due_on,
            closed_at=now,
            on_time=resolution.done_on <= resolution.due_on,
            units=await owing_units(uow, resolution, responsible(resolution)),
            outcome=feedback.status,
            obstacle_ids=await TopicRepository(uow.session).obstacle_ids(resolution.topic_ids),
        ),
        principal,
        "resolution-closed",
        Subject.resolution(resolution),
        {"outcome": feedback.status, "done_on": resolution.done_on.isoformat()},
    )


def days_overdue(resolution: Resolution, clock: Clock) -> int:
    if resolution.status == "closed":
        return 0
    return max(0, (business_today(clock) - resolution.due_on).days)


async def follow_up_report(uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID) -> FollowUpReport:
    """Done, done on time, done late, open and overdue: the office's report to the convener (督办报告)."""
    clock = uow.clock
    meeting, body = await load(uow, scope, meeting_id)
    if not (runs(scope, body) or scope.principal.has(Role.CONVENER)):
        raise NotTheMeetingOffice("The follow-up report is for the office running the meeting and conveners.")
    resolutions = await ResolutionRepository(uow.session).for_meeting(meeting.id)
    lines = [
        ReportLine(
            number=r.number,
            resolution_id=r.id,
            text=r.text,
            lead_unit_id=r.lead_unit_id,
            due_on=r.due_on,
            status=r.status,
            outcome=r.outcome,
            done_on=r.done_on,
            on_time=(r.done_on <= r.due_on) if r.done_on else None,
            days_overdue=days_overdue(r, clock),
            escalation_level=ESCALATION_LADDER[r.escalation_step - 1] if r.escalation_step else None,
        )
        for r in resolutions
    ]
    return FollowUpReport(
        meeting_id=meeting.id,
        as_of=business_today(clock),
        total=len(lines),
        done=sum(line.status == "closed" for line in lines),
        done_on_time=sum(line.on_time is True for line in lines),
        done_late=sum(line.on_time is False for line in lines),
        open=sum(line.status == "open" for line in lines),
        open_overdue=sum(line.status == "open" and line.days_overdue > 0 for line in lines),
        lines=lines,
    )
