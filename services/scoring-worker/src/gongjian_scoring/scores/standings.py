"""Reading scores for front ends (考核结果查询): live standings from the latest snapshots, published ones,
one unit's sheet, and a unit's trend."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from gongjian_scoring.access import sees_live_standings
from gongjian_scoring.assessments.errors import AssessmentNotFound
from gongjian_scoring.assessments.repository import AssessmentRepository
from gongjian_scoring.engine.ranking import rank_units
from gongjian_scoring.engine.rules import RuleSet, UnitKind
from gongjian_scoring.engine.sheet import ItemScore, ScoreSheet
from gongjian_scoring.facts.errors import UnitNotScored
from gongjian_scoring.facts.repository import FactsQueries
from gongjian_scoring.models import PublishedAssessment, ScoreSnapshot, StoredRuleSet
from gongjian_scoring.rule_sets.service import (
    SCORED_UNIT_KINDS,
    get_stored,
    loaded,
    scoring_rule_set,
    unit_rule_set,
)
from gongjian_scoring.scores.repository import SnapshotRepository
from gongjian_scoring.scores.schemas import ItemPoints, SnapshotPoint, StandingRow, Standings, UnitSheet
from gongjian_scoring.scores.service import unpack
from gongjian_shared.access import Scope
from gongjian_shared.uow import UnitOfWork


@dataclass(frozen=True)
class Ranked:
    """A ranked score sheet of a rule set, and what it says about each unit beyond the sheet itself."""

    stored: StoredRuleSet
    rule_set: RuleSet
    sheet: ScoreSheet
    unit_ids: dict[str, uuid.UUID | None]
    as_of: dict[str, date]
    provisional: dict[str, bool]
    published: PublishedAssessment | None = None


async def visible(uow: UnitOfWork, scope: Scope, year: int, kind: UnitKind, published: bool) -> Ranked:
    """The standings the caller may see: units the latest published ones only; the office the live
    (unpublished) ones too, or with `published` the latest published ones."""
    if published or not sees_live_standings(scope):
        return await latest_published(uow, year, kind)
    return await live(uow, await scoring_rule_set(uow, year, kind))


async def live(uow: UnitOfWork, stored: StoredRuleSet) -> Ranked:
    """The live ranking: every unit's latest snapshot, ranked (A6, A14, A15) as a full compute would."""
    rule_set = loaded(stored)
    latest = await SnapshotRepository(uow.session).latest(stored.id)
    snapshots = {s.unit_name: s for s in latest.values()}
    units = rank_units(rule_set, [unpack(s.result, rule_set) for s in latest.values()])
    as_of = {name: s.as_of for name, s in snapshots.items()}
    sheet = ScoreSheet(
        rule_set=stored.id,
        as_of=max(as_of.values(), default=date(rule_set.year, 1, 1)),
        provisional=any(s.provisional for s in latest.values()) or not latest,
        units=units,
    )
    return Ranked(
        stored,
        rule_set,
        sheet,
        {name: s.unit_id for name, s in snapshots.items()},
        as_of,
        {name: s.provisional for name, s in snapshots.items()},
    )


async def latest_published(uow: UnitOfWork, year: int, kind: UnitKind) -> Ranked:
    """The latest published assessment of a year and unit kind."""
    row = await AssessmentRepository(uow.session).latest_for(year, kind)
    if row is None:
        raise AssessmentNotFound(f"No {kind} assessment of {year} has been published yet.")
    return await of_assessment(uow, row)


async def of_assessment(uow: UnitOfWork, row: PublishedAssessment) -> Ranked:
    """A published assessment's standings, with the units' ids as the replica has them now."""
    stored = await get_stored(uow, row.rule_set_id, row.rule_set_version)
    sheet = ScoreSheet.model_validate(row.sheet)
    names = await FactsQueries(uow.session).units(SCORED_UNIT_KINDS[loaded(stored).unit_kind], None)
    ids = {name: unit_id for unit_id, name in names.items()}
    return Ranked(
        stored,
        loaded(stored),
        sheet,
        {u.unit: ids.get(u.unit) for u in sheet.units},
        {u.unit: sheet.as_of for u in sheet.units},
        {u.unit: sheet.provisional for u in sheet.units},
        published=row,
    )


def standings_out(ranked: Ranked) -> Standings:
    return Standings(
        rule_set_id=ranked.stored.id,
        rule_set_version=ranked.stored.version,
        year=ranked.rule_set.year,
        unit_kind=ranked.rule_set.unit_kind,
        as_of=ranked.sheet.as_of,
        provisional=ranked.sheet.provisional,
        published=ranked.published is not None,
        assessment_id=ranked.published.id if ranked.published else None,
        published_at=ranked.published.published_at if ranked.published else None,
        units=[
            StandingRow(
                unit_id=ranked.unit_ids.get(u.unit),
                unit=u.unit,
                rank=u.rank,
                total=u.total,
                award=u.award,
                eligible=u.eligible,
                assessed=u.assessed,
                as_of=ranked.as_of[u.unit],
                provisional=ranked.provisional[u.unit],
                items=points_of(u.items),
            )
            for u in ranked.sheet.units
        ],
    )


def points_of(items: Sequence[ItemScore]) -> list[ItemPoints]:
    return [ItemPoints(id=i.id, points=i.points, applicable=i.applicable) for i in items]


async def unit_sheet(uow: UnitOfWork, unit_id: uuid.UUID, year: int, *, with_rank: bool) -> UnitSheet:
    """A unit's live sheet; its rank and award in the live ranking only for the office."""
    stored = await unit_rule_set(uow, unit_id, year)
    snapshot = (await SnapshotRepository(uow.session).latest(stored.id, [unit_id])).get(unit_id)
    if snapshot is None:
        raise UnitNotScored(f"Unit {unit_id} has no score for {year} yet.")
    rule_set = loaded(stored)
    result = unpack(snapshot.result, rule_set)
    rank, award = None, None
    if with_rank:
        ranked = await live(uow, stored)
        line = next(u for u in ranked.sheet.units if u.unit == result.unit)
        rank, award = line.rank, line.award
    return UnitSheet(
        unit_id=unit_id,
        unit=result.unit,
        rule_set_id=stored.id,
        rule_set_version=snapshot.rule_set_version,
        year=rule_set.year,
        as_of=snapshot.as_of,
        provisional=snapshot.provisional,
        total=result.total,
        eligible=result.eligible,
        assessed=result.assessed,
        rank=rank,
        award=award,
        items=result.items,
    )


async def history(uow: UnitOfWork, unit_id: uuid.UUID, year: int) -> list[SnapshotPoint]:
    """A unit's trend: its snapshots, oldest first."""
    stored = await unit_rule_set(uow, unit_id, year)
    rule_set = loaded(stored)
    return [_point(s, rule_set) for s in await SnapshotRepository(uow.session).history(stored.id, unit_id)]


def _point(snapshot: ScoreSnapshot, rule_set: RuleSet) -> SnapshotPoint:
    return SnapshotPoint(
        as_of=snapshot.as_of,
        total=snapshot.total,
        provisional=snapshot.provisional,
        eligible=snapshot.eligible,
        rule_set_version=snapshot.rule_set_version,
        computed_at=snapshot.computed_at,
        items=points_of(unpack(snapshot.result, rule_set).items),
    )
