from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request, status

from gongjian_meetings.audit.service import record
from gongjian_meetings.topics import service
from gongjian_meetings.topics.errors import SuggestionNotFound
from gongjian_meetings.topics.repository import SuggestionRepository, TopicRepository
from gongjian_meetings.topics.schemas import (
    DraftAccept,
    LateAcceptanceCreate,
    SuggestionOut,
    TopicCreate,
    TopicMerge,
    TopicOrder,
    TopicOut,
    TopicReject,
    TopicUpdate,
)
from gongjian_shared.auth import CurrentPrincipal, Principal, Role, require_roles
from gongjian_shared.clock import Clock
from gongjian_shared.db import SessionDep
from gongjian_shared.errors import problem_responses

meeting_topics = APIRouter(prefix="/api/v1/meetings", tags=["topics"])
router = APIRouter(prefix="/api/v1/topics", tags=["topics"])

OfficeOnly = Annotated[Principal, require_roles(Role.OFFICE, Role.ADMIN)]
ERRORS = problem_responses(401, 403, 404, 409, 422)


@meeting_topics.post(
    "/{meeting_id}/topics", response_model=TopicOut, status_code=status.HTTP_201_CREATED, responses=ERRORS
)
async def submit_topic(
    request: Request,
    meeting_id: uuid.UUID,
    body: TopicCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> TopicOut:
    """A member unit submits a topic (报送议题) until the end of D-10, Asia/Shanghai.

    After the cut-off the submission is refused (409, with `deadline`) unless the office has accepted a late
    topic from the unit, or the office enters it itself; such topics are marked `late`. Emits `topic-submitted`.
    """
    state = request.app.state
    topic = await service.submit_topic(session, state.outbox, state.clock, principal, meeting_id, body)
    return service.to_out(topic)


@meeting_topics.get(
    "/{meeting_id}/topics", response_model=list[TopicOut], responses=problem_responses(401, 404, 422)
)
async def list_topics(
    meeting_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> list[TopicOut]:
    """The meeting's topics: all for the office and the convener, a unit's own for a unit (议题列表)."""
    return [service.to_out(t) for t in await service.list_topics(session, principal, meeting_id)]


@meeting_topics.put("/{meeting_id}/topic-order", response_model=list[TopicOut], responses=ERRORS)
async def order_topics(
    request: Request, meeting_id: uuid.UUID, body: TopicOrder, session: SessionDep, principal: OfficeOnly
) -> list[TopicOut]:
    """The office orders the agenda (议题排序)."""
    topics = await service.order_topics(
        session, request.app.state.clock, principal, meeting_id, body.topic_ids
    )
    return [service.to_out(t) for t in topics]


@meeting_topics.post(
    "/{meeting_id}/late-acceptances", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS
)
async def accept_late_topic(
    request: Request,
    meeting_id: uuid.UUID,
    body: LateAcceptanceCreate,
    session: SessionDep,
    principal: OfficeOnly,
) -> None:
    """The office lets a unit submit after the cut-off (同意逾期报送); the topic will be marked late."""
    await service.grant_late(
        session, request.app.state.clock, principal, meeting_id, body.unit_id, body.reason
    )


@router.get("/drafts", response_model=list[TopicOut], responses=problem_responses(401, 403))
async def list_drafts(session: SessionDep, _: OfficeOnly) -> list[TopicOut]:
    """Draft topics from the push ledger (`obstacle-escalated`) waiting for the office (待处理议题草稿)."""
    return [service.to_out(t) for t in await TopicRepository(session).drafts()]


@router.get("/suggestions", response_model=list[SuggestionOut], responses=problem_responses(401, 403))
async def list_suggestions(session: SessionDep, _: OfficeOnly) -> list[SuggestionOut]:
    """Key projects behind schedule (`project-behind-schedule`), suggested as topics (建议议题)."""
    return [SuggestionOut.model_validate(s) for s in await SuggestionRepository(session).open()]


@router.post("/suggestions/{suggestion_id}/dismiss", response_model=SuggestionOut, responses=ERRORS)
async def dismiss_suggestion(
    request: Request, suggestion_id: uuid.UUID, session: SessionDep, principal: OfficeOnly
) -> SuggestionOut:
    """The office sets a suggestion aside (不予采纳)."""
    suggestion = await SuggestionRepository(session).get(suggestion_id)
    if suggestion is None:
        raise SuggestionNotFound(f"No suggestion {suggestion_id}.")
    suggestion.status = "dismissed"
    clock: Clock = request.app.state.clock
    record(
        session,
        clock,
        principal,
        "suggestion-dismissed",
        subject_kind="suggestion",
        subject_id=suggestion.id,
        meeting_id=None,
    )
    return SuggestionOut.model_validate(suggestion)


@router.get("/{topic_id}", response_model=TopicOut, responses=problem_responses(401, 404, 422))
async def get_topic(topic_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> TopicOut:
    """One topic (议题详情): the office, the convener, or the submitting unit."""
    return service.to_out(await service.get_topic(session, principal, topic_id))


@router.patch("/{topic_id}", response_model=TopicOut, responses=ERRORS)
async def edit_topic(
    request: Request, topic_id: uuid.UUID, body: TopicUpdate, session: SessionDep, principal: OfficeOnly
) -> TopicOut:
    """The office edits a topic (修改议题)."""
    return service.to_out(
        await service.edit_topic(session, request.app.state.clock, principal, topic_id, body)
    )


@router.post("/{topic_id}/reject", response_model=TopicOut, responses=ERRORS)
async def reject_topic(
    request: Request, topic_id: uuid.UUID, body: TopicReject, session: SessionDep, principal: OfficeOnly
) -> TopicOut:
    """The office rejects a topic with a reason (不予上会)."""
    topic = await service.reject_topic(session, request.app.state.clock, principal, topic_id, body.reason)
    return service.to_out(topic)


@router.post("/{topic_id}/merge", response_model=TopicOut, responses=ERRORS)
async def merge_topic(
    request: Request, topic_id: uuid.UUID, body: TopicMerge, session: SessionDep, principal: OfficeOnly
) -> TopicOut:
    """The office merges a topic into another (合并议题); returns the topic merged into."""
    topic = await service.merge_topic(
        session, request.app.state.clock, principal, topic_id, body.into_topic_id
    )
    return service.to_out(topic)


@router.post("/{topic_id}/accept", response_model=TopicOut, responses=ERRORS)
async def accept_draft(
    request: Request, topic_id: uuid.UUID, body: DraftAccept, session: SessionDep, principal: OfficeOnly
) -> TopicOut:
    """The office takes a draft topic onto a meeting (采纳议题草稿); emits `topic-submitted`."""
    state = request.app.state
    topic = await service.accept_draft(
        session, state.outbox, state.clock, principal, topic_id, body.meeting_id
    )
    return service.to_out(topic)
