"""Migration 0012 moves the continuing and completion key projects registered as `planned` to under
construction, with the reason in their history, and its downgrade puts back exactly those it moved."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import command
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from gongjian_projects.app import MIGRATIONS
from gongjian_shared.migrations import alembic_config
from support.servers import PostgresForTests

UNIT = "00000000-0000-0000-0000-0000000000a1"
PROJECTS = {
    "continuing": "00000000-0000-0000-0000-0000000000b1",
    "completion": "00000000-0000-0000-0000-0000000000b2",
    "new-start": "00000000-0000-0000-0000-0000000000b3",
}


def run(url: str, *statements: str) -> list[Any]:
    async def go() -> list[Any]:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.begin() as connection:
                rows: list[Any] = []
                for statement in statements:
                    result = await connection.execute(text(statement))
                    rows = list(result.all()) if result.returns_rows else []
                return rows
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_0012_moves_continuing_and_completion_projects_and_its_downgrade_moves_them_back(
    postgres: PostgresForTests,
) -> None:
    url = postgres.fresh_database()
    try:
        config = alembic_config(MIGRATIONS, url)
        command.downgrade(config, "0008")  # the template database is at head
        inserts = [
            f"INSERT INTO projects.units (id, name, kind, joint_meeting_member, revision) "
            f"VALUES ('{UNIT}', '迁移测试单位', 'county', false, 1)"
        ]
        for category, project_id in PROJECTS.items():
            inserts.append(
                "INSERT INTO projects.projects (id, year, kind, name, unit_id, plan_category, "
                "total_investment_10k, planned_investment_10k, status, revision, provincial_key) "
                f"VALUES ('{project_id}', 2019, 'key', '{category}', '{UNIT}', '{category}', 100, 10, 'planned', 1, "
                "false)"
            )
        run(url, *inserts)
        command.upgrade(config, "0012")
        status = "SELECT plan_category, status FROM projects.projects ORDER BY plan_category"
        assert run(url, status) == [
            ("completion", "started"),
            ("continuing", "started"),
            ("new-start", "planned"),
        ]
        history = run(url, "SELECT project_id::text, to_status, reason FROM projects.project_status_changes")
        assert sorted(row[0] for row in history) == sorted([PROJECTS["continuing"], PROJECTS["completion"]])
        assert all(row[1] == "started" and "0012" in row[2] for row in history)
        command.downgrade(config, "0008")
        assert run(url, status) == [
            ("completion", "planned"),
            ("continuing", "planned"),
            ("new-start", "planned"),
        ]
        assert run(url, "SELECT count(*) FROM projects.project_status_changes") == [(0,)]
    finally:
        postgres.drop(url)
