"""Migration 0007 on a database of the previous release: the 2019 department rule set gains A6 as revised (at
most 5 advanced departments) as a new version, so live scores use the cap while an assessment published
before keeps its version; down and up again."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from alembic import command
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from gongjian.services import service
from gongjian_scoring.engine.ranking import award_count
from gongjian_scoring.rule_sets.repository import RuleSetRepository
from gongjian_scoring.rule_sets.service import loaded
from gongjian_shared.migrations import alembic_config
from support.servers import PostgresForTests

DEPARTMENTS = "2019-department"
SHEET = {"rule_set": DEPARTMENTS, "as_of": "2019-12-31", "provisional": False, "units": []}


def run(url: str, statement: str, params: dict[str, Any] | None = None) -> list[Any]:
    async def go() -> list[Any]:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.begin() as connection:
                result = await connection.execute(text(statement), params or {})
                return list(result.mappings().all()) if result.returns_rows else []
        finally:
            await engine.dispose()

    return asyncio.run(go())


def versions(url: str) -> list[Any]:
    return run(
        url,
        "SELECT version, body, builtin, created_by FROM scoring.rule_set WHERE id = :id ORDER BY version",
        {"id": DEPARTMENTS},
    )


def live_award_count(url: str, ranked: int) -> int:
    """How many awards the live scores hand out among `ranked` departments: the latest version decides."""

    async def go() -> int:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        try:
            async with AsyncSession(engine) as session:
                stored = await RuleSetRepository(session).latest_for(2019, "department")
                assert stored is not None
                return award_count(ranked, loaded(stored).settings)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def previous_release(url: str) -> Any:
    """Down to 0006, with the department rule set as the previous release stored it (no cap), and an
    assessment published with it."""
    config = alembic_config(service("scoring-worker").migrations, url)
    command.downgrade(config, "0006")
    run(
        url,
        "UPDATE scoring.rule_set SET body = body #- '{settings,a6_award_cap}' WHERE id = :id",
        {"id": DEPARTMENTS},
    )
    run(
        url,
        "INSERT INTO scoring.published_assessment (id, rule_set_id, rule_set_version, year, unit_kind, as_of,"
        " provisional, sheet, published_by, published_at)"
        " VALUES (:id, :rule_set, 1, 2019, 'department', '2019-12-31', false, CAST(:sheet AS jsonb), 'admin',"
        " now())",
        {"id": uuid.uuid4(), "rule_set": DEPARTMENTS, "sheet": json.dumps(SHEET)},
    )
    return config


def published(url: str) -> list[Any]:
    return run(url, "SELECT rule_set_version, sheet FROM scoring.published_assessment")


def test_a_database_of_the_previous_release_scores_with_the_cap_and_keeps_what_was_published(
    postgres: PostgresForTests,
) -> None:
    url = postgres.fresh_database()
    try:
        config = previous_release(url)
        [before] = versions(url)
        assert "a6_award_cap" not in before["body"]["settings"]
        # 17 departments with a task: 35% is 5.95 → 6 awards without the cap
        assert live_award_count(url, 17) == 6

        command.upgrade(config, "head")
        first, capped = versions(url)
        assert first == before  # version 1 is not rewritten
        assert capped["version"] == 2 and capped["body"]["version"] == 2
        assert capped["body"]["settings"]["a6_award_cap"] == 5 and capped["builtin"] is True
        assert {**capped["body"], "version": 1, "settings": before["body"]["settings"]} == before["body"]
        assert live_award_count(url, 17) == 5
        assert published(url) == [{"rule_set_version": 1, "sheet": SHEET}]
        county = run(url, "SELECT count(*) AS n FROM scoring.rule_set WHERE id = '2019-county'")
        assert county == [{"n": 1}]

        command.downgrade(config, "0006")
        assert versions(url) == [before] and live_award_count(url, 17) == 6
        assert run(url, "SELECT to_regclass('scoring.annual_targets') AS t") == [{"t": None}]
        assert published(url) == [{"rule_set_version": 1, "sheet": SHEET}]

        command.upgrade(config, "head")
        assert [v["version"] for v in versions(url)] == [1, 2] and live_award_count(url, 17) == 5
    finally:
        postgres.drop(url)


def test_a_database_created_at_this_release_has_the_cap_in_its_first_version(
    postgres: PostgresForTests,
) -> None:
    url = postgres.fresh_database()
    try:
        [only] = versions(url)
        assert only["body"]["settings"]["a6_award_cap"] == 5 and live_award_count(url, 17) == 5
    finally:
        postgres.drop(url)


def test_the_downgrade_stops_when_an_assessment_was_published_with_the_capped_version(
    postgres: PostgresForTests,
) -> None:
    url = postgres.fresh_database()
    try:
        config = previous_release(url)
        command.upgrade(config, "head")
        run(url, "UPDATE scoring.published_assessment SET rule_set_version = 2")
        with pytest.raises(RuntimeError, match="2019-department v2"):
            command.downgrade(config, "0006")
        assert [v["version"] for v in versions(url)] == [1, 2]
    finally:
        postgres.drop(url)
