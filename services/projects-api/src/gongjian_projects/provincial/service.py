"""The staged import of the province's monthly export: upload -> parsed rows with their problems -> matched to
plan entries by code -> reconciled -> the office applies the rows it accepts. Nothing in the registry changes
until applied; applying records the province's figures (the province's side of reconciliation, never the
unit's own report) and their events in one transaction; the same file or the same figures again change nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from gongjian_projects.access import Scope
from gongjian_projects.models import ProgressReport, Project, ProvincialBatch, ProvincialFigure, ProvincialRow
from gongjian_projects.provincial import ledger_items
from gongjian_projects.provincial.errors import BatchNotFound, RowsNotApplicable
from gongjian_projects.provincial.parsing import ParsedRow, parse
from gongjian_projects.provincial.reconciliation import Side, Verdict, reconcile
from gongjian_projects.provincial.repository import ProvincialRepository
from gongjian_projects.provincial.schemas import (
    ApplyResult,
    BatchCounts,
    BatchOut,
    ReconciliationOut,
    RowProblem,
    RowRef,
    StagedRow,
)
from gongjian_projects.units.repository import UnitRepository
from gongjian_shared.errors import field_error
from gongjian_shared.events.projects import ProvincialFiguresApplied
from gongjian_shared.office_text import office_text
from gongjian_shared.uow import UnitOfWork

FIGURE_FIELDS = (
    "completed_10k",
    "cumulative_10k",
    "total_investment_10k",
    "planned_investment_10k",
    "started_on",
    "physical_progress",
)


def _matches(parsed: list[ParsedRow], entries: Sequence[Project]) -> list[tuple[str, uuid.UUID | None]]:
    """Each row's match and project: a code on several rows (or held by several entries) is ambiguous."""
    by_code: dict[str, list[Project]] = {}
    for entry in entries:
        for code in {entry.code, entry.legacy_code} - {None}:
            by_code.setdefault(str(code), []).append(entry)

    def holder(code: str | None) -> object:
        return by_code[code][0].id if code is not None and code in by_code else code

    # a project on several rows (twice, or under its current and its pre-2020 code) is ambiguous too
    on_rows = Counter(holder(row.values["code"]) for row in parsed)
    result: list[tuple[str, uuid.UUID | None]] = []
    for row in parsed:
        code = row.values["code"]
        if code is None or any(problem["field"] == "code" for problem in row.problems):
            result.append(("invalid", None))
        elif len(by_code.get(code, [])) > 1 or on_rows[holder(code)] > 1:
            result.append(("ambiguous", None))
        elif code not in by_code:
            result.append(("unmatched", None))
        else:
            result.append(("matched", by_code[code][0].id))
    return result


async def upload(
    uow: UnitOfWork, scope: Scope, year: int, month: int, filename: str, content: bytes, tolerance: Decimal
) -> BatchOut:
    """Stage a provincial export: its rows parsed and matched, nothing applied. The same content again answers
    the batch already staged (`duplicate`), unchanged."""
    repository = ProvincialRepository(uow.session)
    sha256 = hashlib.sha256(content).hexdigest()
    existing = await repository.batch_by_sha256(sha256)
    if existing is not None:
        return await batch_out(uow, existing, tolerance, duplicate=True)
    parsed = parse(content, filename)
    codes = {row.values["code"] for row in parsed.rows if row.values["code"]}
    matches = _matches(parsed.rows, await repository.entries_by_code(year, codes))
    batch = ProvincialBatch(
        id=uuid.uuid4(),
        sha256=sha256,
        filename=office_text(filename).replace("\t", " ").strip()[:200] or "provincial.xlsx",
        template=parsed.layout.template.key,
        year=year,
        month=month,
        row_count=len(parsed.rows),
        uploaded_by=scope.principal.user_id,
        uploaded_at=uow.clock.now(),
    )
    repository.add(batch)
    await repository.flush()
    repository.add_all(
        _staged_row(batch.id, row, match) for row, match in zip(parsed.rows, matches, strict=True)
    )
    await repository.flush()
    return await batch_out(uow, batch, tolerance, duplicate=False)


def _staged_row(batch_id: uuid.UUID, row: ParsedRow, match: tuple[str, uuid.UUID | None]) -> ProvincialRow:
    values = row.values
    return ProvincialRow(
        id=uuid.uuid4(),
        batch_id=batch_id,
        row_number=row.row_number,
        code=values["code"],
        name=values["name"],
        location=values["location"],
        total_investment_10k=values["total_investment"],
        planned_investment_10k=values["planned_investment"],
        completed_10k=values["completed"],
        cumulative_10k=values["cumulative"],
        started_on=values["started_on"],
        physical_progress=values["physical_progress"],
        problems=row.problems,
        match=match[0],
        project_id=match[1],
    )


