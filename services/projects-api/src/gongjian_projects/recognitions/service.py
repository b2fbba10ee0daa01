"""Start and completion recognition (开工/竣工认定): the unit applies and uploads its evidence files, the
office decides and the decision records the files it relied on.

A recognised start date lies in the month of the application or the one before it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from gongjian_projects.access import Scope, ensure_may_write
from gongjian_projects.models import Evidence, Project, Recognition
from gongjian_projects.progress.repository import ProgressReportRepository
from gongjian_projects.projects.repository import ProjectRepository
from gongjian_projects.projects.service import publish_project_changed, record_status, visible_project
from gongjian_projects.recognitions.errors import RecognitionConflict, RecognitionNotFound
from gongjian_projects.recognitions.repository import RecognitionRepository
from gongjian_projects.recognitions.schemas import RecognitionApply, RecognitionEvidence, RecognitionOut
from gongjian_shared.clock import business_today
from gongjian_shared.errors import Conflict, Forbidden, RuleViolation, field_error
from gongjian_shared.events.projects import (
    ProjectCompleted,
    ProjectStarted,
    RecognitionApplied,
    RecognitionDecided,
)
from gongjian_shared.uow import UnitOfWork

NEEDED_STATUS = {"start": "planned", "completion": "started"}
NEW_STATUS = {"start": "started", "completion": "completed"}


# the columns of a recognition its answer shows (`date` is read from `claimed_on`)
STORED_FIELDS = (
    "id",
    "project_id",
    "kind",
    "claimed_on",
    "description",
    "status",
    "applied_at",
    "decided_at",
    "decision_reason",
    "decision_evidence",
    "declared_evidence",
)


def stored_fields(recognition: Recognition) -> dict[str, Any]:
    return {field: getattr(recognition, field) for field in STORED_FIELDS}


def _file_out(recognition: Recognition, file: Evidence) -> RecognitionEvidence:
    return RecognitionEvidence(
        id=file.id,
        name=file.file_name,
        media_type=file.media_type,
        size=file.size,
        sha256=file.sha256,
        uploaded_at=file.uploaded_at,
        download_path=f"/api/v1/projects/{recognition.project_id}/recognitions/{recognition.id}"
        f"/evidence/{file.id}",
    )


def to_out(recognition: Recognition, files: Sequence[Evidence]) -> RecognitionOut:
    evidence = [_file_out(recognition, file) for file in files]
    return RecognitionOut.model_validate(stored_fields(recognition) | {"evidence": evidence})


async def _files(uow: UnitOfWork, recognition: Recognition) -> Sequence[Evidence]:
    return await RecognitionRepository(uow.session).evidence_of([recognition.id])


def start_window(applied_on: date) -> tuple[date, date]:
    """From the first day of the month before the application to the application day."""
    first = applied_on.replace(day=1)
    previous_first = (
        first.replace(year=first.year - 1, month=12)
        if first.month == 1
        else first.replace(month=first.month - 1)
    )
    return previous_first, applied_on


def _date_error(rule: str, message: str, message_zh: str) -> Conflict:
    # 409: the date is judged against today and the project's recognised start, not by itself
    return Conflict(errors=[field_error("date", rule, message, message_zh)])


def _check_date(project: Project, command: RecognitionApply, today: date) -> None:
    if command.date > today:
        raise _date_error("not-future", "The date lies in the future", "认定日期不能晚于今天")
    if command.kind == "start":
        earliest, _ = start_window(today)
        if command.date < earliest:
            raise _date_error(
                "start-month-window",
                f"A start is recognised in the month of the application or the one before (from {earliest})",
                f"开工日期须在申请当月或上月内（{earliest} 起）",
            )
    elif project.started_on is not None and command.date < project.started_on:
        raise _date_error("after-start", "Completion before the recognised start", "竣工日期早于开工日期")


async def apply(
    uow: UnitOfWork, scope: Scope, project_id: uuid.UUID, command: RecognitionApply
) -> RecognitionOut:
    """The application, without files yet: its evidence is uploaded to it afterwards."""
    session, clock = uow.session, uow.clock
    project = await visible_project(uow, scope, project_id, for_update=True)
    ensure_may_write(scope, project.unit_id)
    if project.status != NEEDED_STATUS[command.kind]:
        raise RecognitionConflict(
            f"The project is {project.status}.", extra={"allowed": [NEEDED_STATUS[command.kind]]}
        )
    recognitions = RecognitionRepository(session)
    if await recognitions.open_application(project.id, command.kind) is not None:
        raise RecognitionConflict(
            errors=[field_error("kind", "one-open", "An application is already waiting", "已有待认定的申请")]
        )
    _check_date(project, command, business_today(clock))
    recognition = Recognition(
        id=uuid.uuid4(),
        project_id=project.id,
        kind=command.kind,
        claimed_on=command.date,
        description=command.description,
        declared_evidence=[],
        status="applied",
        applied_at=clock.now(),
        applied_by=scope.principal.user_id,
    )
    recognitions.add(recognition)
    await recognitions.flush()
    await uow.outbox.publish(
        session,
        RecognitionApplied(
            recognition_id=recognition.id,
            project_id=project.id,
            project_name=project.name,
            unit_id=project.unit_id,
            year=project.year,
            kind=command.kind,
            claimed_on=recognition.claimed_on,
            applied_at=recognition.applied_at,
        ),
        key=str(project.id),
    )
    return to_out(recognition, [])


async def _publish_decision(uow: UnitOfWork, project: Project, recognition: Recognition) -> None:
    """`recognition-decided`: the applying unit hears of the office's decision."""
    assert recognition.decided_at is not None
    await uow.outbox.publish(
        uow.session,
        RecognitionDecided(
            recognition_id=recognition.id,
            project_id=project.id,
            project_name=project.name,
            unit_id=project.unit_id,
            year=project.year,
            kind="start" if recognition.kind == "start" else "completion",
            claimed_on=recognition.claimed_on,
            decision="recognised" if recognition.status == "recognised" else "rejected",
            reason=recognition.decision_reason,
            decided_at=recognition.decided_at,
        ),
        key=str(project.id),
    )


