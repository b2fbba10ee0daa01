"""The month's reconciliation report (月度对账表) per unit, and the outbound export in the province's template
(our figures of every plan project, for the office to upload to the provincial platform)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from gongjian_projects.models import ProgressReport, Project, ProvincialFigure
from gongjian_projects.provincial.reconciliation import Side, reconcile
from gongjian_projects.provincial.repository import ProvincialRepository
from gongjian_projects.provincial.schemas import ReconciliationLine, ReconciliationReport, UnitReconciliation
from gongjian_projects.provincial.service import our_side, reconciliation_out
from gongjian_projects.units.repository import UnitRepository
from gongjian_shared.uow import UnitOfWork


def _line(
    entry: Project,
    report: ProgressReport | None,
    figure: ProvincialFigure | None,
    unit_name: str,
    tolerance: Decimal,
) -> ReconciliationLine:
    province = Side(figure.completed_10k, figure.cumulative_10k) if figure else None
    verdict = reconcile(
        our_side(report), report is not None and report.status == "accepted", province, tolerance
    )
    out = reconciliation_out(verdict, report, province, (entry.unit_id, unit_name))
    return ReconciliationLine(
        **out.model_dump(),
        project_id=entry.id,
        project_name=entry.name,
        code=entry.code or entry.legacy_code,
        unit_id=entry.unit_id,
        unit_name=unit_name,
    )


def _units(lines: Iterable[ReconciliationLine]) -> list[UnitReconciliation]:
    summaries: dict[uuid.UUID, UnitReconciliation] = {}
    for line in lines:
        summary = summaries.setdefault(
            line.unit_id,
            UnitReconciliation(
                unit_id=line.unit_id,
                unit_name=line.unit_name,
                projects=0,
                agrees=0,
                differs=0,
                beyond_tolerance=0,
                no_report=0,
                no_provincial_figure=0,
                our_completed_10k=Decimal(0),
                province_completed_10k=Decimal(0),
            ),
        )
        summary.projects += 1
        field = line.outcome.replace("-", "_")
        setattr(summary, field, getattr(summary, field) + 1)
        summary.beyond_tolerance += int(line.beyond_tolerance)
        summary.our_completed_10k += line.our_completed_10k or 0
        summary.province_completed_10k += line.province_completed_10k or 0
    return sorted(summaries.values(), key=lambda summary: summary.unit_name)


async def reconciliation_report(
    uow: UnitOfWork, year: int, month: int, unit_id: uuid.UUID | None, tolerance: Decimal
) -> ReconciliationReport:
    """Every key project on the plan in the month, and every project with a provincial figure of it; one unit's
    with `unit_id`."""
    repository = ProvincialRepository(uow.session)
    entries = {entry.id: entry for entry in await repository.plan_entries(year, date(year, month, 1))}
    figures = await repository.figures(year, month)
    missing = set(figures) - set(entries)
    entries |= {entry.id: entry for entry in await repository.entries(missing)}
    if unit_id is not None:
        entries = {key: entry for key, entry in entries.items() if entry.unit_id == unit_id}
    reports = await repository.reports(year, month, set(entries))
    names = {unit.id: unit.name for unit in await UnitRepository(uow.session).all()}
    lines = [
        _line(entry, reports.get(entry.id), figures.get(entry.id), names.get(entry.unit_id, ""), tolerance)
        for entry in entries.values()
    ]
    lines.sort(key=lambda line: (line.unit_name, line.code or "", line.project_name))
    return ReconciliationReport(
        year=year, month=month, tolerance_10k=tolerance, units=_units(lines), lines=lines
    )


async def export_rows(uow: UnitOfWork, year: int, month: int) -> list[tuple[Project, ProgressReport | None]]:
    """The month's plan projects with the unit's report of the month (none where it has not reported)."""
    repository = ProvincialRepository(uow.session)
    entries = await repository.plan_entries(year, date(year, month, 1))
    reports = await repository.reports(year, month, {entry.id for entry in entries})
    return [(entry, reports.get(entry.id)) for entry in entries]
