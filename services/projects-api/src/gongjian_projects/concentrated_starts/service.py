"""Quarterly concentrated starts (季度集中开工): the office declares a quarter's batch of key projects with
the planned date and event (提前预告), each unit confirms its projects or declines with the reason, and the
batch is counted against the starts actually recognised by the quarter's end."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from gongjian_projects.access import Scope, ensure_may_write
from gongjian_projects.concentrated_starts.errors import ConcentratedStartConflict, ConcentratedStartNotFound
from gongjian_projects.concentrated_starts.repository import ConcentratedStartRepository
from gongjian_projects.concentrated_starts.schemas import (
    ConcentratedStartDeclare,
    ConcentratedStartOut,
    ConcentratedStartProjectOut,
    StartCounts,
    StartCountsTable,
    quarter_bounds,
)
from gongjian_projects.models import ConcentratedStart, ConcentratedStartProject, Project
from gongjian_projects.projects.errors import ProjectNotFound
from gongjian_projects.projects.repository import visible_to
from gongjian_shared.errors import FieldError, field_error
from gongjian_shared.events.starts import (
    ConcentratedStartAnswered,
    ConcentratedStartDeclared,
    DeclaredProject,
)
from gongjian_shared.uow import UnitOfWork


def _project_errors(
    command: ConcentratedStartDeclare, found: dict[uuid.UUID, Project], taken: set[uuid.UUID]
) -> list[FieldError]:
    """What stops each listed project from joining the batch: a key project of the year, not started yet,
    in no other batch of the quarter."""
    errors = []
    for index, project_id in enumerate(command.project_ids):
        project, where = found[project_id], f"project_ids[{index}]"
        if project.kind != "key" or project.year != command.year:
            errors.append(
                field_error(
                    where,
                    "key-project-of-year",
                    f"Not a key project of the {command.year} plan",
                    f"不是{command.year}年度重点项目",
                )
            )
        elif project.status != "planned":
            errors.append(
                field_error(
                    where,
                    "not-started",
                    f"The project is {project.status}: only projects not started yet start together",
                    "项目已开工、已竣工或已调出计划，不能列入集中开工",
                )
            )
        elif project_id in taken:
            errors.append(
                field_error(
                    where,
                    "one-per-quarter",
                    f"Already in a concentrated start of {command.year} Q{command.quarter}",
                    "项目已列入本季度集中开工",
                )
            )
    return errors


async def declare(uow: UnitOfWork, scope: Scope, command: ConcentratedStartDeclare) -> ConcentratedStartOut:
    """The office only (the route checks); emits `concentrated-start-declared` for the units to confirm."""
    starts = ConcentratedStartRepository(uow.session)
    found = await starts.projects(command.project_ids)
    missing = [i for i, project_id in enumerate(command.project_ids) if project_id not in found]
    if missing:
        raise ProjectNotFound(
            errors=[
                field_error(f"project_ids[{i}]", "exists", "No such project", "项目不存在") for i in missing
            ]
        )
    errors = _project_errors(
        command, found, await starts.already_declared(command.project_ids, command.year, command.quarter)
    )
    if errors:
        raise ConcentratedStartConflict(errors=errors)
    batch = ConcentratedStart(
        id=uuid.uuid4(),
        year=command.year,
        quarter=command.quarter,
        planned_on=command.planned_on,
        event=command.event,
        notice=command.notice,
        declared_at=uow.clock.now(),
        declared_by=scope.principal.user_id,
        projects=[
            ConcentratedStartProject(
                project_id=project_id,
                position=index,
                year=command.year,
                quarter=command.quarter,
                answer="declared",
            )
            for index, project_id in enumerate(command.project_ids)
        ],
    )
    starts.add(batch)
    await starts.flush()
    declared = ConcentratedStartDeclared(
        concentrated_start_id=batch.id,
        year=batch.year,
        quarter=batch.quarter,
        planned_on=batch.planned_on,
        event=batch.event,
        projects=tuple(
            DeclaredProject(project_id=p, unit_id=found[p].unit_id, project_name=found[p].name)
            for p in command.project_ids
        ),
    )
    await uow.outbox.publish(uow.session, declared, key=str(batch.id))
    return await get_start(uow, scope, batch.id)


def _entry_out(row: Sequence[Any]) -> ConcentratedStartProjectOut:
    _, entry, project_name, unit_id, unit_name, started_on = row
    return ConcentratedStartProjectOut(
        project_id=entry.project_id,
        project_name=project_name,
        unit_id=unit_id,
        unit_name=unit_name,
        answer=entry.answer,
        reason=entry.reason,
        answered_at=entry.answered_at,
        started_on=started_on,
    )


def _grouped(rows: Sequence[Any]) -> list[ConcentratedStartOut]:
    batches: dict[uuid.UUID, ConcentratedStartOut] = {}
    for row in rows:
        batch = row[0]
        out = batches.setdefault(
            batch.id,
            ConcentratedStartOut(
                id=batch.id,
                year=batch.year,
                quarter=batch.quarter,
                planned_on=batch.planned_on,
                event=batch.event,
                notice=batch.notice,
                declared_at=batch.declared_at,
                projects=[],
            ),
        )
        out.projects.append(_entry_out(row))
    return list(batches.values())


async def list_starts(
    uow: UnitOfWork, scope: Scope, year: int, quarter: int | None
) -> list[ConcentratedStartOut]:
    """The office and conveners see every batch; a unit the batches with its projects, and only those."""
    rows = await ConcentratedStartRepository(uow.session).listing(
        visible_to(scope), year=year, quarter=quarter
    )
    return _grouped(rows)


async def get_start(uow: UnitOfWork, scope: Scope, concentrated_start_id: uuid.UUID) -> ConcentratedStartOut:
    rows = await ConcentratedStartRepository(uow.session).listing(
        visible_to(scope), concentrated_start_id=concentrated_start_id
    )
    if not rows:
        raise ConcentratedStartNotFound(f"No concentrated start {concentrated_start_id}.")
    return _grouped(rows)[0]


async def answer(
    uow: UnitOfWork,
    scope: Scope,
    concentrated_start_id: uuid.UUID,
    project_id: uuid.UUID,
    reason: str | None,
) -> ConcentratedStartProjectOut:
    """The project's unit (or the office) confirms it (`reason` None) or declines it with the reason; once.
    Emits `concentrated-start-answered` for the office."""
    starts = ConcentratedStartRepository(uow.session)
    rows = await starts.listing(visible_to(scope), concentrated_start_id=concentrated_start_id)
    row = next((r for r in rows if r[1].project_id == project_id), None)
    entry = await starts.entry(concentrated_start_id, project_id) if row else None
    if row is None or entry is None:
        raise ConcentratedStartNotFound(
            f"No project {project_id} in concentrated start {concentrated_start_id}."
        )
    ensure_may_write(scope, row[3], field="project_id")
    if entry.answer != "declared":
        raise ConcentratedStartConflict(
            f"The project was {entry.answer} already.", extra={"allowed": ["declared"]}
        )
    entry.answer = "declined" if reason is not None else "confirmed"
    entry.reason, entry.answered_at, entry.answered_by = reason, uow.clock.now(), scope.principal.user_id
    await starts.flush()
    batch = row[0]
    answered = ConcentratedStartAnswered(
        concentrated_start_id=batch.id,
        project_id=project_id,
        unit_id=row[3],
        year=batch.year,
        quarter=batch.quarter,
        answer="declined" if reason is not None else "confirmed",
        reason=reason,
    )
    await uow.outbox.publish(uow.session, answered, key=str(batch.id))
    return _entry_out((batch, entry, *row[2:]))


async def counts(uow: UnitOfWork, scope: Scope, year: int, quarter: int) -> StartCountsTable:
    """Per unit the caller may see; the city's row for the office and conveners only."""
    _, quarter_end = quarter_bounds(year, quarter)
    rows = await ConcentratedStartRepository(uow.session).counts(
        year, quarter, quarter_end, visible_to(scope)
    )
    table = [
        StartCounts(
            unit_id=unit_id,
            name=name,
            declared=int(declared),
            confirmed=int(confirmed or 0),
            declined=int(declined or 0),
            started=int(started or 0),
        )
        for unit_id, name, declared, confirmed, declined, started in rows
    ]
    city = None
    if scope.read_all:
        city = StartCounts(
            unit_id=None,
            name="全市",
            **{
                name: sum(getattr(row, name) for row in table)
                for name in ("declared", "confirmed", "declined", "started")
            },
        )
    return StartCountsTable(year=year, quarter=quarter, quarter_end=quarter_end, rows=table, city=city)