async def recognitions_of(uow: UnitOfWork, scope: Scope, project_id: uuid.UUID) -> list[RecognitionOut]:
    """A project's applications and decisions, oldest first."""
    project = await visible_project(uow, scope, project_id, details=False)
    recognitions = RecognitionRepository(uow.session)
    applications = await recognitions.of_project(project.id)
    files: dict[uuid.UUID, list[Evidence]] = {}
    for file in await recognitions.evidence_of([r.id for r in applications]):
        files.setdefault(file.owner_id, []).append(file)
    return [to_out(r, files.get(r.id, [])) for r in applications]


async def _open(
    uow: UnitOfWork, scope: Scope, project_id: uuid.UUID, recognition_id: uuid.UUID
) -> tuple[Project, Recognition]:
    project = await visible_project(uow, scope, project_id, for_update=True)
    if not scope.principal.is_office:
        raise Forbidden("Starts and completions are recognised by the office (由办公室认定).")
    recognition = await RecognitionRepository(uow.session).get(recognition_id, for_update=True)
    if recognition is None or recognition.project_id != project.id:
        raise RecognitionNotFound(f"No application {recognition_id} for project {project_id}.")
    if recognition.status != "applied":
        raise RecognitionConflict(f"The application is {recognition.status}.", extra={"allowed": ["applied"]})
    return project, recognition


async def _ensure_planned_investment_completed(
    uow: UnitOfWork, project: Project, office_judgement: str | None
) -> None:
    """The notice's completion test (竣工认定：项目完成计划投资): the year's accepted investment reaches the
    year's planned investment; otherwise only the office's written judgement on the evidence completes it."""
    if office_judgement is not None:
        return
    done = await ProgressReportRepository(uow.session).year_to_date(project.id, project.year, 12)
    if done < project.planned_investment_10k:
        raise RecognitionConflict(
            f"{done} of the year's planned {project.planned_investment_10k} 万元 completed.",
            errors=[
                field_error(
                    "office_judgement",
                    "planned-investment-completed",
                    f"The year's planned investment is not completed ({done} of "
                    f"{project.planned_investment_10k} 万元); the office may still recognise the completion "
                    "with its written judgement on the evidence",
                    f"年度计划投资未完成（已完成 {done} 万元，计划 {project.planned_investment_10k} 万元）；"
                    "如经办公室研判认定竣工，须填写研判意见",
                )
            ],
        )