def applicable(row: ProvincialRow) -> bool:
    return (
        row.match == "matched"
        and not row.problems
        and row.completed_10k is not None
        and row.cumulative_10k is not None
    )


def our_side(report: ProgressReport | None) -> Side | None:
    return None if report is None else Side(report.completed_10k, report.cumulative_10k)


def reconciliation_out(
    verdict: Verdict,
    report: ProgressReport | None,
    province: Side | None,
    unit: tuple[uuid.UUID, str] | None,
) -> ReconciliationOut:
    responsible = unit if verdict.correct_on is not None else None
    return ReconciliationOut(
        outcome=verdict.outcome,
        our_completed_10k=report.completed_10k if report else None,
        our_cumulative_10k=report.cumulative_10k if report else None,
        our_report_status=report.status if report else None,
        province_completed_10k=province.completed_10k if province else None,
        province_cumulative_10k=province.cumulative_10k if province else None,
        completed_difference_10k=verdict.completed_difference_10k,
        cumulative_difference_10k=verdict.cumulative_difference_10k,
        beyond_tolerance=verdict.beyond_tolerance,
        responsible_unit_id=responsible[0] if responsible else None,
        responsible_unit_name=responsible[1] if responsible else None,
        correct_on=verdict.correct_on,
    )


def _province(row: ProvincialRow) -> Side | None:
    if row.completed_10k is None or row.cumulative_10k is None:
        return None
    return Side(row.completed_10k, row.cumulative_10k)


async def batch_out(
    uow: UnitOfWork, batch: ProvincialBatch, tolerance: Decimal, *, duplicate: bool
) -> BatchOut:
    repository = ProvincialRepository(uow.session)
    rows = await repository.rows_of(batch.id)
    project_ids = {row.project_id for row in rows if row.project_id is not None}
    entries = {entry.id: entry for entry in await repository.entries(project_ids)}
    reports = await repository.reports(batch.year, batch.month, project_ids)
    unit_names = {unit.id: unit.name for unit in await UnitRepository(uow.session).all()}
    staged = []
    for row in rows:
        entry = entries.get(row.project_id) if row.project_id else None
        reconciliation = None
        if entry is not None and applicable(row):
            report = reports.get(entry.id)
            verdict = reconcile(
                our_side(report),
                report is not None and report.status == "accepted",
                _province(row),
                tolerance,
            )
            reconciliation = reconciliation_out(
                verdict, report, _province(row), (entry.unit_id, unit_names.get(entry.unit_id, ""))
            )
        staged.append(
            StagedRow(
                row_number=row.row_number,
                code=row.code,
                name=row.name,
                location=row.location,
                total_investment_10k=row.total_investment_10k,
                planned_investment_10k=row.planned_investment_10k,
                completed_10k=row.completed_10k,
                cumulative_10k=row.cumulative_10k,
                started_on=row.started_on,
                physical_progress=row.physical_progress,
                problems=[RowProblem.model_validate(problem) for problem in row.problems],
                match=row.match,
                project_id=row.project_id,
                project_name=entry.name if entry else None,
                applicable=applicable(row),
                applied_at=row.applied_at,
                reconciliation=reconciliation,
            )
        )
    return _batch(batch, staged, duplicate)


def _batch(batch: ProvincialBatch, rows: list[StagedRow], duplicate: bool) -> BatchOut:
    counts = Counter(row.match for row in rows)
    return BatchOut(
        id=batch.id,
        filename=batch.filename,
        sha256=batch.sha256,
        template=batch.template,
        year=batch.year,
        month=batch.month,
        uploaded_at=batch.uploaded_at,
        applied_at=batch.applied_at,
        duplicate=duplicate,
        counts=BatchCounts(
            rows=len(rows),
            matched=counts["matched"],
            unmatched=counts["unmatched"],
            ambiguous=counts["ambiguous"],
            invalid=counts["invalid"],
            with_problems=sum(1 for row in rows if row.problems),
            applicable=sum(1 for row in rows if row.applicable),
            applied=sum(1 for row in rows if row.applied_at is not None),
        ),
        unmatched=[
            RowRef(row_number=r.row_number, code=r.code, name=r.name) for r in rows if r.match == "unmatched"
        ],
        ambiguous=[
            RowRef(row_number=r.row_number, code=r.code, name=r.name) for r in rows if r.match == "ambiguous"
        ],
        rows=rows,
    )


async def get_batch(uow: UnitOfWork, batch_id: uuid.UUID, tolerance: Decimal) -> BatchOut:
    batch = await ProvincialRepository(uow.session).get(batch_id)
    if batch is None:
        raise BatchNotFound(errors=[field_error("batch_id", "exists", "No such batch", "导入批次不存在")])
    return await batch_out(uow, batch, tolerance, duplicate=False)


