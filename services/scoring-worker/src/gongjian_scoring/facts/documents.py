"""Assembling facts documents (考核事实文档) from the read model: the registry's facts, the year's Annex 2
targets, and the judgements.

The document has exactly the shape of `scoring-2019.md`, so that what the platform scores live can be
exported, scored offline by `gongjian score`, and come out the same.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_scoring.engine.facts import (
    FactsDocument,
    KeyProject,
    Mechanism,
    Media,
    PlannedProject,
    PrephaseProject,
    SupportFailure,
    Targets,
    UnitFacts,
)
from gongjian_scoring.engine.rules import RuleSet
from gongjian_scoring.facts.repository import FactsQueries, ProjectRow, built
from gongjian_scoring.facts.service import ahead_of_schedule, business_date
from gongjian_scoring.rule_sets.service import SCORED_UNIT_KINDS
from gongjian_shared.errors import InvalidInput, field_error

DEEP_ENOUGH = ("proposal", "feasibility")


@dataclass(frozen=True)
class CollectedUnit:
    """A unit's facts for the year and the latest date any of them carries (None: no facts at all)."""

    unit_id: uuid.UUID
    facts: UnitFacts
    fact_date: date | None


async def collect(
    session: AsyncSession,
    rule_set: RuleSet,
    unit_ids: Sequence[uuid.UUID] | None = None,
    *,
    names: dict[uuid.UUID, str] | None = None,
) -> list[CollectedUnit]:
    """The facts of the units the rule set scores (or of some of them), in unit-name order.

    `names`: the units, by id, when the caller has already read them from the replica.
    """
    queries = FactsQueries(session)
    units = (
        names if names is not None else await queries.units(SCORED_UNIT_KINDS[rule_set.unit_kind], unit_ids)
    )
    if not units:
        return []
    scope = list(units)  # only the projects of the units this rule set scores
    projects: dict[uuid.UUID, list[ProjectRow]] = defaultdict(list)
    dates: dict[uuid.UUID, date] = {}
    for row in await queries.projects(rule_set.year, scope):
        projects[row.unit_id].append(row)
        _later(dates, row.unit_id, row.fact_date)
    judgements: dict[uuid.UUID, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for judgement in await queries.judgements(rule_set.year, scope):
        if judgement.withdrawn_at is None:
            judgements[judgement.unit_id].append((judgement.kind, judgement.details))
        _later(dates, judgement.unit_id, business_date(judgement.withdrawn_at or judgement.recorded_at))
    targets = await queries.targets(rule_set.year, scope if unit_ids is not None else None)
    collected = [
        CollectedUnit(
            unit_id,
            unit_facts(name, projects[unit_id], judgements[unit_id], _targets_of(targets, unit_id)),
            dates.get(unit_id),
        )
        for unit_id, name in units.items()
    ]
    return sorted(collected, key=lambda c: (c.facts.unit, str(c.unit_id)))


NO_TASK = built(Targets, key_projects=0, prephase_projects=0, planned_projects=0)


def _targets_of(targets: dict[uuid.UUID, Targets] | None, unit_id: uuid.UUID) -> Targets | None:
    """A unit's Annex 2 targets; a unit Annex 2 does not list has no task (A17); no targets for the year at
    all: None, and the registered projects decide as before A16."""
    if targets is None:
        return None
    return targets.get(unit_id, NO_TASK)


def _later(dates: dict[uuid.UUID, date], unit_id: uuid.UUID, day: date) -> None:
    if unit_id not in dates or dates[unit_id] < day:
        dates[unit_id] = day


def facts_document(rule_set: RuleSet, units: Sequence[CollectedUnit], as_of: date) -> FactsDocument:
    return FactsDocument(
        rule_set=rule_set.id, year=rule_set.year, as_of=as_of, units=[u.facts for u in units]
    )


def project_code(fact: ProjectRow) -> str:
    return fact.code or f"project:{fact.project_id}"


def unit_facts(
    name: str,
    projects: Sequence[ProjectRow],
    judgements: Sequence[tuple[str, dict[str, Any]]],
    targets: Targets | None,
) -> UnitFacts:
    key = [row for row in projects if row.kind == "key"]
    prephase = [row for row in projects if row.kind == "prephase" and row.removed_on is None]
    planned = [row for row in projects if row.kind == "planned" and row.removed_on is None]
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for kind, details in judgements:
        by_kind[kind].append(details)
    planned_projects = [_planned_project(fact) for fact in planned]
    return built(
        UnitFacts,
        unit=name,
        key_projects=[_key_project(row) for row in key],
        prephase_projects=[
            built(PrephaseProject, code=project_code(f), done=bool(f.prephase_done)) for f in prephase
        ],
        planning_task_done=_planning_task_done(by_kind["planning_task"], planned_projects),
        planned_projects=planned_projects,
        planning_funds_in_place_10k=sum(
            (Decimal(str(d["amount_10k"])) for d in by_kind["planning_funds"]), start=Decimal(0)
        ),
        media=built(
            Media,
            **{
                level: sum(1 for d in by_kind["media"] if d["level"] == level)
                for level in ("own_channels", "city", "provincial", "central")
            },
        ),
        reporting_findings=len(by_kind["reporting_finding"]),
        support_failures=[
            built(SupportFailure, severe=bool(d["severe"])) for d in by_kind["support_failure"]
        ],
        mechanism=_mechanism(by_kind["mechanism_check"]),
        disqualifying_incident=bool(by_kind["disqualifying_incident"]),
        targets=targets,
    )


def _key_project(fact: ProjectRow) -> KeyProject:
    planned = fact.planned_investment_10k or Decimal(0)
    year_to_date = fact.year_to_date_10k
    planned_completion = fact.plan_category == "completion" or (
        fact.planned_completion is not None and fact.planned_completion.year <= fact.year
    )
    return built(
        KeyProject,
        code=project_code(fact),
        planned_10k=planned,
        completed_10k=year_to_date or Decimal(0),
        new_start=fact.plan_category == "new-start",
        started_on=fact.started_on,
        planned_completion=planned_completion,
        completed_on=fact.completed_on,
        removed_on=fact.removed_on,
        provincial_key=fact.provincial_key,
        ahead_of_schedule=ahead_of_schedule(planned, year_to_date, fact.month),
    )


def _planned_project(fact: ProjectRow) -> PlannedProject:
    return built(
        PlannedProject,
        code=project_code(fact),
        total_investment_10k=fact.total_investment_10k or Decimal(0),
        depth=fact.depth or "none",
        in_prephase_plan_and_filed=bool(fact.in_prephase_plan_and_filed),
        proposed_for_next_year=bool(fact.proposed_for_next_year),
    )


def _planning_task_done(checks: list[dict[str, Any]], planned: list[PlannedProject]) -> bool:
    """The office's latest check if any; else done when every planned project reached proposal depth."""
    if checks:
        return bool(checks[-1]["done"])
    return bool(planned) and all(p.depth in DEEP_ENOUGH for p in planned)


def _mechanism(checks: list[dict[str, Any]]) -> Mechanism:
    """The latest mechanism check; none recorded yet means none of the three is met."""
    if not checks:
        return built(Mechanism, established=False, managed=False, monthly_reporting=False)
    latest = checks[-1]
    return built(
        Mechanism,
        established=bool(latest["established"]),
        managed=bool(latest["managed"]),
        monthly_reporting=bool(latest["monthly_reporting"]),
    )


def document_as_of(
    units: Sequence[CollectedUnit], requested: date | None, scored_as_of: date | None, today: date
) -> date:
    """The as-of date of an export: the requested one, else the date the live scores have (the latest date
    any fact carries, or a later date a recompute gave them), else today.

    Amounts are cumulative, so a document can be dated later than its facts but never earlier.
    """
    latest = max((u.fact_date for u in units if u.fact_date is not None), default=None)
    if requested is None:
        return max((d for d in (latest, scored_as_of) if d is not None), default=today)
    if latest is not None and requested < latest:
        raise InvalidInput(
            f"The facts carry dates up to {latest.isoformat()}; export them as of that date or later.",
            errors=[
                field_error(
                    "as_of",
                    "not-before-facts",
                    f"must be on or after {latest.isoformat()}",
                    f"不得早于事实数据的最新日期 {latest.isoformat()}",
                )
            ],
        )
    return requested
