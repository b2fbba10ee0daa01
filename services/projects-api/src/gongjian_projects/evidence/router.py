"""Evidence files (证明材料) of recognitions, progress reports and ledger obstacles: upload, list, download."""

from __future__ import annotations

import uuid

from fastapi import UploadFile, status
from starlette.responses import StreamingResponse

from gongjian_projects.deps import CurrentScope, UnitOfWorkDep
from gongjian_projects.evidence import service
from gongjian_projects.http import IDEMPOTENT, IdempotentRoute
from gongjian_shared.deps import ContextDep
from gongjian_shared.evidence.schemas import EvidenceOut
from gongjian_shared.evidence.service import DOWNLOAD_RESPONSES, LIST_PROBLEMS, UPLOAD_PROBLEMS
from gongjian_shared.routing import ServiceRouter

router = ServiceRouter(prefix="/api/v1", tags=["evidence"], route_class=IdempotentRoute)

RECOGNITION = "/projects/{project_id}/recognitions/{recognition_id}/evidence"
REPORT = "/progress-reports/{report_id}/evidence"
OBSTACLE = "/ledger/obstacles/{obstacle_id}/evidence"
UPLOAD_NOTE = (
    " Multipart, one `file`: a photo (JPEG, PNG, WebP, HEIC, TIFF), PDF, OFD, docx, xlsx or pptx, judged by its"
    " content; at most the configured size (413); another type answers 415; the same file twice 409."
)


@router.post(
    RECOGNITION,
    response_model=EvidenceOut,
    status_code=status.HTTP_201_CREATED,
    responses=UPLOAD_PROBLEMS,
    dependencies=[IDEMPOTENT],
    description="Attach an evidence file to a recognition application (认定证明材料)." + UPLOAD_NOTE,
)
async def upload_recognition_evidence(
    project_id: uuid.UUID,
    recognition_id: uuid.UUID,
    file: UploadFile,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    context: ContextDep,
) -> EvidenceOut:
    owner = await service.recognition_owner(uow, scope, project_id, recognition_id)
    return await service.upload(uow, scope, context, owner, file)


@router.get(RECOGNITION, response_model=list[EvidenceOut], responses=LIST_PROBLEMS)
async def list_recognition_evidence(
    project_id: uuid.UUID, recognition_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope
) -> list[EvidenceOut]:
    """The evidence files of a recognition application, oldest first."""
    owner = await service.recognition_owner(uow, scope, project_id, recognition_id)
    return await service.files_of(uow, owner)


@router.get(RECOGNITION + "/{evidence_id}", response_class=StreamingResponse, responses=DOWNLOAD_RESPONSES)
async def download_recognition_evidence(
    project_id: uuid.UUID,
    recognition_id: uuid.UUID,
    evidence_id: uuid.UUID,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    context: ContextDep,
) -> StreamingResponse:
    """One evidence file's bytes, with its original name (下载证明材料)."""
    owner = await service.recognition_owner(uow, scope, project_id, recognition_id)
    return await service.open_file(uow, context, owner, evidence_id)


@router.post(
    REPORT,
    response_model=EvidenceOut,
    status_code=status.HTTP_201_CREATED,
    responses=UPLOAD_PROBLEMS,
    dependencies=[IDEMPOTENT],
    description="Attach an evidence file (site photo, 形象进度照片) to a monthly progress report."
    + UPLOAD_NOTE,
)
async def upload_report_evidence(
    report_id: uuid.UUID, file: UploadFile, uow: UnitOfWorkDep, scope: CurrentScope, context: ContextDep
) -> EvidenceOut:
    owner = await service.report_owner(uow, scope, report_id)
    return await service.upload(uow, scope, context, owner, file)


@router.get(REPORT, response_model=list[EvidenceOut], responses=LIST_PROBLEMS)
async def list_report_evidence(
    report_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope
) -> list[EvidenceOut]:
    """The evidence files of a progress report, oldest first."""
    owner = await service.report_owner(uow, scope, report_id)
    return await service.files_of(uow, owner)


@router.get(REPORT + "/{evidence_id}", response_class=StreamingResponse, responses=DOWNLOAD_RESPONSES)
async def download_report_evidence(
    report_id: uuid.UUID, evidence_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope, context: ContextDep
) -> StreamingResponse:
    """One evidence file's bytes, with its original name (下载证明材料)."""
    owner = await service.report_owner(uow, scope, report_id)
    return await service.open_file(uow, context, owner, evidence_id)


@router.post(
    OBSTACLE,
    response_model=EvidenceOut,
    status_code=status.HTTP_201_CREATED,
    responses=UPLOAD_PROBLEMS,
    dependencies=[IDEMPOTENT],
    description="Attach an evidence file to a ledger obstacle; the unit named to help may too." + UPLOAD_NOTE,
)
async def upload_obstacle_evidence(
    obstacle_id: uuid.UUID, file: UploadFile, uow: UnitOfWorkDep, scope: CurrentScope, context: ContextDep
) -> EvidenceOut:
    owner = await service.obstacle_owner(uow, scope, obstacle_id)
    return await service.upload(uow, scope, context, owner, file)


@router.get(OBSTACLE, response_model=list[EvidenceOut], responses=LIST_PROBLEMS)
async def list_obstacle_evidence(
    obstacle_id: uuid.UUID, uow: UnitOfWorkDep, scope: CurrentScope
) -> list[EvidenceOut]:
    """The evidence files of a ledger obstacle, oldest first."""
    owner = await service.obstacle_owner(uow, scope, obstacle_id)
    return await service.files_of(uow, owner)


@router.get(OBSTACLE + "/{evidence_id}", response_class=StreamingResponse, responses=DOWNLOAD_RESPONSES)
async def download_obstacle_evidence(
    obstacle_id: uuid.UUID,
    evidence_id: uuid.UUID,
    uow: UnitOfWorkDep,
    scope: CurrentScope,
    context: ContextDep,
) -> StreamingResponse:
    """One evidence file's bytes, with its original name (下载证明材料)."""
    owner = await service.obstacle_owner(uow, scope, obstacle_id)
    return await service.open_file(uow, context, owner, evidence_id)
