"""Live scoring (实时考核评分): rescore a unit whenever its facts change, keep dated snapshots, emit
`score-updated`; and the full recompute.

A unit's as-of date is the latest date its facts carry (1 January of the year for a unit with no facts yet),
and never earlier than its last snapshot's, which a recompute as of a later date may have set; so it depends
on the facts, not on when or in which order they were applied, and rescoring one unit after each event,
recomputing everything from the read model, and replaying every event from the start all reach the same
sheets.

Every function writes in the caller's unit of work: snapshots through `SnapshotRepository`, events through
`uow.outbox` (a full recompute collects its many events in a `BatchOutbox`, written in one statement).
"""

from __future__ import annotations

import dataclasses
import gc
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from gongjian_scoring.engine.compute import compute_unit, is_provisional
from gongjian_scoring.engine.rules import RuleSet
from gongjian_scoring.engine.sheet import UnitResult
from gongjian_scoring.facts.documents import CollectedUnit, collect
from gongjian_scoring.facts.repository import FactsQueries
from gongjian_scoring.models import BUS, StoredRuleSet
from gongjian_scoring.rule_sets.repository import RuleSetRef, RuleSetRepository
from gongjian_scoring.rule_sets.service import loaded, rule_set_at, rule_set_kind
from gongjian_scoring.scores.metrics import timed
from gongjian_scoring.scores.repository import SnapshotRepository, SnapshotRow
from gongjian_scoring.settings import ScoringSettings
from gongjian_shared.clock import Clock, SystemClock
from gongjian_shared.db import create_engine, create_sessionmaker, unit_of_work
from gongjian_shared.events.projects import UnitUpdated
from gongjian_shared.events.scoring import ItemPoints, ScoreUpdated
from gongjian_shared.outbox import BatchOutbox, Outbox
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


async def rescore(uow: UnitOfWork, unit_id: uuid.UUID, year: int) -> None:
    """Rescore one unit for one year, if a rule set scores it."""
    unit = await FactsQueries(uow.session).unit(unit_id)
    kind = rule_set_kind(unit[1]) if unit else None
    if unit is None or kind is None:
        return
    rule_sets = RuleSetRepository(uow.session)
    await rule_sets.share_the_list()
    ref = await rule_sets.ref_for(year, kind)
    if ref is not None:
        await _rescore_with(uow, ref.id, unit_id, unit[0])


async def rescore_unit_everywhere(uow: UnitOfWork, unit: UnitUpdated) -> None:
    """A unit's name or kind changed (or it is new): rescore it under every rule set of its kind."""
    kind = rule_set_kind(unit.kind)
    if kind is None:
        return
    rule_sets = RuleSetRepository(uow.session)
    await rule_sets.share_the_list()
    for stored in await rule_sets.latest_versions():
        if stored.unit_kind == kind:
            await _rescore_with(uow, stored.id, unit.unit_id, unit.name)


@timed("unit")
async def _rescore_with(uow: UnitOfWork, rule_set_id: str, unit_id: uuid.UUID, name: str) -> None:
    snapshots = SnapshotRepository(uow.session)
    await snapshots.lock_unit(rule_set_id, unit_id)
    # read after taking the locks: a revision of the rule set may have committed meanwhile
    ref = await RuleSetRepository(uow.session).ref(rule_set_id)
    if ref is None:
        return
    rule_set = await rule_set_at(uow, ref)
    collected = await collect(uow.session, rule_set, [unit_id], names={unit_id: name})
    latest = (await snapshots.latest(ref.id, [unit_id])).get(unit_id)
    await _store(uow, ref, rule_set, collected, {unit_id: latest} if latest else {})


