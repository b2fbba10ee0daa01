"""Evidence files on topics and on resolution feedback, behind the access of each.

A topic's files are read by whoever sees the topic (the office running its body, conveners, its own unit)
and attached by the office running the body or the topic's own unit. Feedback's files are read by whoever
sees the resolution and attached by the unit that wrote the feedback. Service accounts get no files.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from fastapi import UploadFile
from starlette.responses import StreamingResponse

from gongjian_meetings.access import runs, writes
from gongjian_meetings.evidence.repository import EvidenceRepository
from gongjian_meetings.meetings.repository import MeetingRepository
from gongjian_meetings.models import Evidence, MeetingBody
from gongjian_meetings.resolutions.errors import FeedbackNotFound
from gongjian_meetings.resolutions.service import get_resolution, responsible
from gongjian_meetings.topics.errors import TopicNotFound
from gongjian_meetings.topics.repository import TopicRepository
from gongjian_meetings.topics.service import may_see
from gongjian_shared.access import Scope
from gongjian_shared.errors import Forbidden
from gongjian_shared.evidence.schemas import EvidenceOut
from gongjian_shared.evidence.service import attach, download, ensure_person, evidence_store
from gongjian_shared.service import ServiceContext
from gongjian_shared.uow import UnitOfWork


@dataclass(frozen=True)
class Owner:
    """What a file is attached to, found and read-checked, and whether the caller may attach to it."""

    kind: str
    id: uuid.UUID
    may_attach: bool


async def topic_owner(uow: UnitOfWork, scope: Scope, topic_id: uuid.UUID) -> Owner:
    ensure_person(scope)
    topic = await TopicRepository(uow.session).get(topic_id)
    body: MeetingBody | None = None
    if topic is not None and topic.meeting_id is not None:
        found = await MeetingRepository(uow.session).get_with_body(topic.meeting_id)
        body = found[1] if found is not None else None
    if topic is None or not may_see(scope, body, topic):
        raise TopicNotFound(f"No topic {topic_id} that you may see.")
    attaches = runs(scope, body) or writes(scope, body, unit_id=topic.unit_id)
    return Owner("topic", topic.id, attaches)


async def feedback_owner(
    uow: UnitOfWork, scope: Scope, resolution_id: uuid.UUID, feedback_id: uuid.UUID
) -> Owner:
    ensure_person(scope)
    resolution, body = await get_resolution(uow, scope, resolution_id)
    feedback = await EvidenceRepository(uow.session).feedback(resolution.id, feedback_id)
    if feedback is None:
        raise FeedbackNotFound(f"No feedback {feedback_id} on resolution {resolution_id}.")
    own = scope.principal.unit_id == feedback.unit_id
    attaches = own and writes(scope, body, unit_id=feedback.unit_id, helping=responsible(resolution))
    return Owner("feedback", feedback.id, attaches)


async def upload(
    uow: UnitOfWork, scope: Scope, context: ServiceContext, owner: Owner, file: UploadFile
) -> EvidenceOut:
    if not owner.may_attach:
        raise Forbidden(
            f"Only the {owner.kind}'s own unit (or the office running the meeting, for a topic) attaches files."
        )
    evidence = await attach(
        uow,
        context,
        file,
        owner_kind=owner.kind,
        owner_id=owner.id,
        uploaded_by=scope.principal.user_id,
        make=Evidence,
        save=EvidenceRepository(uow.session).save,
    )
    return EvidenceOut.model_validate(evidence)


async def files_of(uow: UnitOfWork, owner: Owner) -> list[EvidenceOut]:
    rows = await EvidenceRepository(uow.session).of_owner(owner.kind, owner.id)
    return [EvidenceOut.model_validate(row) for row in rows]


async def open_file(
    uow: UnitOfWork, context: ServiceContext, owner: Owner, evidence_id: uuid.UUID
) -> StreamingResponse:
    evidence = await EvidenceRepository(uow.session).one_of_owner(owner.kind, owner.id, evidence_id)
    return await download(evidence_store(context), evidence, f"{evidence_id} on this {owner.kind}")
