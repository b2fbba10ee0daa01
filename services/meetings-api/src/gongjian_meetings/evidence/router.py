"""Evidence files (证明材料) of topics and of resolution feedback: upload, list, download."""

from __future__ import annotations

import uuid

from fastapi import UploadFile, status
from starlette.responses import StreamingResponse

from gongjian_meetings.deps import CurrentScope, UnitOfWorkDep
from gongjian_meetings.evidence import service
from gongjian_shared.deps import ContextDep
from gongjian_shared.evidence.schemas import EvidenceOut
from gongjian_shared.evidence.service import DOWNLOAD_RESPONSES, LIST_PROBLEMS, UPLOAD_PROBLEMS
from gongjian_shared.routing import ServiceRouter

router = ServiceRouter(prefix="/api/v1", tags=["evidence"])

TOPIC = "/topics/{topic_id}/evidence"
FEEDBACK = "/resolutions/{resolution_id}/feedback/{feedback_id}/evidence"
UPLOAD_NOTE = (
    " Multipart, one `file`: a photo (JPEG, PNG, WebP, HEIC, TIFF), PDF, OFD, docx, xlsx or pptx, judged by its"
    " content; at most the configured size (413); another type answers 415; the same file twice 409."
)


@router.post(
    TOPIC,
    response_model=EvidenceOut,
    status_code=status.HTTP_201_CREATED,
    responses=UPLOAD_PROBLEMS,
    description="Attach an evidence file to a topic (议题附件): its own unit or the office running the meeting."
    + UPLOAD_NOTE,
)
async def upload_topic_evidence(
    topic_id: uuid.UUID, file: UploadFile, uow: UnitOfWorkDep, scope: CurrentScope, context: ContextDep
) -> EvidenceOut:
    owner = await service.topic_owner(uow, scope, topic_id)
    return await service.upload(uow, scope, context, owner, file)


@router.get(TOPIC, response_model=list[EvidenceOut], responses=LIST_PROBLEMS)
async def list_topic_evidence(
    topic_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope
) -> list[EvidenceOut]:
    """The evidence files of a topic, oldest first."""
    owner = await service.topic_owner(uow, scope, topic_id)
    return await service.files_of(uow, owner)


@router.get(TOPIC + "/{evidence_id}", response_class=StreamingResponse, responses=DOWNLOAD_RESPONSES)
async def download_topic_evidence(
    topic_id: uuid.UUID, evidence_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope, context: ContextDep
) -> StreamingResponse:
    """One evidence file's bytes, with its original name (下载证明材料)."""
    owner = await service.topic_owner(uow, scope, topic_id)
    return await service.open_file(uow, context, owner, evidence_id)


@router.post(
    FEEDBACK,
    response_model=EvidenceOut,
    status_code=status.HTTP_201_CREATED,
    responses=UPLOAD_PROBLEMS,
    description="Attach an evidence file to a unit's written feedback on a resolution (反馈佐证材料): that unit's."
    + UPLOAD_NOTE,
)
async def upload_feedback_evidence(
    resolution_id: uuid.UUID,
    feedback_id: uuid.UUID,
    file: UploadFile,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    context: ContextDep,
) -> EvidenceOut:
    owner = await service.feedback_owner(uow, scope, resolution_id, feedback_id)
    return await service.upload(uow, scope, context, owner, file)


@router.get(FEEDBACK, response_model=list[EvidenceOut], responses=LIST_PROBLEMS)
async def list_feedback_evidence(
    resolution_id: uuid.UUID, feedback_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope
) -> list[EvidenceOut]:
    """The evidence files of a unit's feedback, oldest first."""
    owner = await service.feedback_owner(uow, scope, resolution_id, feedback_id)
    return await service.files_of(uow, owner)


@router.get(FEEDBACK + "/{evidence_id}", response_class=StreamingResponse, responses=DOWNLOAD_RESPONSES)
async def download_feedback_evidence(
    resolution_id: uuid.UUID,
    feedback_id: uuid.UUID,
    evidence_id: uuid.UUID,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    context: ContextDep,
) -> StreamingResponse:
    """One evidence file's bytes, with its original name (下载证明材料)."""
    owner = await service.feedback_owner(uow, scope, resolution_id, feedback_id)
    return await service.open_file(uow, context, owner, evidence_id)