def _ensure_judged_on_evidence(files: Sequence[Evidence], office_judgement: str | None) -> None:
    """The office's judgement is a judgement on the evidence (办公室研判须有证明材料): at least one file uploaded
    to the application."""
    if office_judgement is None or files:
        return
    raise RecognitionConflict(
        "The office's judgement needs at least one evidence file attached to the application.",
        errors=[
            field_error(
                "office_judgement",
                "evidence-file-required",
                "The office's judgement rests on the evidence: upload at least one evidence file (site photo, "
                "acceptance report) to this application first",
                "办公室研判认定须有证明材料：请先为该申请上传至少一份证明材料（现场照片、验收报告等）",
            )
        ],
    )


def _decide(
    recognition: Recognition, status: str, scope: Scope, now: datetime, files: Sequence[Evidence]
) -> None:
    """The decision, with the files it relied on as they are now (files added later are not among them)."""
    recognition.status, recognition.decided_at, recognition.decided_by = status, now, scope.principal.user_id
    recognition.decision_evidence = [{"id": str(file.id), "sha256": file.sha256} for file in files]


async def recognise(
    uow: UnitOfWork,
    scope: Scope,
    project_id: uuid.UUID,
    recognition_id: uuid.UUID,
    office_judgement: str | None = None,
) -> RecognitionOut:
    """`office_judgement`: for a completion, the office's written reason to recognise it although the
    year's planned investment is not completed, on at least one evidence file; kept as the decision's
    reason."""
    session, clock = uow.session, uow.clock
    project, recognition = await _open(uow, scope, project_id, recognition_id)
    if project.status != NEEDED_STATUS[recognition.kind]:
        raise RecognitionConflict(
            f"The project is {project.status}.", extra={"allowed": [NEEDED_STATUS[recognition.kind]]}
        )
    if recognition.kind == "start" and office_judgement is not None:
        raise RuleViolation(
            errors=[
                field_error(
                    "office_judgement",
                    "completion-only",
                    "An office judgement is given on a completion only; a start is recognised on its date",
                    "办公室研判仅适用于竣工认定；开工认定以开工日期为准",
                )
            ]
        )
    files = await _files(uow, recognition)
    if recognition.kind == "completion":
        _ensure_judged_on_evidence(files, office_judgement)
        await _ensure_planned_investment_completed(uow, project, office_judgement)
        recognition.decision_reason = office_judgement
    now, today = clock.now(), business_today(clock)
    _decide(recognition, "recognised", scope, now, files)
    projects = ProjectRepository(session)
    record_status(
        projects,
        project,
        NEW_STATUS[recognition.kind],
        at=now,
        by=scope.principal.user_id,
        reason=f"{recognition.kind} recognised",
    )
    if recognition.kind == "start":
        project.started_on = recognition.claimed_on
        event: ProjectStarted | ProjectCompleted = ProjectStarted(
            project_id=project.id,
            unit_id=project.unit_id,
            year=project.year,
            started_on=recognition.claimed_on,
            recognised_on=today,
        )
    else:
        project.completed_on = recognition.claimed_on
        event = ProjectCompleted(
            project_id=project.id,
            unit_id=project.unit_id,
            year=project.year,
            completed_on=recognition.claimed_on,
            recognised_on=today,
        )
    project.revision += 1
    project.updated_at = now
    await projects.flush()
    await publish_project_changed(uow, project, event)
    await _publish_decision(uow, project, recognition)
    return to_out(recognition, files)


async def reject(
    uow: UnitOfWork, scope: Scope, project_id: uuid.UUID, recognition_id: uuid.UUID, reason: str
) -> RecognitionOut:
    project, recognition = await _open(uow, scope, project_id, recognition_id)
    files = await _files(uow, recognition)
    recognition.decision_reason = reason
    _decide(recognition, "rejected", scope, uow.clock.now(), files)
    await RecognitionRepository(uow.session).flush()
    await _publish_decision(uow, project, recognition)
    return to_out(recognition, files)
