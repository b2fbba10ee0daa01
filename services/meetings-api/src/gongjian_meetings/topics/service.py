"""Topics (议题): submission until the end of D-10, the office's late leave, edit, merge, reject, order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_meetings.audit.service import record
from gongjian_meetings.bodies.service import get_body, member_ids, office_of
from gongjian_meetings.deadlines.service import windows_of
from gongjian_meetings.meetings.rules import LATE_TOPIC_STATES, TOPIC_STATES, schedule
from gongjian_meetings.meetings.service import get_meeting, meeting_ref, open_topics
from gongjian_meetings.members.repository import ReplicaRepository
from gongjian_meetings.models import LateAcceptance, Meeting, MeetingBody, Topic
from gongjian_meetings.topics.errors import (
    NotAMember,
    SubmissionClosed,
    TopicNotChangeable,
    TopicNotFound,
    TopicsLocked,
)
from gongjian_meetings.topics.repository import TopicRepository
from gongjian_meetings.topics.schemas import TopicCreate, TopicOut, TopicUpdate
from gongjian_shared.auth import Principal, Role
from gongjian_shared.clock import Clock
from gongjian_shared.errors import Forbidden, RuleViolation, field_error
from gongjian_shared.events.meetings import TopicSubmitted
from gongjian_shared.outbox import Outbox


def to_out(topic: Topic) -> TopicOut:
    return TopicOut.model_validate(topic, from_attributes=True)


def may_see(principal: Principal, topic: Topic) -> bool:
    return principal.is_office or principal.has(Role.CONVENER) or principal.unit_id == topic.unit_id


async def get_topic(
    session: AsyncSession, principal: Principal, topic_id: uuid.UUID, *, for_update: bool = False
) -> Topic:
    topic = await TopicRepository(session).get(topic_id, for_update=for_update)
    if topic is None or not may_see(principal, topic):
        raise TopicNotFound(f"No topic {topic_id} that you may see.")
    return topic


async def list_topics(session: AsyncSession, principal: Principal, meeting_id: uuid.UUID) -> Sequence[Topic]:
    """The office and the convener see every topic; a unit sees its own (单位只看本单位议题)."""
    await get_meeting(session, meeting_id)
    if principal.is_office or principal.has(Role.CONVENER):
        return await TopicRepository(session).for_meeting(meeting_id)
    if principal.unit_id is None:
        return []
    return await TopicRepository(session).for_meeting(meeting_id, unit_id=principal.unit_id)


def _submitting_unit(principal: Principal, command: TopicCreate) -> tuple[uuid.UUID, str]:
    if command.unit_id is not None and command.unit_id != principal.unit_id:
        if not principal.is_office:
            raise Forbidden(
                errors=[
                    field_error(
                        "unit_id",
                        "own-unit",
                        "Only the office submits for another unit",
                        "只能以本单位名义报送",
                    )
                ]
            )
        return command.unit_id, "office"
    if principal.unit_id is None:
        raise Forbidden(
            errors=[field_error("unit_id", "required", "Say which unit the topic is for", "请指定报送单位")]
        )
    return principal.unit_id, "unit"


async def submit_topic(
    session: AsyncSession,
    outbox: Outbox,
    clock: Clock,
    principal: Principal,
    meeting_id: uuid.UUID,
    command: TopicCreate,
) -> Topic:
    meeting = await get_meeting(session, meeting_id, for_update=True)
    body = await get_body(session, meeting.body_id)
    unit_id, origin = _submitting_unit(principal, command)
    if unit_id not in await member_ids(session, body):
        raise NotAMember(
            f"Unit {unit_id} is not a member of {body.name}.",
            errors=[
                field_error("unit_id", "member-unit", "Not a member unit of this body", "不是本会议成员单位")
            ],
        )
    now = clock.now()
    closes_at = schedule(meeting.held_on, windows_of(meeting), body.reminder_hour).topics_close_at
    topics = TopicRepository(session)
    in_time = meeting.state in TOPIC_STATES and now < closes_at
    late = False
    if not in_time:
        with_leave = origin == "office" or await topics.late_acceptance(meeting.id, unit_id) is not None
        if meeting.state not in LATE_TOPIC_STATES or not with_leave:
            raise SubmissionClosed(
                f"Topic submission closed at {closes_at.isoformat()} (end of D-{meeting.topic_days}, Asia/Shanghai); "
                "ask the office to accept a late topic (议题报送已截止，逾期报送须经办公室同意).",
                extra={"deadline": closes_at.isoformat()},
            )
        late = True
    if meeting.state == "scheduled":
        await open_topics(session, clock, None, meeting)
    unit = await ReplicaRepository(session).get(unit_id)
    topic = Topic(
        id=uuid.uuid4(),
        meeting_id=meeting.id,
        unit_id=unit_id,
        unit_name=str(unit["name"]) if unit else "",
        category=command.category,
        title=command.title,
        description=command.description,
        proposed_solution=command.proposed_solution,
        project_ids=list(command.project_ids),
        attachments=[a.model_dump(mode="json") for a in command.attachments],
        status="submitted",
        origin=origin,
        late=late,
        submitted_by=principal.user_id,
        submitted_at=now,
        updated_at=now,
    )
    topics.add(topic)
    await topics.flush()
    await _announce(session, outbox, clock, principal, meeting, body, topic)
    return topic


async def _announce(
    session: AsyncSession,
    outbox: Outbox,
    clock: Clock,
    actor: Principal | None,
    meeting: Meeting,
    body: MeetingBody,
    topic: Topic,
) -> None:
    await outbox.publish(
        session,
        TopicSubmitted(
            meeting=meeting_ref(meeting, body),
            topic_id=topic.id,
            unit_id=topic.unit_id,
            unit_name=topic.unit_name,
            category=topic.category,
            title=topic.title,
            late=topic.late,
            origin=topic.origin,
            project_ids=tuple(topic.project_ids),
            office=await office_of(session, body),
        ),
        key=str(meeting.id),
    )
    record(
        session,
        clock,
        actor,
        "topic-submitted",
        subject_kind="topic",
        subject_id=topic.id,
        meeting_id=meeting.id,
        detail={"unit_id": str(topic.unit_id), "late": topic.late, "origin": topic.origin},
    )


async def grant_late(
    session: AsyncSession,
    clock: Clock,
    principal: Principal,
    meeting_id: uuid.UUID,
    unit_id: uuid.UUID,
    reason: str,
) -> LateAcceptance:
    meeting = await get_meeting(session, meeting_id, for_update=True)
    body = await get_body(session, meeting.body_id)
    if meeting.state not in LATE_TOPIC_STATES:
        raise TopicsLocked(f"The meeting is {meeting.state}.")
    if unit_id not in await member_ids(session, body):
        raise NotAMember(
            errors=[field_error("unit_id", "member-unit", "Not a member unit", "不是本会议成员单位")]
        )
    topics = TopicRepository(session)
    acceptance = await topics.late_acceptance(meeting.id, unit_id)
    if acceptance is None:
        acceptance = LateAcceptance(
            meeting_id=meeting.id,
            unit_id=unit_id,
            reason=reason,
            granted_by=principal.user_id,
            granted_at=clock.now(),
        )
        topics.add_late_acceptance(acceptance)
        await topics.flush()
    record(
        session,
        clock,
        principal,
        "late-topic-accepted",
        subject_kind="meeting",
        subject_id=meeting.id,
        meeting_id=meeting.id,
        detail={"unit_id": str(unit_id), "reason": reason},
    )
    return acceptance


async def _editable(
    session: AsyncSession, principal: Principal, topic_id: uuid.UUID
) -> tuple[Topic, Meeting]:
    topic = await get_topic(session, principal, topic_id, for_update=True)
    if topic.meeting_id is None or topic.status != "submitted":
        raise TopicNotChangeable(f"The topic is {topic.status}.", extra={"allowed": ["submitted"]})
    meeting = await get_meeting(session, topic.meeting_id, for_update=True)
    if meeting.state not in LATE_TOPIC_STATES:
        raise TopicsLocked(f"The meeting is {meeting.state}.")
    return topic, meeting


async def edit_topic(
    session: AsyncSession, clock: Clock, principal: Principal, topic_id: uuid.UUID, command: TopicUpdate
) -> Topic:
    topic, meeting = await _editable(session, principal, topic_id)
    changes = command.model_dump(exclude_unset=True)
    for key, value in changes.items():
        setattr(topic, key, value)
    topic.updated_at = clock.now()
    record(
        session,
        clock,
        principal,
        "topic-edited",
        subject_kind="topic",
        subject_id=topic.id,
        meeting_id=meeting.id,
        detail={"changed": sorted(changes)},
    )
    return topic


async def reject_topic(
    session: AsyncSession, clock: Clock, principal: Principal, topic_id: uuid.UUID, reason: str
) -> Topic:
    topic, meeting = await _editable(session, principal, topic_id)
    topic.status, topic.rejection_reason, topic.position = "rejected", reason, None
    topic.updated_at = clock.now()
    record(
        session,
        clock,
        principal,
        "topic-rejected",
        subject_kind="topic",
        subject_id=topic.id,
        meeting_id=meeting.id,
        detail={"reason": reason},
    )
    return topic


async def merge_topic(
    session: AsyncSession, clock: Clock, principal: Principal, topic_id: uuid.UUID, into_id: uuid.UUID
) -> Topic:
    topic, meeting = await _editable(session, principal, topic_id)
    target = await TopicRepository(session).get(into_id, for_update=True)
    if (
        target is None
        or target.meeting_id != meeting.id
        or target.status != "submitted"
        or target.id == topic.id
    ):
        raise RuleViolation(
            errors=[
                field_error(
                    "into_topic_id",
                    "same-meeting",
                    "Merge into another submitted topic of the same meeting",
                    "只能并入同一会议的其他有效议题",
                )
            ]
        )
    topic.status, topic.merged_into_id, topic.position = "merged", target.id, None
    target.project_ids = list(dict.fromkeys([*target.project_ids, *topic.project_ids]))
    target.updated_at = topic.updated_at = clock.now()
    record(
        session,
        clock,
        principal,
        "topic-merged",
        subject_kind="topic",
        subject_id=topic.id,
        meeting_id=meeting.id,
        detail={"into": str(target.id)},
    )
    return target


async def order_topics(
    session: AsyncSession,
    clock: Clock,
    principal: Principal,
    meeting_id: uuid.UUID,
    topic_ids: list[uuid.UUID],
) -> Sequence[Topic]:
    meeting = await get_meeting(session, meeting_id, for_update=True)
    if meeting.state not in LATE_TOPIC_STATES:
        raise TopicsLocked(f"The meeting is {meeting.state}.")
    topics = await TopicRepository(session).for_meeting(meeting.id, statuses=("submitted",))
    if len(set(topic_ids)) != len(topic_ids) or set(topic_ids) != {t.id for t in topics}:
        raise RuleViolation(
            errors=[
                field_error(
                    "topic_ids",
                    "every-topic-once",
                    "List every submitted topic of the meeting exactly once",
                    "须列出本次会议全部有效议题且每个只出现一次",
                )
            ]
        )
    position = {topic_id: index for index, topic_id in enumerate(topic_ids, start=1)}
    for topic in topics:
        topic.position = position[topic.id]
    record(
        session,
        clock,
        principal,
        "topics-ordered",
        subject_kind="meeting",
        subject_id=meeting.id,
        meeting_id=meeting.id,
        detail={"topic_ids": [str(t) for t in topic_ids]},
    )
    return sorted(topics, key=lambda t: position[t.id])


async def accept_draft(
    session: AsyncSession,
    outbox: Outbox,
    clock: Clock,
    principal: Principal,
    topic_id: uuid.UUID,
    meeting_id: uuid.UUID | None,
) -> Topic:
    """The office takes a draft from the push ledger onto a meeting; after the cut-off it is marked late."""
    topic = await get_topic(session, principal, topic_id, for_update=True)
    if topic.status != "draft":
        raise TopicNotChangeable(f"The topic is {topic.status}.", extra={"allowed": ["draft"]})
    target = meeting_id or topic.meeting_id
    if target is None:
        raise RuleViolation(
            errors=[field_error("meeting_id", "required", "Say which meeting takes the topic", "请指定会议")]
        )
    meeting = await get_meeting(session, target, for_update=True)
    if meeting.state not in LATE_TOPIC_STATES:
        raise TopicsLocked(f"The meeting is {meeting.state}.")
    body = await get_body(session, meeting.body_id)
    now = clock.now()
    topic.meeting_id = meeting.id
    topic.late = not (
        meeting.state in TOPIC_STATES
        and now < schedule(meeting.held_on, windows_of(meeting), body.reminder_hour).topics_close_at
    )
    topic.status, topic.submitted_by, topic.submitted_at, topic.updated_at = (
        "submitted",
        principal.user_id,
        now,
        now,
    )
    if meeting.state == "scheduled":
        await open_topics(session, clock, principal, meeting)
    await TopicRepository(session).flush()
    await _announce(session, outbox, clock, principal, meeting, body, topic)
    return topic
