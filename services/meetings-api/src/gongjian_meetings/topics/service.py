"""Topics (议题): submission until the end of D-10, the unit's own edits and withdrawal until then, the
office's late leave, edit, merge, reject, order; a topic names only projects of its own unit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from gongjian_meetings.access import ensure_runs, reads_all, runs, sees, writes
from gongjian_meetings.audit.service import Subject, publish_and_record, record
from gongjian_meetings.bodies.repository import BodyRepository
from gongjian_meetings.bodies.service import member_ids, office_of
from gongjian_meetings.deadlines.service import windows_of
from gongjian_meetings.meetings.collection import open_topics
from gongjian_meetings.meetings.repository import MeetingRepository
from gongjian_meetings.meetings.rules import LATE_TOPIC_STATES, TOPIC_STATES, schedule
from gongjian_meetings.meetings.service import load, meeting_ref
from gongjian_meetings.members.repository import ReplicaRepository
from gongjian_meetings.models import LateAcceptance, Meeting, MeetingBody, Topic, TopicSuggestion
from gongjian_meetings.projects.repository import ProjectReplicaRepository
from gongjian_meetings.topics.errors import (
    NotAMember,
    SubmissionClosed,
    SuggestionNotFound,
    TopicChangesClosed,
    TopicNotChangeable,
    TopicNotFound,
    TopicsLocked,
)
from gongjian_meetings.topics.repository import SuggestionRepository, TopicRepository
from gongjian_meetings.topics.schemas import CATEGORY_ZH, TopicCreate, TopicOut, TopicUpdate
from gongjian_shared.access import Scope
from gongjian_shared.auth import Principal
from gongjian_shared.concurrency import require_if_match
from gongjian_shared.errors import Conflict, Forbidden, RuleViolation, field_error
from gongjian_shared.events.meetings import TopicSubmitted
from gongjian_shared.events.projects import ObstacleEscalated, ProjectBehindSchedule
from gongjian_shared.uow import UnitOfWork


def to_out(topic: Topic) -> TopicOut:
    return TopicOut.model_validate(topic, from_attributes=True)


def may_see(scope: Scope, body: MeetingBody | None, topic: Topic) -> bool:
    """The office running the body and conveners see every topic; a unit sees its own (单位只看本单位议题)."""
    if runs(scope, body) or reads_all(scope):
        return True
    return topic.unit_id == scope.principal.unit_id and sees(scope, body, unit_id=topic.unit_id)


async def _load(
    uow: UnitOfWork, scope: Scope, topic_id: uuid.UUID, *, for_update: bool = False
) -> tuple[Topic, Meeting | None, MeetingBody | None]:
    """The topic with its meeting and body, if the caller may see it (else 404, as for a missing id)."""
    topic = await TopicRepository(uow.session).get(topic_id, for_update=for_update)
    meeting: Meeting | None = None
    body: MeetingBody | None = None
    if topic is not None and topic.meeting_id is not None:
        # no access decision on the meeting here: a hidden topic answers exactly like a missing one
        found = await MeetingRepository(uow.session).get_with_body(topic.meeting_id, for_update=for_update)
        meeting, body = found if found is not None else (None, None)
    if topic is None or not may_see(scope, body, topic):
        raise TopicNotFound(f"No topic {topic_id} that you may see.")
    return topic, meeting, body


async def get_topic(uow: UnitOfWork, scope: Scope, topic_id: uuid.UUID) -> Topic:
    topic, _, _ = await _load(uow, scope, topic_id)
    return topic


async def list_topics(uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID) -> Sequence[Topic]:
    """The office running the body and conveners see every topic; a unit sees its own."""
    _, body = await load(uow, scope, meeting_id)
    topics = TopicRepository(uow.session)
    if runs(scope, body) or reads_all(scope):
        return await topics.for_meeting(meeting_id)
    if scope.principal.unit_id is None:
        return []
    return await topics.for_meeting(meeting_id, unit_id=scope.principal.unit_id)


async def drafts(uow: UnitOfWork, scope: Scope) -> Sequence[Topic]:
    """Drafts from the push ledger go to the city body: its office only."""
    ensure_runs(scope, None)
    return await TopicRepository(uow.session).drafts()


async def check_projects(
    uow: UnitOfWork, scope: Scope, unit_id: uuid.UUID, project_ids: Sequence[uuid.UUID]
) -> None:
    """Every project a topic names exists and belongs to its unit or a unit under it (422 naming each one
    that does not, with the same answer for a missing and a foreign id, so ids cannot be probed). Projects
    are known from `project-registered` events: one registered a moment ago may not have arrived yet."""
    owners = await ProjectReplicaRepository(uow.session).owners(project_ids)
    allowed = scope.tree.subtree(unit_id)
    problems = [
        field_error(
            f"project_ids.{index}",
            "own-project",
            "No project of the submitting unit (or of a unit under it) has this id",
            "不是报送单位（或其下属单位）的项目",
        )
        for index, project_id in enumerate(project_ids)
        if owners.get(project_id) not in allowed
    ]
    if problems:
        raise RuleViolation(errors=problems)


def _submitting_unit(scope: Scope, body: MeetingBody, command: TopicCreate) -> tuple[uuid.UUID, str]:
    principal = scope.principal
    if command.unit_id is not None and command.unit_id != principal.unit_id:
        if not runs(scope, body):
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
    if not writes(scope, body, unit_id=principal.unit_id):
        raise Forbidden(
            "Topics are submitted by a unit's reporter, liaison or unit-admin.",
            errors=[
                field_error(
                    "unit_id", "unit-writer", "Your role may not submit topics", "您的角色不能报送议题"
                )
            ],
        )
    return principal.unit_id, "unit"


async def check_submitting_member(uow: UnitOfWork, body: MeetingBody, unit_id: uuid.UUID) -> None:
    if unit_id not in await member_ids(uow, body):
        raise NotAMember(
            f"Unit {unit_id} is not a member of {body.name}.",
            errors=[
                field_error("unit_id", "member-unit", "Not a member unit of this body", "不是本会议成员单位")
            ],
        )


async def check_member_for_leave(uow: UnitOfWork, body: MeetingBody, unit_id: uuid.UUID) -> None:
    if unit_id not in await member_ids(uow, body):
        raise NotAMember(
            errors=[field_error("unit_id", "member-unit", "Not a member unit", "不是本会议成员单位")]
        )


async def submitted_late(
    uow: UnitOfWork, meeting: Meeting, body: MeetingBody, unit_id: uuid.UUID, origin: str, now: datetime
) -> bool:
    """False in time; True after the cut-off with the office's leave (or entered by the office itself);
    refused (409 with `deadline`) after the cut-off without it."""
    closes_at = schedule(meeting.held_on, windows_of(meeting), body.reminder_hour).topics_close_at
    if meeting.state in TOPIC_STATES and now < closes_at:
        return False
    topics = TopicRepository(uow.session)
    with_leave = origin == "office" or await topics.late_acceptance(meeting.id, unit_id) is not None
    if meeting.state not in LATE_TOPIC_STATES or not with_leave:
        raise SubmissionClosed(
            f"Topic submission closed at {closes_at.isoformat()} (end of D-{meeting.topic_days}, Asia/Shanghai); "
            "ask the office to accept a late topic (议题报送已截止，逾期报送须经办公室同意).",
            extra={"deadline": closes_at.isoformat()},
        )
    return True


async def submit_topic(uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID, command: TopicCreate) -> Topic:
    meeting, body = await load(uow, scope, meeting_id, for_update=True)
    unit_id, origin = _submitting_unit(scope, body, command)
    await check_submitting_member(uow, body, unit_id)
    await check_projects(uow, scope, unit_id, command.project_ids)
    now = uow.clock.now()
    late = await submitted_late(uow, meeting, body, unit_id, origin, now)
    if meeting.state == "scheduled":  # the first topic opens collection, as the office's notice would
        await open_topics(uow, scope.principal, meeting, trigger="topic-submitted")
    unit = await ReplicaRepository(uow.session).get(unit_id)
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
        submitted_by=scope.principal.user_id,
        submitted_at=now,
        updated_at=now,
    )
    topics = TopicRepository(uow.session)
    topics.add(topic)
    await topics.flush()
    await _announce(uow, scope.principal, meeting, body, topic)
    return topic


async def _announce(
    uow: UnitOfWork, actor: Principal | None, meeting: Meeting, body: MeetingBody, topic: Topic
) -> None:
    await publish_and_record(
        uow,
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
            office=await office_of(uow, body),
        ),
        actor,
        "topic-submitted",
        Subject.topic(topic, meeting),
        {"unit_id": str(topic.unit_id), "late": topic.late, "origin": topic.origin},
    )


async def grant_late(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID, unit_id: uuid.UUID, reason: str
) -> LateAcceptance:
    meeting, body = await load(uow, scope, meeting_id, for_update=True, run=True)
    if meeting.state not in LATE_TOPIC_STATES:
        raise TopicsLocked(f"The meeting is {meeting.state}.")
    await check_member_for_leave(uow, body, unit_id)
    topics = TopicRepository(uow.session)
    acceptance = await topics.late_acceptance(meeting.id, unit_id)
    if acceptance is None:
        acceptance = LateAcceptance(
            meeting_id=meeting.id,
            unit_id=unit_id,
            reason=reason,
            granted_by=scope.principal.user_id,
            granted_at=uow.clock.now(),
        )
        topics.add(acceptance)
        await topics.flush()
    detail = {"unit_id": str(unit_id), "reason": reason}
    record(uow, scope.principal, "late-topic-accepted", Subject.meeting(meeting), detail)
    return acceptance


async def _editable(
    uow: UnitOfWork, scope: Scope, topic_id: uuid.UUID, *, by_unit: bool = False
) -> tuple[Topic, Meeting, MeetingBody]:
    """A submitted topic of a meeting still taking changes. The office running the body changes it until the
    agenda goes to the convener; with `by_unit`, its own unit also may, until the topic cut-off (D-10)."""
    topic, meeting, body = await _load(uow, scope, topic_id, for_update=True)
    office = runs(scope, body)
    if not office and not by_unit:
        ensure_runs(scope, body)
    if not office and not writes(scope, body, unit_id=topic.unit_id):
        raise Forbidden("Only the office running this meeting, or the topic's own unit, may change it.")
    if meeting is None or body is None or topic.status != "submitted":
        raise TopicNotChangeable(f"The topic is {topic.status}.", extra={"allowed": ["submitted"]})
    if meeting.state not in LATE_TOPIC_STATES:
        raise TopicsLocked(f"The meeting is {meeting.state}.")
    if not office:
        closes_at = schedule(meeting.held_on, windows_of(meeting), body.reminder_hour).topics_close_at
        if meeting.state not in TOPIC_STATES or uow.clock.now() >= closes_at:
            raise TopicChangesClosed(
                f"Units change or withdraw their topics until {closes_at.isoformat()} (end of "
                f"D-{meeting.topic_days}, Asia/Shanghai); after that ask the office (议题截止后须由办公室修改).",
                extra={"deadline": closes_at.isoformat()},
            )
    return topic, meeting, body


async def edit_topic(
    uow: UnitOfWork, scope: Scope, topic_id: uuid.UUID, command: TopicUpdate, if_match: str | None
) -> Topic:
    topic, meeting, _ = await _editable(uow, scope, topic_id, by_unit=True)
    require_if_match(if_match, topic.revision)
    changes = command.model_dump(exclude_unset=True)
    if command.project_ids is not None:
        await check_projects(uow, scope, topic.unit_id, command.project_ids)
    for key, value in changes.items():
        setattr(topic, key, value)
    topic.updated_at = uow.clock.now()
    record(uow, scope.principal, "topic-edited", Subject.topic(topic, meeting), {"changed": sorted(changes)})
    return topic


async def withdraw_topic(uow: UnitOfWork, scope: Scope, topic_id: uuid.UUID) -> Topic:
    """The unit takes its topic back before the cut-off (撤回议题); the row stays, as `withdrawn`."""
    topic, meeting, _ = await _editable(uow, scope, topic_id, by_unit=True)
    topic.status, topic.position, topic.updated_at = "withdrawn", None, uow.clock.now()
    record(
        uow,
        scope.principal,
        "topic-withdrawn",
        Subject.topic(topic, meeting),
        {"unit_id": str(topic.unit_id)},
    )
    return topic


async def reject_topic(uow: UnitOfWork, scope: Scope, topic_id: uuid.UUID, reason: str) -> Topic:
    topic, meeting, _ = await _editable(uow, scope, topic_id)
    topic.status, topic.rejection_reason, topic.position = "rejected", reason, None
    topic.updated_at = uow.clock.now()
    record(uow, scope.principal, "topic-rejected", Subject.topic(topic, meeting), {"reason": reason})
    return topic


def check_merge_target(topic: Topic, meeting: Meeting, target: Topic | None) -> Topic:
    """Another submitted topic of the same meeting."""
    if (
        target is None
        or target.meeting_id != meeting.id
        or target.status != "submitted"
        or target.id == topic.id
    ):
        raise Conflict(
            errors=[
                field_error(
                    "into_topic_id",
                    "same-meeting",
                    "Merge into another submitted topic of the same meeting",
                    "只能并入同一会议的其他有效议题",
                )
            ]
        )
    return target


async def merge_topic(uow: UnitOfWork, scope: Scope, topic_id: uuid.UUID, into_id: uuid.UUID) -> Topic:
    topic, meeting, _ = await _editable(uow, scope, topic_id)
    target = check_merge_target(
        topic, meeting, await TopicRepository(uow.session).get(into_id, for_update=True)
    )
    topic.status, topic.merged_into_id, topic.position = "merged", target.id, None
    target.project_ids = list(dict.fromkeys([*target.project_ids, *topic.project_ids]))
    target.updated_at = topic.updated_at = uow.clock.now()
    record(uow, scope.principal, "topic-merged", Subject.topic(topic, meeting), {"into": str(target.id)})
    return target


def check_every_topic_once(topic_ids: Sequence[uuid.UUID], topics: Sequence[Topic]) -> None:
    """The order names the meeting's submitted topics as stored, each once: a list that does not is a conflict
    with what is stored (409 naming `topic_ids`), as schema-valid ids of other topics are."""
    if len(set(topic_ids)) != len(topic_ids) or set(topic_ids) != {t.id for t in topics}:
        raise Conflict(
            errors=[
                field_error(
                    "topic_ids",
                    "every-topic-once",
                    "List every submitted topic of the meeting exactly once",
                    "须列出本次会议全部有效议题且每个只出现一次",
                )
            ]
        )


async def order_topics(
    uow: UnitOfWork, scope: Scope, meeting_id: uuid.UUID, topic_ids: list[uuid.UUID], if_match: str | None
) -> tuple[Meeting, Sequence[Topic]]:
    meeting, _ = await load(uow, scope, meeting_id, for_update=True, run=True)
    require_if_match(if_match, meeting.revision)
    if meeting.state not in LATE_TOPIC_STATES:
        raise TopicsLocked(f"The meeting is {meeting.state}.")
    topics = await TopicRepository(uow.session).for_meeting(meeting.id, statuses=("submitted",))
    check_every_topic_once(topic_ids, topics)
    position = {topic_id: index for index, topic_id in enumerate(topic_ids, start=1)}
    for topic in topics:
        topic.position = position[topic.id]
    detail = {"topic_ids": [str(t) for t in topic_ids]}
    record(uow, scope.principal, "topics-ordered", Subject.meeting(meeting), detail)
    meeting.updated_at = uow.clock.now()  # the agenda's order is part of the meeting: a new revision
    return meeting, sorted(topics, key=lambda t: position[t.id])


def meeting_taking(topic: Topic, meeting_id: uuid.UUID | None) -> uuid.UUID:
    """The meeting named, or the one the draft was filed on (422 when neither)."""
    target = meeting_id or topic.meeting_id
    if target is None:
        raise RuleViolation(
            errors=[field_error("meeting_id", "required", "Say which meeting takes the topic", "请指定会议")]
        )
    return target


async def accept_draft(
    uow: UnitOfWork, scope: Scope, topic_id: uuid.UUID, meeting_id: uuid.UUID | None
) -> Topic:
    """The office takes a draft from the push ledger onto a meeting; after the cut-off it is marked late."""
    topic, current, current_body = await _load(uow, scope, topic_id, for_update=True)
    # who may accept is decided before the topic's state, so a unit learns nothing from a 409
    ensure_runs(scope, current_body if current is not None else None)
    if topic.status != "draft":
        raise TopicNotChangeable(f"The topic is {topic.status}.", extra={"allowed": ["draft"]})
    meeting, body = await load(uow, scope, meeting_taking(topic, meeting_id), for_update=True, run=True)
    if meeting.state not in LATE_TOPIC_STATES:
        raise TopicsLocked(f"The meeting is {meeting.state}.")
    now = uow.clock.now()
    topic.meeting_id = meeting.id
    topic.late = not (
        meeting.state in TOPIC_STATES
        and now < schedule(meeting.held_on, windows_of(meeting), body.reminder_hour).topics_close_at
    )
    topic.status, topic.submitted_by, topic.submitted_at, topic.updated_at = (
        "submitted",
        scope.principal.user_id,
        now,
        now,
    )
    if meeting.state == "scheduled":
        await open_topics(uow, scope.principal, meeting, trigger="draft-accepted")
    await TopicRepository(uow.session).flush()
    await _announce(uow, scope.principal, meeting, body, topic)
    return topic


async def open_suggestions(uow: UnitOfWork, scope: Scope) -> Sequence[TopicSuggestion]:
    """Key projects behind schedule, suggested as topics to the city office."""
    ensure_runs(scope, None)
    return await SuggestionRepository(uow.session).open()


async def dismiss_suggestion(uow: UnitOfWork, scope: Scope, suggestion_id: uuid.UUID) -> TopicSuggestion:
    """The city office sets a suggestion aside (不予采纳)."""
    ensure_runs(scope, None)
    suggestion = await SuggestionRepository(uow.session).get(suggestion_id)
    if suggestion is None:
        raise SuggestionNotFound(f"No suggestion {suggestion_id}.")
    suggestion.status = "dismissed"
    record(uow, scope.principal, "suggestion-dismissed", Subject.suggestion(suggestion))
    return suggestion


async def draft_from_obstacle(uow: UnitOfWork, obstacle: ObstacleEscalated, escalated_at: datetime) -> None:
    """A draft for the office, on the city body's next meeting still taking topics (if any); a redelivered
    event finds its draft already there and adds nothing."""
    city = await BodyRepository(uow.session).city()
    meeting = await MeetingRepository(uow.session).next_open(city.id, TOPIC_STATES) if city else None
    unit = await ReplicaRepository(uow.session).get(obstacle.unit_id)
    await TopicRepository(uow.session).add_draft_once(
        {
            "id": uuid.uuid4(),
            "meeting_id": meeting.id if meeting else None,
            "unit_id": obstacle.unit_id,
            "unit_name": str(unit["name"]) if unit else "",
            "category": obstacle.category,
            "title": f"{obstacle.project_name}：{CATEGORY_ZH[obstacle.category]}问题",
            "description": obstacle.description,
            "proposed_solution": obstacle.proposed_solution,
            "project_ids": [obstacle.project_id],
            "attachments": [],
            "status": "draft",
            "origin": "obstacle",
            "late": False,
            "obstacle_id": obstacle.obstacle_id,
            "updated_at": escalated_at,
        }
    )


async def suggest_project(uow: UnitOfWork, behind: ProjectBehindSchedule) -> None:
    """A key project behind schedule, suggested as a topic (one suggestion a project and month, kept current)."""
    await SuggestionRepository(uow.session).upsert(
        {
            "project_id": behind.project_id,
            "project_name": behind.project_name,
            "unit_id": behind.unit_id,
            "year": behind.year,
            "month": behind.month,
            "completion_share_percent": behind.completion_share_percent,
            "benchmark_percent": behind.benchmark_percent,
            "colour": behind.colour,
            "reason": behind.reason,
        }
    )
