"""Investment attraction (招商引资): “招商引资项目抓签约、签约项目抓落地、落地项目抓开工”. A project moves forward
one stage at a time, each with its date; the year's projects are tallied per unit against the Annex 2
targets and the notice's headline targets (5亿元以上项目、外资企业、返乡创业项目、内资、外资)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from gongjian_projects.access import Scope, ensure_may_write
from gongjian_projects.attraction.repository import AttractionRepository
from gongjian_projects.attraction.schemas import (
    AttractionTally,
    AttractionTallyTable,
    HeadlineTarget,
    StageMove,
)
from gongjian_projects.models import Project
from gongjian_projects.projects.errors import AttractionStageConflict
from gongjian_projects.projects.repository import ProjectRepository, visible_to
from gongjian_projects.projects.schemas import ATTRACTION_STAGE_ORDER
from gongjian_projects.projects.service import publish_project_changed, visible_project
from gongjian_shared.clock import business_today
from gongjian_shared.errors import RuleViolation, field_error
from gongjian_shared.uow import UnitOfWork

STAGE_DATE = {
    "signed": "attraction_signed_on",
    "landed": "attraction_landed_on",
    "started": "attraction_started_on",
}
FIGURES = (
    "projects",
    "landed",
    "started",
    "over_500m_cny",
    "foreign_enterprises",
    "returnee_projects",
    "signed_amount_10k",
    "funds_in_place_10k",
    "signed_amount_usd_10k",
    "funds_in_place_usd_10k",
    "domestic_funds_in_place_10k",
)
# 通知第四条: 全年引进投资5亿元以上项目20个，引进外资企业10家，返乡投资项目100个以上，内资760亿元以上，外资4000万美元以上
HEADLINE_TARGETS: dict[int, tuple[tuple[str, str, Decimal, str], ...]] = {
    2019: (
        ("投资5亿元以上项目", "over_500m_cny", Decimal(20), "个"),
        ("外资企业", "foreign_enterprises", Decimal(10), "家"),
        ("返乡创业投资项目", "returnee_projects", Decimal(100), "个"),
        ("招商引进内资（到位）", "domestic_funds_in_place_10k", Decimal(7_600_000), "万元"),
        ("利用外资（到位）", "funds_in_place_usd_10k", Decimal(4_000), "万美元"),
    )
}


def _ensure_next(project: Project, move: StageMove, today: date) -> None:
    current = project.attraction_stage or "signed"
    following = ATTRACTION_STAGE_ORDER[ATTRACTION_STAGE_ORDER.index(current) + 1 :]
    if not following or move.stage != following[0]:
        raise AttractionStageConflict(f"The project is {current}.", extra={"allowed": list(following[:1])})
    if move.on > today:
        raise AttractionStageConflict(
            errors=[field_error("on", "not-future", "The date lies in the future", "日期不能晚于今天")]
        )
    previous = getattr(project, STAGE_DATE[current])
    if previous is not None and move.on < previous:
        raise AttractionStageConflict(
            errors=[
                field_error(
                    "on",
                    "after-previous-stage",
                    f"Before the {current} date {previous}",
                    f"日期早于上一阶段日期 {previous}",
                )
            ]
        )


async def advance_stage(uow: UnitOfWork, scope: Scope, project_id: uuid.UUID, move: StageMove) -> Project:
    """signed -> landed -> started, one step at a time (409 otherwise); emits `project-updated`."""
    project = await visible_project(uow, scope, project_id, for_update=True)
    ensure_may_write(scope, project.unit_id)
    if project.kind != "attraction":
        raise RuleViolation(
            errors=[
                field_error("project_id", "attraction-only", "Not an attraction project", "不是招商引资项目")
            ]
        )
    _ensure_next(project, move, business_today(uow.clock))
    project.attraction_stage = move.stage
    setattr(project, STAGE_DATE[move.stage], move.on)
    project.revision += 1
    project.updated_at = uow.clock.now()
    await ProjectRepository(uow.session).flush()
    await publish_project_changed(uow, project)
    return project


def _row(
    unit_id: uuid.UUID | None, name: str, figures: Sequence[Any], targets: Sequence[Any]
) -> AttractionTally:
    values = dict(zip(FIGURES, figures, strict=True))
    return AttractionTally(
        unit_id=unit_id,
        name=name,
        **{key: values[key] if key.endswith("_10k") else int(values[key]) for key in FIGURES},
        target_funds_in_place_100m=targets[0],
        target_other=targets[1],
    )


def _total(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [value for value in values if value is not None]
    return sum(present, Decimal(0)) if present else None


def _headline(year: int, city: AttractionTally) -> list[HeadlineTarget]:
    return [
        HeadlineTarget(name=name, target=target, actual=Decimal(getattr(city, field)), unit=unit)
        for name, field, target, unit in HEADLINE_TARGETS.get(year, ())
    ]


async def tally(uow: UnitOfWork, scope: Scope, year: int) -> AttractionTallyTable:
    """Per unit the caller may see (units with projects or an Annex 2 attraction target); the city's row and
    the notice's headline targets for the office and conveners."""
    repository = AttractionRepository(uow.session)
    figures = {row[0]: row for row in await repository.tally(year, visible_to(scope))}
    targets = {
        row[0]: row for row in await repository.targets(year) if scope.read_all or row[0] in scope.unit_ids
    }
    zero = (0,) * len(FIGURES)
    rows = [
        _row(
            unit_id,
            (figures.get(unit_id) or targets[unit_id])[1],
            figures[unit_id][2:] if unit_id in figures else zero,
            targets[unit_id][2:] if unit_id in targets else (None, None),
        )
        for unit_id in {*figures, *targets}
    ]
    rows.sort(key=lambda row: row.name)
    city = headline = None
    if scope.read_all:
        sums = [sum((Decimal(getattr(row, key)) for row in rows), Decimal(0)) for key in FIGURES]
        city = _row(None, "全市", sums, [_total(row.target_funds_in_place_100m for row in rows), None])
        headline = _headline(year, city)
    return AttractionTallyTable(
        year=year, as_of=business_today(uow.clock), rows=rows, city=city, headline=headline or []
    )