def _chosen(rows: Sequence[ProvincialRow], numbers: list[int] | None) -> list[ProvincialRow]:
    """The rows the office accepts; 409 naming each one that is unknown or cannot be applied, nothing applied."""
    if numbers is None:
        return [row for row in rows if applicable(row)]
    by_number = {row.row_number: row for row in rows}
    errors = []
    for index, number in enumerate(numbers):
        row = by_number.get(number)
        if row is None:
            errors.append(field_error(f"rows[{index}]", "exists", f"No row {number}", f"没有第 {number} 行"))
        elif not applicable(row):
            errors.append(
                field_error(
                    f"rows[{index}]",
                    "applicable",
                    f"Row {number} is {row.match}{' with problems' if row.problems else ''}",
                    f"第 {number} 行未唯一匹配到项目或有错误，不能应用",
                )
            )
    if errors:
        raise RowsNotApplicable(errors=errors[:500])
    return [by_number[number] for number in dict.fromkeys(numbers)]


def _same(figure: ProvincialFigure, row: ProvincialRow) -> bool:
    return all(getattr(figure, name) == getattr(row, name) for name in FIGURE_FIELDS)


async def apply(
    uow: UnitOfWork, scope: Scope, batch_id: uuid.UUID, numbers: list[int] | None, tolerance: Decimal
) -> ApplyResult:
    """Record the province's figures of the accepted rows, with a `provincial-figures-applied` event each, and a
    ledger item for a difference beyond the tolerance (once per project and month); figures already recorded
    with the same values change nothing."""
    repository = ProvincialRepository(uow.session)
    batch = await repository.get(batch_id, for_update=True)
    if batch is None:
        raise BatchNotFound(errors=[field_error("batch_id", "exists", "No such batch", "导入批次不存在")])
    rows = _chosen(await repository.rows_of(batch.id), numbers)
    project_ids = {row.project_id for row in rows if row.project_id is not None}
    entries = {entry.id: entry for entry in await repository.entries(project_ids)}
    figures = await repository.figures(batch.year, batch.month, project_ids, for_update=True)
    reports = await repository.reports(batch.year, batch.month, project_ids)
    now, changed, opened = uow.clock.now(), 0, 0
    for row in rows:
        entry = entries[row.project_id] if row.project_id else None
        assert entry is not None  # an applicable row is matched
        figure = figures.get(entry.id)
        if row.applied_at is None:
            row.applied_at = now
        if figure is not None and _same(figure, row):
            continue
        figure = _record(figure, batch, row, entry, scope, now)
        figures[entry.id] = figure
        report = reports.get(entry.id)
        verdict = reconcile(
            our_side(report), report is not None and report.status == "accepted", _province(row), tolerance
        )
        if verdict.outcome == "differs" and verdict.beyond_tolerance and figure.obstacle_id is None:
            figure.obstacle_id = await ledger_items.open_for_difference(uow, scope, batch, entry, verdict)
            opened += 1
        repository.add(figure)
        await repository.flush()
        await _publish(uow, batch, figure, verdict)
        changed += 1
    if changed and batch.applied_at is None:
        batch.applied_at, batch.applied_by = now, scope.principal.user_id
    return ApplyResult(
        batch_id=batch.id, changed=changed, unchanged=len(rows) - changed, ledger_items_opened=opened
    )


def _record(
    figure: ProvincialFigure | None,
    batch: ProvincialBatch,
    row: ProvincialRow,
    entry: Project,
    scope: Scope,
    now: datetime,
) -> ProvincialFigure:
    if figure is None:
        figure = ProvincialFigure(project_id=entry.id, year=batch.year, month=batch.month, revision=0)
    for name in FIGURE_FIELDS:
        setattr(figure, name, getattr(row, name))
    figure.unit_id = entry.unit_id
    figure.batch_id, figure.row_id = batch.id, row.id
    figure.applied_by, figure.applied_at = scope.principal.user_id, now
    figure.revision = (figure.revision or 0) + 1
    return figure


async def _publish(
    uow: UnitOfWork, batch: ProvincialBatch, figure: ProvincialFigure, verdict: Verdict
) -> None:
    # the province's side is there: the outcome is one of agrees, differs, no-report
    await uow.outbox.publish(
        uow.session,
        ProvincialFiguresApplied(
            batch_id=batch.id,
            project_id=figure.project_id,
            unit_id=figure.unit_id,
            year=figure.year,
            month=figure.month,
            completed_10k=figure.completed_10k,
            cumulative_10k=figure.cumulative_10k,
            outcome=verdict.outcome,
            completed_difference_10k=verdict.completed_difference_10k,
            cumulative_difference_10k=verdict.cumulative_difference_10k,
            beyond_tolerance=verdict.beyond_tolerance,
            obstacle_id=figure.obstacle_id,
        ),
        key=str(figure.project_id),
    )
