"""A year's rule set created while an event of one of its units is being applied: whichever of the two commits
first, the unit's score has the event's facts.

Creating a rule set scores its units from the facts committed when it reads them; applying an event rescores its
unit under the rule sets committed when it looks them up. Run side by side, each could miss the other, and the
unit keep a score without the event until its next event (the browser test of the score sheet met it: a project
registered just before the year's sheet was issued stayed unscored). The two share which rule sets exist through
one advisory lock (`RuleSetRepository.hold_the_list`, `share_the_list`), so one waits for the other.

Each test holds one transaction open at the point of the race and starts the other beside it; the mutant
`rescore-reads-the-rule-sets-unlocked` (tests/mutants/catalogue.py) takes the lock away and these tests fail.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from integration.scoring.scoring_support import county_rules_of, live_scores, settle, unit_ids

from gongjian_scoring.facts.handlers import on_fact_event
from gongjian_scoring.rule_sets import service as rule_sets
from gongjian_scoring.scores import service as scores
from gongjian_shared.auth import Principal
from gongjian_shared.bus.consumer import Event
from gongjian_shared.events.envelope import EventEnvelope
from gongjian_shared.events.projects import ProjectRegistered
from gongjian_shared.service import ServiceContext
from gongjian_shared.uow import UnitOfWork
from support.platform import Platform

pytestmark = pytest.mark.asyncio

YEAR = 2033
OFFICE = Principal(user_id=uuid.uuid4(), username="office-race", unit_id=None, roles=frozenset({"office"}))
# long enough for the other transaction to reach the database and finish, were nothing holding it
WAIT = 1.0


def _registered(unit_id: str) -> Event[ProjectRegistered]:
    """A key project of YEAR with planned investment, as the registry emits it: C1.1 applies to its unit."""
    payload = ProjectRegistered(
        project_id=uuid.uuid4(),
        unit_id=uuid.UUID(unit_id),
        year=YEAR,
        kind="key",
        name="汉滨区竞态测试项目",
        code=None,
        plan_category="new-start",
        total_investment_10k=Decimal(50000),
        planned_investment_10k=Decimal(12000),
        planned_start=date(YEAR, 3, 1),
        planned_completion=date(YEAR + 1, 12, 31),
    )
    at = datetime(YEAR, 1, 10, 2, tzinfo=UTC)
    envelope = EventEnvelope.wrap(
        payload, producer="projects-api", key=str(payload.project_id), occurred_at=at
    )
    return Event(payload, envelope)


async def _create(uow: UnitOfWork, raw: bytes) -> None:
    """What POST /api/v1/scoring/rule-sets does in its transaction: store the rule set and score its units."""
    stored = await rule_sets.create_rule_set(uow, OFFICE, raw)
    await scores.recompute(uow, rule_set_id=stored.id)


async def _beside(first_commits: Awaitable[None], second: asyncio.Task[None]) -> None:
    """Give `second` time to reach the database while the first transaction is open, then commit the first."""
    await asyncio.wait({second}, timeout=WAIT)
    await first_commits
    await asyncio.wait_for(second, timeout=30)


async def _settled(platform: Platform) -> tuple[ServiceContext, str, bytes]:
    """scoring-worker's context once it has applied the seed, 汉滨区's id, and YEAR's county sheet to create."""
    unit = (await unit_ids(platform, "county"))["汉滨区"]
    await settle(platform)
    return platform.context("scoring-worker"), unit, json.dumps(county_rules_of(YEAR)).encode()


async def _c11_applies(platform: Platform) -> bool:
    scored = (await live_scores(platform, f"{YEAR}-county"))["汉滨区"]
    return bool(next(i["applicable"] for i in scored["result"]["items"] if i["id"] == "C1.1"))


async def test_an_event_applied_while_its_years_rule_set_is_being_created_is_scored(
    platform: Platform,
) -> None:
    context, unit, raw = await _settled(platform)
    async with context.sessionmaker() as creating, context.sessionmaker() as applying:
        await _create(context.unit_of_work(creating), raw)  # scored the unit without the project
        event = asyncio.create_task(on_fact_event(context.unit_of_work(applying), _registered(unit)))
        await _beside(creating.commit(), event)
        await applying.commit()
    assert await _c11_applies(platform), "the unit's score lacks the project registered beside the rule set"


async def test_a_rule_set_created_while_an_event_of_its_year_is_being_applied_scores_it(
    platform: Platform,
) -> None:
    context, unit, raw = await _settled(platform)
    async with context.sessionmaker() as creating, context.sessionmaker() as applying:
        await on_fact_event(context.unit_of_work(applying), _registered(unit))  # no rule set scores YEAR yet
        creation = asyncio.create_task(_create(context.unit_of_work(creating), raw))
        await _beside(applying.commit(), creation)
        await creating.commit()
    assert await _c11_applies(platform), (
        "the new rule set scored the unit without the project applied beside it"
    )
