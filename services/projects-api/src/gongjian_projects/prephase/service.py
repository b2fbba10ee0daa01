"""Pre-phase procedures (项目前期手续): eight per project; the task is done when every required one is."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from gongjian_projects.access import Scope, ensure_may_write
from gongjian_projects.models import PrephaseProcedure
from gongjian_projects.prephase.repository import PrephaseRepository
from gongjian_projects.prephase.schemas import PrephaseOut, ProcedureOut, ProcedureUpdate
from gongjian_projects.projects.service import visible_project
from gongjian_shared.clock import business_today
from gongjian_shared.errors import Conflict, RuleViolation, field_error
from gongjian_shared.events.projects import PrephaseProcedureUpdated
from gongjian_shared.uow import UnitOfWork


def prephase_done(procedures: Sequence[PrephaseProcedure]) -> bool:
    required = [p for p in procedures if p.required and p.status != "not-needed"]
    return bool(required) and all(p.status == "done" for p in required)


def to_out(project_id: uuid.UUID, procedures: Sequence[PrephaseProcedure]) -> PrephaseOut:
    return PrephaseOut(
        project_id=str(project_id),
        prephase_done=prephase_done(procedures),
        procedures=[ProcedureOut.model_validate(p, from_attributes=True) for p in procedures],
    )


async def procedures_of(uow: UnitOfWork, scope: Scope, project_id: uuid.UUID) -> PrephaseOut:
    project = await visible_project(uow, scope, project_id, details=False)
    repository = PrephaseRepository(uow.session)
    await repository.ensure(project.id)
    return to_out(project.id, await repository.of_project(project.id))


def _ensure_dated(command: ProcedureUpdate, today: date) -> None:
    """A done procedure carries its date, and that date is not in the future."""
    if command.status == "done" and command.actual_on is None:
        raise RuleViolation(
            errors=[
                field_error(
                    "actual_on",
                    "required-when-done",
                    "A done procedure needs its date",
                    "已办结须填写办结日期",
                )
            ]
        )
    if command.actual_on is not None and command.actual_on > today:
        raise Conflict(
            errors=[
                field_error("actual_on", "not-future", "The date lies in the future", "办结日期不能晚于今天")
            ]
        )


async def update_procedure(
    uow: UnitOfWork, scope: Scope, project_id: uuid.UUID, procedure: str, command: ProcedureUpdate
) -> PrephaseOut:
    session, outbox, clock = uow.session, uow.outbox, uow.clock
    project = await visible_project(uow, scope, project_id, for_update=True, details=False)
    ensure_may_write(scope, project.unit_id)
    _ensure_dated(command, business_today(clock))
    repository = PrephaseRepository(session)
    await repository.ensure(project.id)
    row = await repository.get(project.id, procedure)
    assert row is not None
    for name, value in command.model_dump().items():
        setattr(row, name, value)
    row.updated_at = clock.now()
    await repository.flush()
    procedures = await repository.of_project(project.id)
    done = prephase_done(procedures)
    await outbox.publish(
        session,
        PrephaseProcedureUpdated(
            project_id=project.id,
            unit_id=project.unit_id,
            year=project.year,
            procedure=procedure,
            status=command.status,
            actual_date=command.actual_on,
            prephase_done=done,
        ),
        key=str(project.id),
    )
    return to_out(project.id, procedures)
