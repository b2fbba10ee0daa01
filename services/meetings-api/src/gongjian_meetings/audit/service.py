"""The action log (操作记录): every step of the workflow, with who did it (or the scheduler) and when."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gongjian_meetings.audit.repository import ActionRepository
from gongjian_meetings.models import Action, Meeting, MeetingBody, Resolution, Topic, TopicSuggestion
from gongjian_shared.auth import Principal
from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.uow import UnitOfWork

SCHEDULER = "scheduler"


@dataclass(frozen=True)
class Subject:
    """What a recorded step is about (its kind and id) and the meeting it belongs to (None: no meeting)."""

    kind: str
    id: uuid.UUID
    meeting_id: uuid.UUID | None

    @classmethod
    def meeting(cls, meeting: Meeting) -> Subject:
        return cls("meeting", meeting.id, meeting.id)

    @classmethod
    def agenda(cls, meeting: Meeting) -> Subject:
        return cls("agenda", meeting.id, meeting.id)

    @classmethod
    def topic(cls, topic: Topic, meeting: Meeting) -> Subject:
        return cls("topic", topic.id, meeting.id)

    @classmethod
    def resolution(cls, resolution: Resolution) -> Subject:
        return cls("resolution", resolution.id, resolution.meeting_id)

    @classmethod
    def body(cls, body: MeetingBody) -> Subject:
        return cls("meeting-body", body.id, None)

    @classmethod
    def suggestion(cls, suggestion: TopicSuggestion) -> Subject:
        return cls("suggestion", suggestion.id, None)


def record(
    uow: UnitOfWork,
    actor: Principal | None,
    action: str,
    subject: Subject,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add the action to the caller's transaction; `actor` None means the deadline scheduler."""
    ActionRepository(uow.session).add(
        Action(
            meeting_id=subject.meeting_id,
            subject_kind=subject.kind,
            subject_id=subject.id,
            action=action,
            actor_id=actor.user_id if actor else None,
            actor_name=actor.username if actor else SCHEDULER,
            actor_roles=sorted(actor.roles) if actor else [],
            at=uow.clock.now(),
            detail=detail or {},
        )
    )


async def publish_and_record(
    uow: UnitOfWork,
    event: EventPayload,
    actor: Principal | None,
    action: str,
    subject: Subject,
    detail: dict[str, Any] | None = None,
) -> None:
    """How a step that others hear of ends: its event in the outbox, keyed by its meeting (so one meeting's
    events keep their order), and the step in the action log, both in the caller's transaction."""
    assert subject.meeting_id is not None, "an event of meetings-api is keyed by its meeting"
    await uow.outbox.publish(uow.session, event, key=str(subject.meeting_id))
    record(uow, actor, action, subject, detail)


async def actions_of(uow: UnitOfWork, meeting_id: uuid.UUID) -> Sequence[Action]:
    return await ActionRepository(uow.session).for_meeting(meeting_id)
