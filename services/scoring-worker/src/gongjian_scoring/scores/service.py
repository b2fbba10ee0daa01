"""Live scoring (实时考核评分): rescore a unit whenever its facts change, keep dated snapshots, emit
`score-updated`; and the full recompute.

A unit's as-of date is the latest date its facts carry (1 January of the year for a unit with no facts yet),
and never earlier than its last snapshot's, which a recompute as of a later date may have set; so it depends
on the facts, not on when or in which order they were applied, and rescoring one unit after each event,
recomputing everything from the read model, and replaying every event from the start all reach the same
sheets.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_scoring.assessment.engine import compute_unit, is_provisional
from gongjian_scoring.assessment.rules import RuleSet
from gongjian_scoring.assessment.sheet import UnitResult
from gongjian_scoring.facts.documents import CollectedUnit, collect
from gongjian_scoring.facts.repository import FactsQueries
from gongjian_scoring.facts.service import UnitYear
from gongjian_scoring.models import BUS, StoredRuleSet
from gongjian_scoring.rule_sets.repository import RuleSetRef, RuleSetRepository
from gongjian_scoring.rule_sets.service import loaded, rule_set_at, rule_set_kind
from gongjian_scoring.scores.repository import SnapshotRepository, SnapshotRow
from gongjian_scoring.settings import ScoringSettings
from gongjian_shared.clock import Clock, SystemClock
from gongjian_shared.db import create_engine, create_sessionmaker, unit_of_work
from gongjian_shared.events.envelope import EventEnvelope
from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.events.scoring import ItemPoints, ScoreUpdated
from gongjian_shared.outbox import Outbox, correlation_id_var
from gongjian_shared.uow import UnitOfWork


@dataclass(frozen=True)
class RecomputeReport:
    """What a full recompute of one rule set did: units scored, snapshots written, events emitted."""

    rule_set_id: str
    rule_set_version: int
    units: int
    snapshots_written: int
    events_emitted: int
    seconds: float


def pack(result: UnitResult) -> dict[str, Any]:
    """A unit result as stored: without the items' source texts, which the rule set version holds."""
    data = result.model_dump(mode="json")
    for item in data["items"]:
        del item["source_text"]
    return data


def unpack(data: dict[str, Any], rule_set: RuleSet) -> UnitResult:
    texts = {item.id: item.source_text for item in rule_set.items}
    items = [{**item, "source_text": texts.get(item["id"], "")} for item in data["items"]]
    return UnitResult.model_validate({**data, "items": items})


def unit_as_of(fact_date: date | None, latest: SnapshotRow | None, year: int) -> date:
    days = [d for d in (fact_date, latest.as_of if latest else None) if d is not None]
    return max(days) if days else date(year, 1, 1)


