from __future__ import annotations

import uuid

from fastapi import Response, status

from gongjian_meetings.deps import CurrentScope, UnitOfWorkDep
from gongjian_meetings.topics import service
from gongjian_meetings.topics.schemas import (
    DraftAccept,
    LateAcceptanceCreate,
    SuggestionOut,
    SuggestionPage,
    TopicCreate,
    TopicMerge,
    TopicOrder,
    TopicOut,
    TopicPage,
    TopicReject,
    TopicUpdate,
)
from gongjian_shared.concurrency import IF_MATCH_REQUIRED, IfMatchDep, etag_header, set_etag
from gongjian_shared.errors import problem_responses
from gongjian_shared.pagination import PagingDep
from gongjian_shared.routing import ServiceRouter

meeting_topics = ServiceRouter(prefix="/api/v1/meetings", tags=["topics"])
router = ServiceRouter(prefix="/api/v1/topics", tags=["topics"])

ERRORS = problem_responses(401, 403, 404, 409, 422)
READ_ERRORS = problem_responses(401, 403, 404, 422)
UPDATE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428) | etag_header()


@meeting_topics.post(
    "/{meeting_id}/topics", response_model=TopicOut, status_code=status.HTTP_201_CREATED, responses=ERRORS
)
async def submit_topic(
    meeting_id: uuid.UUID, body: TopicCreate, uow: UnitOfWorkDep, scope: CurrentScope
) -> TopicOut:
    """A member unit submits a topic (报送议题) until the end of D-10, Asia/Shanghai.

    Every `project_ids` entry must be a project of the submitting unit or of a unit under it (422 naming
    `project_ids.<i>` otherwise). After the cut-off the submission is refused (409, with `deadline`) unless
    the office has accepted a late topic from the unit, or the office enters it itself; such topics are
    marked `late`. Emits `topic-submitted`.
    """
    return service.to_out(await service.submit_topic(uow, scope, meeting_id, body))


@meeting_topics.get("/{meeting_id}/topics", response_model=TopicPage, responses=READ_ERRORS)
async def list_topics(
    meeting_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope, paging: PagingDep
) -> TopicPage:
    """The meeting's topics: all for the office running it and conveners, a unit's own for a unit (议题列表)."""
    return TopicPage.cut(
        [service.to_out(t) for t in await service.list_topics(uow, scope, meeting_id)], paging
    )


@meeting_topics.put(
    "/{meeting_id}/topic-order",
    response_model=list[TopicOut],
    responses=UPDATE_ERRORS,
    openapi_extra=IF_MATCH_REQUIRED,
)
async def order_topics(
    meeting_id: uuid.UUID,
    body: TopicOrder,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    if_match: IfMatchDep,
    response: Response,
) -> list[TopicOut]:
    """The office orders the agenda (议题排序). `If-Match` carries the meeting's ETag (from
    `GET /api/v1/meetings/{meeting_id}`); the answer's ETag is the meeting's new one."""
    meeting, topics = await service.order_topics(uow, scope, meeting_id, body.topic_ids, if_match)
    await uow.session.flush()
    set_etag(response, meeting.revision)
    return [service.to_out(t) for t in topics]


@meeting_topics.post(
    "/{meeting_id}/late-acceptances", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS
)
async def accept_late_topic(
    meeting_id: uuid.UUID, body: LateAcceptanceCreate, uow: UnitOfWorkDep, scope: CurrentScope
) -> None:
    """The office lets a unit submit after the cut-off (同意逾期报送); the topic will be marked late."""
    await service.grant_late(uow, scope, meeting_id, body.unit_id, body.reason)


@router.get("/drafts", response_model=TopicPage, responses=problem_responses(401, 403, 422))
async def list_drafts(uow: UnitOfWorkDep, scope: CurrentScope, paging: PagingDep) -> TopicPage:
    """Draft topics from the push ledger (`obstacle-escalated`) waiting for the city office (待处理议题草稿)."""
    return TopicPage.cut([service.to_out(t) for t in await service.drafts(uow, scope)], paging)


@router.get("/suggestions", response_model=SuggestionPage, responses=problem_responses(401, 403, 422))
async def list_suggestions(uow: UnitOfWorkDep, scope: CurrentScope, paging: PagingDep) -> SuggestionPage:
    """Key projects behind schedule (`project-behind-schedule`), suggested as topics (建议议题)."""
    found = await service.open_suggestions(uow, scope)
    return SuggestionPage.cut([SuggestionOut.model_validate(s) for s in found], paging)


@router.post("/suggestions/{suggestion_id}/dismiss", response_model=SuggestionOut, responses=ERRORS)
async def dismiss_suggestion(
    suggestion_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope
) -> SuggestionOut:
    """The office sets a suggestion aside (不予采纳)."""
    return SuggestionOut.model_validate(await service.dismiss_suggestion(uow, scope, suggestion_id))


@router.get("/{topic_id}", response_model=TopicOut, responses=READ_ERRORS | etag_header())
async def get_topic(
    topic_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope, response: Response
) -> TopicOut:
    """One topic (议题详情): the office running its meeting, conveners, or the submitting unit."""
    topic = await service.get_topic(uow, scope, topic_id)
    set_etag(response, topic.revision)
    return service.to_out(topic)


@router.patch(
    "/{topic_id}", response_model=TopicOut, responses=UPDATE_ERRORS, openapi_extra=IF_MATCH_REQUIRED
)
async def edit_topic(
    topic_id: uuid.UUID,
    body: TopicUpdate,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    if_match: IfMatchDep,
    response: Response,
) -> TopicOut:
    """Edit a topic (修改议题): its own unit until the topic cut-off (D-10; 409 `topic-changes-closed` with
    `deadline` after it), the office running the meeting until the agenda goes to the convener.
    `If-Match` carries the topic's ETag (428 without it, 412 when stale)."""
    topic = await service.edit_topic(uow, scope, topic_id, body, if_match)
    await uow.session.flush()
    set_etag(response, topic.revision)
    return service.to_out(topic)


@router.post("/{topic_id}/withdraw", response_model=TopicOut, responses=ERRORS)
async def withdraw_topic(topic_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope) -> TopicOut:
    """Withdraw a topic (撤回议题): its own unit until the topic cut-off (D-10; 409 after it), or the office."""
    return service.to_out(await service.withdraw_topic(uow, scope, topic_id))


@router.post("/{topic_id}/reject", response_model=TopicOut, responses=ERRORS)
async def reject_topic(
    topic_id: uuid.UUID, body: TopicReject, uow: UnitOfWorkDep, scope: CurrentScope
) -> TopicOut:
    """The office rejects a topic with a reason (不予上会)."""
    return service.to_out(await service.reject_topic(uow, scope, topic_id, body.reason))


@router.post("/{topic_id}/merge", response_model=TopicOut, responses=ERRORS)
async def merge_topic(
    topic_id: uuid.UUID, body: TopicMerge, uow: UnitOfWorkDep, scope: CurrentScope
) -> TopicOut:
    """The office merges a topic into another (合并议题); returns the topic merged into."""
    return service.to_out(await service.merge_topic(uow, scope, topic_id, body.into_topic_id))


@router.post("/{topic_id}/accept", response_model=TopicOut, responses=ERRORS)
async def accept_draft(
    topic_id: uuid.UUID, body: DraftAccept, uow: UnitOfWorkDep, scope: CurrentScope
) -> TopicOut:
    """The office takes a draft topic onto a meeting (采纳议题草稿); emits `topic-submitted`."""
    return service.to_out(await service.accept_draft(uow, scope, topic_id, body.meeting_id))
