"""Topic collection (议题征集): opened by the office's notice or by the first topic, closed at the cut-off by the
scheduler or early by the office; the same step, event and record whoever takes it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from gongjian_meetings.audit.service import Subject, publish_and_record, record
from gongjian_meetings.bodies.service import members, office_of
from gongjian_meetings.meetings.service import load, meeting_ref, move
from gongjian_meetings.members.repository import ReplicaRow
from gongjian_meetings.models import Meeting, MeetingBody
from gongjian_meetings.topics.repository import TopicRepository
from gongjian_shared.access import Scope
from gongjian_shared.auth import Principal
from gongjian_shared.events.meetings import TopicSubmissionClosed
from gongjian_shared.events.projects import UnitOwing
from gongjian_shared.uow import UnitOfWork


async def open_topics(
    uow: UnitOfWork, actor: Principal | None, meeting: Meeting, trigger: str | None = None
) -> None:
    """Topic collection opens with the office's notice or with the first topic that comes in (`trigger`):
    the same step either way, recorded with who took it."""
    move(meeting, "collecting_topics", "open topic collection", uow.clock.now())
    record(
        uow,
        actor,
        "topic-collection-opened",
        Subject.meeting(meeting),
        {"trigger": trigger} if trigger else None,
    )


async def open_topic_collection(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID
) -> tuple[Meeting, MeetingBody]:
    """The office opens topic collection with its notice (开始征集议题); on a meeting already collecting
    (opened by the first topic, or by an earlier call) it succeeds again and changes nothing."""
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    if meeting.state != "collecting_topics":
        await open_topics(uow, scope.principal, meeting)
    return meeting, body


async def close_topic_submission(
    uow: UnitOfWork,
    actor: Principal | None,
    meeting: Meeting,
    body: MeetingBody,
    action: str,
    closed_at: datetime,
    member_rows: Sequence[ReplicaRow],
    office: UnitOwing | None,
) -> None:
    """Topics are in: the meeting moves to drafting its agenda and the office (which owes it) is told, with
    the count and the member units that sent nothing. At the cut-off (the scheduler) or early (the office)."""
    move(meeting, "drafting_agenda", action, uow.clock.now())
    topics = TopicRepository(uow.session)
    submitted = await topics.units_with_topics(meeting.id)
    count = len(await topics.for_meeting(meeting.id, statuses=("submitted",)))
    await publish_and_record(
        uow,
        TopicSubmissionClosed(
            meeting=meeting_ref(meeting, body),
            closed_at=closed_at,
            topics_submitted=count,
            units_without_topics=tuple(r["unit_id"] for r in member_rows if r["unit_id"] not in submitted),
            units=(office,) if office else (),
        ),
        actor,
        "topic-submission-closed",
        Subject.meeting(meeting),
        {"topics": count} | ({"early": True} if actor is not None else {}),
    )


async def close_topics_early(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID
) -> tuple[Meeting, MeetingBody]:
    """The office closes topic collection before the cut-off (提前截止议题征集): what the cut-off would do, now;
    the cut-off's own row then finds the meeting past collection and is skipped."""
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    member_rows, office = await members(uow, body), await office_of(uow, body)
    await close_topic_submission(
        uow,
        scope.principal,
        meeting,
        body,
        "close topic collection early",
        uow.clock.now(),
        member_rows,
        office,
    )
    return meeting, body