class Scorer:
    """Rescoring as facts change, writing snapshots and `score-updated` in the caller's transaction."""

    def __init__(self, outbox: Outbox, clock: Clock) -> None:
        self._outbox = outbox
        self._clock = clock

    async def on_facts_changed(self, session: AsyncSession, touched: set[UnitYear]) -> None:
        for unit_id, year in sorted(touched, key=lambda pair: (str(pair[0]), pair[1])):
            await self.rescore(session, unit_id, year)

    async def on_unit_changed(self, session: AsyncSession, event: UnitUpdated) -> None:
        """A unit's name or kind changed (or it is new): rescore it under every rule set of its kind."""
        kind = rule_set_kind(event.kind)
        if kind is None:
            return
        for stored in await RuleSetRepository(session).latest_versions():
            if stored.unit_kind == kind:
                await self._rescore_with(session, stored.id, event.unit_id, event.name)

    async def rescore(self, session: AsyncSession, unit_id: uuid.UUID, year: int) -> None:
        """Rescore one unit for one year, if a rule set scores it."""
        unit = await FactsQueries(session).unit(unit_id)
        kind = rule_set_kind(unit[1]) if unit else None
        if unit is None or kind is None:
            return
        ref = await RuleSetRepository(session).ref_for(year, kind)
        if ref is not None:
            await self._rescore_with(session, ref.id, unit_id, unit[0])

    async def _rescore_with(
        self, session: AsyncSession, rule_set_id: str, unit_id: uuid.UUID, name: str
    ) -> None:
        snapshots = SnapshotRepository(session)
        await snapshots.lock_unit(rule_set_id, unit_id)
        # read after taking the locks: a revision of the rule set may have committed meanwhile
        ref = await RuleSetRepository(session).ref(rule_set_id)
        if ref is None:
            return
        rule_set = await rule_set_at(session, ref)
        collected = await collect(session, rule_set, [unit_id], names={unit_id: name})
        latest = (await snapshots.latest(ref.id, [unit_id])).get(unit_id)
        await self.store(session, ref, rule_set, collected, {unit_id: latest} if latest else {})

    async def store(
        self,
        session: AsyncSession,
        stored: RuleSetRef | StoredRuleSet,
        rule_set: RuleSet,
        units: Sequence[CollectedUnit],
        latest: dict[uuid.UUID, SnapshotRow],
    ) -> tuple[int, int]:
        """Score the units; write a snapshot where the sheet or its date changed, and an event where the
        score changed. Returns (snapshots written, events emitted)."""
        rows: list[dict[str, Any]] = []
        events: list[ScoreUpdated] = []
        now = self._clock.now()
        for unit in units:
            previous = latest.get(unit.unit_id)
            as_of = unit_as_of(unit.fact_date, previous, rule_set.year)
            result = compute_unit(rule_set, unit.facts, as_of)
            packed = pack(result)
            provisional = is_provisional(rule_set, as_of)
            same_score = (
                previous is not None
                and previous.result == packed
                and previous.provisional == provisional
                and previous.rule_set_version == stored.version
            )
            if (
                same_score
                and previous is not None
                and previous.as_of == as_of
                and previous.unit_name == result.unit
            ):
                continue
            rows.append(
                {
                    "rule_set_id": stored.id,
                    "rule_set_version": stored.version,
                    "year": rule_set.year,
                    "unit_id": unit.unit_id,
                    "unit_name": result.unit,
                    "as_of": as_of,
                    "provisional": provisional,
                    "total": result.total,
                    "eligible": result.eligible,
                    "result": packed,
                    "computed_at": now,
                }
            )
            if not same_score:
                events.append(_score_updated(stored, unit.unit_id, result, as_of, provisional, previous))
        await SnapshotRepository(session).put(rows)
        if len(events) == 1:
            await self._outbox.publish(session, events[0], key=str(events[0].unit_id))
        elif events:
            await SnapshotRepository(session).publish_all(
                [
                    EventEnvelope.wrap(
                        event,
                        producer=self._outbox.producer,
                        key=str(event.unit_id),
                        occurred_at=now,
                        correlation_id=correlation_id_var.get(),
                    )
                    for event in events
                ]
            )
        return len(rows), len(events)

    async def recompute(
        self,
        session: AsyncSession,
        *,
        rule_set_id: str | None = None,
        year: int | None = None,
        as_of: date | None = None,
    ) -> list[RecomputeReport]:
        """Recompute every unit of every rule set (or of one, or of a year) from the read model.

        `as_of` dates the sheets at the earliest (a unit's facts or snapshots may be later); by default each
        unit keeps the date its facts give it, so a recompute of unchanged facts writes nothing.
        """
        reports = []
        for candidate in await RuleSetRepository(session).latest_versions(year):
            if rule_set_id is not None and candidate.id != rule_set_id:
                continue
            started = time.perf_counter()
            snapshots = SnapshotRepository(session)
            await snapshots.lock_rule_set(candidate.id)
            stored = await RuleSetRepository(session).get(candidate.id)
            assert stored is not None
            rule_set = loaded(stored)
            units = await collect(session, rule_set)
            latest = await snapshots.latest(stored.id)
            if as_of is not None:
                units = [_at_least(unit, as_of) for unit in units]
            written, emitted = await self.store(session, stored, rule_set, units, latest)
            reports.append(
                RecomputeReport(
                    stored.id, stored.version, len(units), written, emitted, time.perf_counter() - started
                )
            )
        return reports


async def recompute_all(
    settings: ScoringSettings | None = None,
    *,
    rule_set_id: str | None = None,
    year: int | None = None,
    as_of: date | None = None,
    clock: Clock | None = None,
) -> list[RecomputeReport]:
    """The full recompute command (全量重算), in its own transaction: every unit of every rule set (or of one
    rule set, or of one year) from the read model; snapshots and `score-updated` only where something changed.
    """
    settings = settings or ScoringSettings()
    clock = clock or SystemClock()
    engine = create_engine(settings.database)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            scorer = Scorer(Outbox(BUS, settings.service_name, clock), clock)
            return await scorer.recompute(session, rule_set_id=rule_set_id, year=year, as_of=as_of)
    finally:
        await engine.dispose()


def scorer_in(uow: UnitOfWork) -> Scorer:
    """The scorer of a unit of work, writing to its outbox with its clock."""
    return Scorer(uow.outbox, uow.clock)


def _at_least(unit: CollectedUnit, as_of: date) -> CollectedUnit:
    fact_date = as_of if unit.fact_date is None else max(unit.fact_date, as_of)
    return CollectedUnit(unit.unit_id, unit.facts, fact_date)


def _score_updated(
    stored: RuleSetRef | StoredRuleSet,
    unit_id: uuid.UUID,
    result: UnitResult,
    as_of: date,
    provisional: bool,
    previous: SnapshotRow | None,
) -> ScoreUpdated:
    return ScoreUpdated(
        rule_set_id=stored.id,
        rule_set_version=stored.version,
        year=stored.year,
        unit_id=unit_id,
        unit_name=result.unit,
        as_of=as_of,
        provisional=provisional,
        total=result.total,
        previous_total=previous.total if previous else None,
        eligible=result.eligible,
        items=tuple(ItemPoints(id=i.id, points=i.points, applicable=i.applicable) for i in result.items),
    )
