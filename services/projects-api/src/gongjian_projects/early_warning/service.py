"""Early warning (预警研判): each key project against the time-schedule benchmark, red turns announced.

A project is judged when a report of it is accepted and, for every key project, when a month freezes
(or when the office asks). A judgement never goes back in time: an older month does not overwrite a newer.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from gongjian_projects.access import Scope
from gongjian_projects.early_warning.repository import JUDGED_STATUSES, WarningRepository
from gongjian_projects.early_warning.rules import DEFAULT_RED_POINTS, DEFAULT_YELLOW_POINTS, judge
from gongjian_projects.early_warning.schemas import (
    ColourCounts,
    Evaluation,
    ThresholdsIn,
    ThresholdsOut,
    WarningOut,
)
from gongjian_projects.http import require_if_match
from gongjian_projects.models import Project, WarningThresholds
from gongjian_projects.progress.repository import ProgressReportRepository
from gongjian_projects.projects.repository import visible_to
from gongjian_shared.events.projects import ProjectBehindSchedule
from gongjian_shared.uow import UnitOfWork


async def thresholds_of(uow: UnitOfWork, year: int) -> ThresholdsOut:
    row = await WarningRepository(uow.session).thresholds(year)
    if row is None:
        return ThresholdsOut(
            year=year, yellow_points=DEFAULT_YELLOW_POINTS, red_points=DEFAULT_RED_POINTS, revision=0
        )
    return ThresholdsOut(
        year=year, yellow_points=row.yellow_points, red_points=row.red_points, revision=row.revision
    )


async def set_thresholds(
    uow: UnitOfWork, year: int, if_match: str | None, command: ThresholdsIn
) -> ThresholdsOut:
    """Revision 0 stands for the defaults, so the first change sends `If-Match: "0"`."""
    warnings = WarningRepository(uow.session)
    row = await warnings.thresholds(year, for_update=True)
    require_if_match(if_match, row.revision if row else 0)
    if row is None:
        row = WarningThresholds(
            year=year, revision=0, yellow_points=command.yellow_points, red_points=command.red_points
        )
        warnings.add(row)
    row.yellow_points, row.red_points = command.yellow_points, command.red_points
    row.revision += 1
    await warnings.flush()
    return await thresholds_of(uow, year)


def _month_after(year: int, month: int) -> date:
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


async def judge_project(
    uow: UnitOfWork, project: Project, year: int, month: int, *, year_to_date_10k: Decimal | None = None
) -> bool | None:
    """Judge one key project as of the end of the month; True when it turned red now, None when not judged.
    `year_to_date_10k`: the accepted figure, when the caller has just read it in this transaction."""
    session, outbox, clock = uow.session, uow.outbox, uow.clock
    if project.kind != "key" or project.status not in JUDGED_STATUSES or project.year != year:
        return None
    warnings = WarningRepository(session)
    previous = await warnings.warning(project.id)
    if previous is not None and (previous.year, previous.month) > (year, month):
        return None
    thresholds = await thresholds_of(uow, year)
    if year_to_date_10k is None:
        year_to_date_10k = await ProgressReportRepository(session).year_to_date(project.id, year, month)
    verdict = judge(
        month=month,
        planned_10k=project.planned_investment_10k,
        year_to_date_10k=year_to_date_10k,
        started=project.status != "planned",
        planned_start=project.planned_start,
        as_of=_month_after(year, month),
        plan_category=project.plan_category,
        yellow_points=thresholds.yellow_points,
        red_points=thresholds.red_points,
    )
    await warnings.save(
        {
            "project_id": project.id,
            "year": year,
            "month": month,
            "colour": verdict.colour,
            "completion_share_percent": verdict.completion_share_percent,
            "benchmark_percent": verdict.benchmark_percent,
            "reason": verdict.reason,
            "computed_at": clock.now(),
        }
    )
    turned_red = verdict.colour == "red" and (previous is None or previous.colour != "red")
    if turned_red:
        await outbox.publish(
            session,
            ProjectBehindSchedule(
                project_id=project.id,
                project_name=project.name,
                unit_id=project.unit_id,
                year=year,
                month=month,
                completion_share_percent=verdict.completion_share_percent,
                benchmark_percent=verdict.benchmark_percent,
                colour="red",
                reason=verdict.reason,
                leader_ids=tuple(await warnings.leader_ids(project.id)),
            ),
            key=str(project.id),
        )
    return turned_red


async def evaluate_month(uow: UnitOfWork, year: int, month: int) -> Evaluation:
    judged = turned_red = 0
    for project in await WarningRepository(uow.session).judged_projects(year):
        outcome = await judge_project(uow, project, year, month)
        judged += outcome is not None
        turned_red += bool(outcome)
    return Evaluation(year=year, month=month, judged=judged, turned_red=turned_red)


async def warnings_of_year(uow: UnitOfWork, scope: Scope, year: int, colour: str | None) -> list[WarningOut]:
    """The year's judged key projects the caller may read, with their latest colour, red first."""
    rows = await WarningRepository(uow.session).of_year(year, colour, visible_to(scope))
    return [
        WarningOut(
            project_id=warning.project_id,
            project_name=name,
            unit_id=unit_id,
            year=warning.year,
            month=warning.month,
            colour=warning.colour,
            completion_share_percent=warning.completion_share_percent,
            benchmark_percent=warning.benchmark_percent,
            reason=warning.reason,
            computed_at=warning.computed_at,
        )
        for warning, name, unit_id in rows
    ]


async def rollup(uow: UnitOfWork, year: int, by: str) -> list[ColourCounts]:
    warnings = WarningRepository(uow.session)
    rows = await (warnings.counts_by_unit(year) if by == "unit" else warnings.counts_by_leader(year))
    grouped: dict[object, ColourCounts] = {}
    totals: defaultdict[object, dict[str, int]] = defaultdict(dict)
    for key, name, colour, count in rows:
        grouped.setdefault(key, ColourCounts(id=key, name=name))
        totals[key][colour] = int(count)
    return [entry.model_copy(update=totals[key]) for key, entry in grouped.items()]