@timed("all")
async def recompute(
    uow: UnitOfWork,
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
    rule_sets = RuleSetRepository(uow.session)
    # a rule set being created has committed, and is recomputed here, or waits for this transaction's facts
    await rule_sets.share_the_list()
    # paused around whole rule sets, so that when the collector resumes their facts and sheets are gone: it
    # would otherwise walk them all once, as young objects
    with collector_paused():
        for candidate in await rule_sets.latest_versions(year):
            if rule_set_id is None or candidate.id == rule_set_id:
                reports.append(await _recompute_rule_set(uow, candidate.id, as_of))
    return reports


async def _recompute_rule_set(uow: UnitOfWork, rule_set_id: str, as_of: date | None) -> RecomputeReport:
    """Every unit of one rule set, holding it exclusively; the events go out in one statement."""
    started = time.perf_counter()
    snapshots = SnapshotRepository(uow.session)
    await snapshots.lock_rule_set(rule_set_id)
    stored = await RuleSetRepository(uow.session).get(rule_set_id)
    assert stored is not None
    rule_set = loaded(stored)
    units = await collect(uow.session, rule_set)
    latest = await snapshots.latest(stored.id)
    if as_of is not None:
        units = [_at_least(unit, as_of) for unit in units]
    # the same transaction, its many `score-updated` collected and written in one statement
    batch = BatchOutbox(BUS, uow.outbox.producer, uow.clock)
    written, emitted = await _store(dataclasses.replace(uow, outbox=batch), stored, rule_set, units, latest)
    await batch.flush(uow.session)
    seconds = time.perf_counter() - started
    return RecomputeReport(stored.id, stored.version, len(units), written, emitted, seconds)


# How many full recomputes of this process are running with the collector paused (they may overlap: each
# awaits the database); the collector runs again when the last one is done.
_pauses = 0


@contextmanager
def collector_paused() -> Iterator[None]:
    """The garbage collector's automatic runs paused while a full recompute reads and scores its rule sets'
    units. Its rows, facts and sheets hold no reference cycles, so reference counting frees them all the same;
    but building 50,000 of them set off full collections, each walking the whole heap, which took a third of
    the recompute's CPU (500 of 1,470 ms on 5,000 units). Whatever cycles the pause leaves are collected once
    it is over, the collector running again at the next allocation."""
    global _pauses
    if _pauses == 0 and not gc.isenabled():  # paused by someone else: leave it to them
        yield
        return
    _pauses += 1
    gc.disable()
    try:
        yield
    finally:
        _pauses -= 1
        if _pauses == 0:
            gc.enable()


async def _store(
    uow: UnitOfWork,
    stored: RuleSetRef | StoredRuleSet,
    rule_set: RuleSet,
    units: Sequence[CollectedUnit],
    latest: dict[uuid.UUID, SnapshotRow],
) -> tuple[int, int]:
    """Score the units; write a snapshot where the sheet or its date changed, and `score-updated` where the
    score changed. Returns (snapshots written, events emitted)."""
    rows: list[dict[str, Any]] = []
    events: list[ScoreUpdated] = []
    now = uow.clock.now()
    for unit in units:
        previous = latest.get(unit.unit_id)
        as_of = unit_as_of(unit.fact_date, previous, rule_set.year)
        result = compute_unit(rule_set, unit.facts, as_of)
        scored = SnapshotRow(
            unit_id=unit.unit_id,
            unit_name=result.unit,
            rule_set_version=stored.version,
            as_of=as_of,
            provisional=is_provisional(rule_set, as_of),
            total=result.total,
            eligible=result.eligible,
            result=pack(result),
        )
        if previous is not None and _same_snapshot(previous, scored):
            continue
        rows.append(scored._asdict() | {"rule_set_id": stored.id, "year": rule_set.year, "computed_at": now})
        if previous is None or not _same_score(previous, scored):
            events.append(_score_updated(stored, scored, result, previous))
    await SnapshotRepository(uow.session).put(rows)
    for event in events:
        await uow.outbox.publish(uow.session, event, key=str(event.unit_id))
    return len(rows), len(events)


def _same_score(previous: SnapshotRow, scored: SnapshotRow) -> bool:
    """The same sheet under the same rule set version: nobody needs a `score-updated`."""
    return (
        previous.result == scored.result
        and previous.provisional == scored.provisional
        and previous.rule_set_version == scored.rule_set_version
    )


def _same_snapshot(previous: SnapshotRow, scored: SnapshotRow) -> bool:
    """The same score, date and unit name: nothing to write."""
    return (
        _same_score(previous, scored)
        and previous.as_of == scored.as_of
        and previous.unit_name == scored.unit_name
    )


def _at_least(unit: CollectedUnit, as_of: date) -> CollectedUnit:
    fact_date = as_of if unit.fact_date is None else max(unit.fact_date, as_of)
    return CollectedUnit(unit.unit_id, unit.facts, fact_date)


def _score_updated(
    stored: RuleSetRef | StoredRuleSet, scored: SnapshotRow, result: UnitResult, previous: SnapshotRow | None
) -> ScoreUpdated:
    return ScoreUpdated(
        rule_set_id=stored.id,
        rule_set_version=stored.version,
        year=stored.year,
        unit_id=scored.unit_id,
        unit_name=result.unit,
        as_of=scored.as_of,
        provisional=scored.provisional,
        total=result.total,
        previous_total=previous.total if previous else None,
        eligible=result.eligible,
        items=tuple(ItemPoints(id=i.id, points=i.points, applicable=i.applicable) for i in result.items),
    )


async def recompute_all(
    settings: ScoringSettings | None = None,
    *,
    rule_set_id: str | None = None,
    year: int | None = None,
    as_of: date | None = None,
    clock: Clock | None = None,
) -> list[RecomputeReport]:
    """The full recompute command (`gongjian recompute`, 全量重算) in its own transaction: every unit of every
    rule set (or of one rule set, or of one year) from the read model; snapshots and `score-updated` only
    where something changed."""
    settings = settings or ScoringSettings()
    clock = clock or SystemClock()
    engine = create_engine(settings.database)
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            uow = UnitOfWork(session, Outbox(BUS, settings.service_name, clock), clock)
            return await recompute(uow, rule_set_id=rule_set_id, year=year, as_of=as_of)
    finally:
        await engine.dispose()
