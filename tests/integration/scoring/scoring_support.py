"""Helpers for the scoring-worker integration tests: unit tokens, seeded unit ids, problem checks."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text

from gongjian_scoring.engine import load_builtin_rule_set
from gongjian_scoring.models import UNIT_REPLICA
from gongjian_scoring.scores.repository import SnapshotRepository
from gongjian_shared.auth import Principal
from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.events.projects import ProgressReported
from support.platform import Platform, eventually, mint_token, region_of


async def unit_ids(platform: Platform, kind: str) -> dict[str, str]:
    """The seeded units of a kind, by name, once scoring-worker's replica has them all."""
    response = await platform.client.get("/api/v1/units", params={"kind": kind, "limit": 500})
    assert response.status_code == 200, response.text
    units = {unit["name"]: unit["id"] for unit in response.json()["items"]}

    async def replicated() -> bool:
        async with platform.context("scoring-worker").sessionmaker() as session:
            query = select(func.count()).where(
                UNIT_REPLICA.c.unit_id.in_([uuid.UUID(u) for u in units.values()])
            )
            return await session.scalar(query) == len(units)

    await eventually(replicated, timeout=20, what="scoring-worker's unit replica")
    return units


def county_rules_of(year: int) -> dict[str, Any]:
    """The shipped 2019 county sheet as `year`'s, as the office would issue it: its id, year, title and start
    checkpoints moved to that year."""
    data: dict[str, Any] = json.loads(load_builtin_rule_set("2019-county").model_dump_json())
    data.update(id=f"{year}-county", year=year, title=data["title"].replace("2019", str(year)))
    for item in data["items"]:
        for checkpoint in item["rule"].get("checkpoints") or []:
            checkpoint["on"] = checkpoint["on"].replace("2019", str(year))
    return data


def unit_headers(platform: Platform, unit_id: str, *roles: str) -> dict[str, str]:
    """Bearer headers of a unit's reporter (or the given roles), signed like the platform's own tokens."""
    principal = Principal(
        user_id=uuid.uuid4(),
        username=f"reporter-{unit_id[:8]}",
        unit_id=uuid.UUID(unit_id),
        roles=frozenset(roles or ("reporter",)),
    )
    return {"Authorization": f"Bearer {mint_token(platform, principal)}"}


def field_errors(problem: dict[str, Any]) -> list[tuple[str, str]]:
    assert problem["title"] and problem["title_zh"], problem
    errors = problem["errors"]
    assert all(e["message"] and e["message_zh"] for e in errors), errors
    return [(e["field"], e["rule"]) for e in errors]


def assert_problem(response: Any, status: int, *expected: tuple[str, str]) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    found = field_errors(problem)
    for field, rule in expected:
        assert (field, rule) in found, found
    return problem


async def publish(platform: Platform, *payloads: EventPayload) -> None:
    """Write registry events straight into projects-api's outbox, as the registry itself would."""
    context = platform.context("projects-api")
    async with context.sessionmaker() as session:
        for payload in payloads:
            await context.outbox.publish(
                session, payload, key=str(getattr(payload, "project_id", uuid.uuid4()))
            )
        await session.commit()


async def register_project(
    platform: Platform,
    unit_id: str,
    serial: int,
    *,
    kind: str = "key",
    planned: str = "1000",
    total: str = "100000",
    plan_category: str | None = "continuing",
    planned_completion: str | None = "2021-12-31",
    year: int = 2019,
    provincial_key: bool | None = None,
) -> str:
    flag = {} if provincial_key is None else {"provincial_key": provincial_key}
    response = await platform.client.post(
        "/api/v1/projects",
        json={
            "year": year,
            "kind": kind,
            "name": f"项目{serial}",
            "code": f"{year}-{await region_of(platform, unit_id)}-48-01-{serial:06d}",
            "unit_id": unit_id,
            "plan_category": plan_category,
            "total_investment_10k": total,
            "planned_investment_10k": planned,
            "planned_start": None,
            "planned_completion": planned_completion,
        }
        | flag,
    )
    assert response.status_code == 201, response.text
    project_id: str = response.json()["id"]
    return project_id


def progress(
    unit_id: str, project_id: str, month: int, year_to_date: str, year: int = 2019
) -> ProgressReported:
    """An accepted monthly report as the registry emits it (the year's figure so far, in 万元)."""
    return ProgressReported(
        report_id=uuid.uuid4(),
        project_id=uuid.UUID(project_id),
        unit_id=uuid.UUID(unit_id),
        year=year,
        month=month,
        completed_10k=Decimal(year_to_date),
        cumulative_10k=Decimal(year_to_date),
        year_to_date_10k=Decimal(year_to_date),
        physical_progress="施工中",
        image_progress_percent=Decimal(50),
        late=False,
    )


async def scoring_settled(platform: Platform) -> bool:
    """True once scoring-worker has applied every registry event written so far (and the relay sent them)."""
    async with platform.context("projects-api").sessionmaker() as session:
        unsent = await session.scalar(text("SELECT count(*) FROM projects.outbox WHERE sent_at IS NULL"))
    bus = platform.context("scoring-worker").bus
    assert bus is not None
    kafka = platform.context("scoring-worker").settings.bus.kind == "kafka"
    if kafka and unsent:
        return False
    return all([await runner.refresh_lag() == 0 for runner in bus.consumers])


async def settle(platform: Platform, timeout: float = 30) -> None:
    await eventually(lambda: scoring_settled(platform), timeout=timeout, what="scoring-worker to catch up")


async def live_scores(platform: Platform, rule_set_id: str = "2019-county") -> dict[str, dict[str, Any]]:
    """Each unit's live score (its latest snapshot), by unit name, without the bookkeeping columns."""
    async with platform.context("scoring-worker").sessionmaker() as session:
        latest = await SnapshotRepository(session).latest(rule_set_id)
    return {
        s.unit_name: {
            "unit_id": s.unit_id,
            "rule_set_version": s.rule_set_version,
            "as_of": s.as_of,
            "provisional": s.provisional,
            "total": s.total,
            "eligible": s.eligible,
            "result": s.result,
        }
        for s in latest.values()
    }


def item_points(score: dict[str, Any]) -> dict[str, float]:
    return {item["id"]: item["points"] for item in score["result"]["items"]}


async def score_events(platform: Platform) -> list[dict[str, Any]]:
    async with platform.context("scoring-worker").sessionmaker() as session:
        rows = await session.execute(
            text("SELECT envelope FROM scoring.outbox WHERE type = 'score-updated' ORDER BY id")
        )
        return [row[0]["payload"] for row in rows]
