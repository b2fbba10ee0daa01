"""Evidence files on recognitions, progress reports and ledger obstacles, behind the access of each.

Who reads the owner reads its files (a unit its own, the office all; another unit's answer 404, as its owner
would); who may write the owner attaches files (an obstacle: also the unit named to help clear it). Service
accounts get no files (`ensure_person`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from fastapi import UploadFile
from starlette.responses import StreamingResponse

from gongjian_projects.access import Scope, ensure_may_write, project_facts
from gongjian_projects.evidence.repository import EvidenceRepository
from gongjian_projects.ledger.service import visible_obstacle
from gongjian_projects.models import Evidence
from gongjian_projects.progress.service import visible_report
from gongjian_projects.projects.service import visible_project
from gongjian_projects.recognitions.errors import RecognitionNotFound
from gongjian_projects.recognitions.repository import RecognitionRepository
from gongjian_shared.access import Facts
from gongjian_shared.evidence.schemas import EvidenceOut
from gongjian_shared.evidence.service import attach, download, ensure_person, evidence_store
from gongjian_shared.service import ServiceContext
from gongjian_shared.uow import UnitOfWork


@dataclass(frozen=True)
class Owner:
    """What a file is attached to, found and read-checked: its kind, id, and the facts its writers need."""

    kind: str
    id: uuid.UUID
    facts: Facts
    field: str


async def recognition_owner(
    uow: UnitOfWork, scope: Scope, project_id: uuid.UUID, recognition_id: uuid.UUID
) -> Owner:
    ensure_person(scope)
    project = await visible_project(uow, scope, project_id, details=False)
    recognition = await RecognitionRepository(uow.session).get(recognition_id)
    if recognition is None or recognition.project_id != project.id:
        raise RecognitionNotFound(f"No application {recognition_id} for project {project_id}.")
    return Owner("recognition", recognition.id, project_facts(project), "recognition_id")


async def report_owner(uow: UnitOfWork, scope: Scope, report_id: uuid.UUID) -> Owner:
    ensure_person(scope)
    report = await visible_report(uow, scope, report_id)
    return Owner("progress-report", report.id, Facts(unit_id=report.unit_id), "report_id")


async def obstacle_owner(uow: UnitOfWork, scope: Scope, obstacle_id: uuid.UUID) -> Owner:
    ensure_person(scope)
    obstacle, _, facts = await visible_obstacle(uow, scope, obstacle_id)
    return Owner("obstacle", obstacle.id, facts, "obstacle_id")


def to_out(evidence: Evidence) -> EvidenceOut:
    return EvidenceOut.model_validate(evidence)


async def upload(
    uow: UnitOfWork, scope: Scope, context: ServiceContext, owner: Owner, file: UploadFile
) -> EvidenceOut:
    ensure_may_write(scope, owner.facts, field=owner.field)
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
    return to_out(evidence)


async def files_of(uow: UnitOfWork, owner: Owner) -> list[EvidenceOut]:
    return [to_out(row) for row in await EvidenceRepository(uow.session).of_owner(owner.kind, owner.id)]


async def open_file(
    uow: UnitOfWork, context: ServiceContext, owner: Owner, evidence_id: uuid.UUID
) -> StreamingResponse:
    evidence = await EvidenceRepository(uow.session).one_of_owner(owner.kind, owner.id, evidence_id)
    return await download(evidence_store(context), evidence, f"{evidence_id} on this {owner.kind}")
