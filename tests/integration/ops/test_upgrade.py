"""Upgrading a database of the previous release to head, and serving it.

There are no release tags yet, so the previous release is the schema before this release's newest
migrations: projects 0012 (0013 turns the recognitions' declared evidence into files), meetings 0004 (0005
evidence files), scoring 0006 (0007 annual targets and the department award cap), notifier 0006 (unchanged).
At that schema the database gets what the previous release's bootstrap wrote (units, 2019 targets, `admin`, and
their events in the outbox), a year of registry data (bench/generate.py: units, projects, twelve months of
accepted reports, by COPY) and a recognition as that release stored it (its declared evidence in the old
`evidence` column). Then `migrate` takes every schema to head, and the platform serves it: lists, statistics,
the recognition, and the old outbox rows consumed by the services whose new tables they feed."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator

import asyncpg
import pytest
from integration.ops.ops_support import report_month, settled
from integration.projects.registry_support import register, unit_ids
from pydantic import SecretStr
from sqlalchemy import text

from bench.generate import Scale, load
from gongjian.assembly import migrate, seed_and_admin
from gongjian.backup import code_heads
from gongjian.services import SERVICES
from gongjian_shared.migrations import upgrade
from support.platform import ADMIN_PASSWORD, platform_settings, running_platform
from support.reports import report
from support.servers import PostgresForTests

pytestmark = pytest.mark.asyncio

PREVIOUS = {"projects-api": "0012", "meetings-api": "0004", "scoring-worker": "0006", "notifier": "0006"}
YEAR = Scale(units=60, projects=600, months=12, year=2019, seed=2018)
DECLARED = [
    {
        "name": "开工报告.pdf",
        "content_type": "application/pdf",
        "size_bytes": 20480,
        "checksum": "ab" * 32,
        "storage_key": "legacy/开工报告.pdf",
    }
]


@pytest.fixture
def empty_database(postgres: PostgresForTests) -> Iterator[str]:
    name = f"upgrade_{uuid.uuid4().hex[:12]}"
    postgres.server.create_database(name)
    yield postgres.server.url(name)
    postgres.server.drop_database(name)


def plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def revisions(dsn: str) -> dict[str, list[str]]:
    connection = await asyncpg.connect(dsn)
    try:
        found = {}
        for entry in SERVICES:
            rows = await connection.fetch(f'SELECT version_num FROM "{entry.spec.schema}".alembic_version')
            found[entry.name] = [row["version_num"] for row in rows]
        return found
    finally:
        await connection.close()


async def old_recognition(dsn: str, project_id: uuid.UUID) -> uuid.UUID:
    """A start recognition applied for under the previous release: its file metadata in `evidence`."""
    recognition_id = uuid.uuid4()
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            "INSERT INTO projects.recognitions (id, project_id, kind, claimed_on, description, evidence, status, "
            "applied_at, applied_by) VALUES ($1, $2, 'start', '2019-03-18', '主体工程开工', $3::jsonb, 'applied', "
            "'2019-03-20T02:00:00Z', $4)",
            recognition_id,
            project_id,
            json.dumps(DECLARED, ensure_ascii=False),
            uuid.uuid4(),
        )
    finally:
        await connection.close()
    return recognition_id


async def test_a_year_of_the_previous_release_upgrades_to_head_and_is_served(empty_database: str) -> None:
    dsn = plain(empty_database)
    settings = platform_settings(empty_database, overrides={"projects-api": {"scheduler_enabled": False}})
    for entry in SERVICES:
        await asyncio.to_thread(upgrade, entry.migrations, empty_database, PREVIOUS[entry.name])
    assert await revisions(dsn) == {name: [revision] for name, revision in PREVIOUS.items()}
    await seed_and_admin(settings["projects-api"], SecretStr(ADMIN_PASSWORD), force_seed=True)
    dataset = await load(dsn, YEAR)
    recognition_id = await old_recognition(dsn, dataset.key_project_ids[0])

    started = time.perf_counter()
    await migrate(settings)
    seconds = time.perf_counter() - started
    assert await revisions(dsn) == {entry.name: code_heads(entry) for entry in SERVICES}
    report(
        "upgrade from the previous release",
        "migrate",
        f"{PREVIOUS} -> head with {YEAR.units} generated units, {YEAR.projects} projects, {dataset.reports} "
        f"monthly reports: {seconds:.2f}s",
    )

    async with running_platform(settings, seed=False) as platform:
        await platform.login()
        client = platform.client
        key_project = dataset.key_project_ids[0]
        shown = await client.get(f"/api/v1/projects/{key_project}")
        assert shown.status_code == 200, shown.text
        [recognition] = (await client.get(f"/api/v1/projects/{key_project}/recognitions")).json()
        assert recognition["id"] == str(recognition_id)
        assert (recognition["declared_evidence"], recognition["evidence"]) == (DECLARED, [])
        assert recognition["decision_evidence"] is None
        reports = await client.get(f"/api/v1/projects/{key_project}/progress-reports")
        assert reports.status_code == 200, reports.text
        assert {item["month"] for item in reports.json()["items"]} == set(range(1, 13))
        city = await client.get("/api/v1/statistics/2019/city?month=12")
        assert city.status_code == 200, city.text
        units = await client.get("/api/v1/statistics/2019/units?month=12")
        assert units.status_code == 200, units.text
        assert len(units.json()["rows"]) >= YEAR.units
        # the events the previous release left in the outbox are read by head's consumers: the seed's 2019
        # targets reach scoring's new table (0007)
        await settled(platform)
        async with platform.context("scoring-worker").sessionmaker() as session:
            targets = await session.scalar(text("SELECT count(*) FROM scoring.annual_targets"))
        assert targets > 0
        # and it takes new work
        project = await register(platform, (await unit_ids(platform))["汉滨区"], name="升级后新项目")
        await report_month(platform, project["id"], 5, "1200")
        await settled(platform)
