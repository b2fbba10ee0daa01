"""`gongjian backup` and `gongjian restore`: data made through the API in every service is backed up, restored
into a FRESH embedded PostgreSQL server (its own data folder, its transaction ids far behind the source's) and a
new evidence folder, and the restored platform has the same rows in every table and gives the same statistics,
standings, inbox and evidence file; then it goes on: a new report reaches scoring and a red alert the inbox."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from integration.ops.ops_support import CLOCK_START, answers, generate, inbox, report_month, settled, tables
from integration.projects.registry_support import register, unit_ids
from pydantic import SecretStr

from gongjian.assembly import migrate, seed_and_admin
from gongjian.backup import MANIFEST, BackupError, backup, code_heads, restore
from gongjian.cli import main
from gongjian.infra.postgres import EmbeddedPostgres, default_bin_dir
from gongjian.services import SERVICES
from gongjian_shared.clock import FrozenClock
from support.platform import ADMIN_PASSWORD, platform_settings, running_platform
from support.reports import report

pytestmark = pytest.mark.asyncio


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[EmbeddedPostgres]:
    server = EmbeddedPostgres(tmp_path / "fresh-postgres", durable=False)
    server.start()
    server.create_database("gongjian")
    yield server
    server.stop()


def plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def test_a_backup_restored_into_a_fresh_server_gives_the_same_platform(
    database_url: str, fresh_server: EmbeddedPostgres, tmp_path: Path
) -> None:
    clock = FrozenClock(CLOCK_START)
    source = platform_settings(database_url, overrides={"projects-api": {"scheduler_enabled": False}})
    async with running_platform(source, clock=clock) as platform:
        await platform.login()
        made = await generate(platform, clock)
        before = await answers(platform, made)
        # online, as an operator would (the platform's evidence folder goes when it stops)
        folder = tmp_path / "backup"
        manifest = await asyncio.to_thread(backup, source, folder, default_bin_dir(), clock)
        source_rows = await tables(plain(database_url))

    written = json.loads((folder / MANIFEST).read_text())
    assert written == manifest
    assert manifest["created_at"] == CLOCK_START.isoformat()
    assert [db["schemas"] for db in manifest["databases"]] == [[e.spec.schema for e in SERVICES]], (
        "one snapshot"
    )
    for entry in SERVICES:
        revisions = manifest["services"][entry.name]["alembic_revisions"]
        assert revisions == code_heads(entry), entry.name
    assert [name for name in manifest["files"] if name.startswith("evidence/meetings-api/")], (
        "the evidence file"
    )
    report(
        "backup and restore",
        "manifest",
        f"{len(manifest['files'])} files, {sum(f['bytes'] for f in manifest['files'].values())} bytes, "
        f"{sum(len(rows) for rows in source_rows.values())} rows in {len(source_rows)} tables",
    )

    target = platform_settings(
        fresh_server.url("gongjian"), overrides={"projects-api": {"scheduler_enabled": False}}
    )
    notes = await asyncio.to_thread(restore, target, folder, default_bin_dir())
    assert any("renumbered" in note for note in notes), notes
    await migrate(target)
    assert await tables(fresh_server.dsn("gongjian")) == source_rows

    async with running_platform(target, clock=clock) as platform:
        await platform.login()
        assert await answers(platform, made) == before
        # the restored bus goes on from where it was: a new report is scored, a new alert reaches the leader
        standings = before["/api/v1/scoring/standings?year=2019&kind=county"]
        units = await unit_ids(platform)
        project = await register(platform, units["平利县"], name="平利县新项目")
        await report_month(platform, project["id"], 5, "9000")
        await settled(platform)
        after = await answers(platform, made)
        assert after["/api/v1/scoring/standings?year=2019&kind=county"] != standings
        assert after["inbox"] == await inbox(platform, made)


async def test_restore_refuses_a_changed_backup_and_a_target_that_holds_data(
    database_url: str,
    fresh_server: EmbeddedPostgres,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the commands, on the services' own URLs (as in docker-compose)
    for entry in SERVICES:
        monkeypatch.setenv(f"{entry.env_prefix}DATABASE__URL", database_url)
        monkeypatch.setenv(f"{entry.env_prefix}EVIDENCE__ROOT", str(tmp_path / "evidence" / entry.name))
    folder = tmp_path / "backup"
    assert await asyncio.to_thread(main, ["backup", str(folder)]) == 0
    assert "projects-api: schema projects at" in capsys.readouterr().out
    assert await asyncio.to_thread(main, ["restore", str(folder)]) == 1
    assert "already holds" in capsys.readouterr().err
    source = platform_settings(database_url)
    with pytest.raises(BackupError, match="not empty"):
        await asyncio.to_thread(backup, source, folder, default_bin_dir())
    with pytest.raises(BackupError, match="already holds"):  # the source itself still holds its tables
        await asyncio.to_thread(restore, source, folder, default_bin_dir())

    dump = next(folder.glob("*.dump"))
    dump.write_bytes(dump.read_bytes() + b"\0")
    target = platform_settings(fresh_server.url("gongjian"))
    with pytest.raises(BackupError, match="sha256"):
        await asyncio.to_thread(restore, target, folder, default_bin_dir())
    (folder / "stray.txt").write_text("x")
    with pytest.raises(BackupError, match="differ from the manifest"):
        await asyncio.to_thread(restore, target, folder, default_bin_dir())


async def test_a_backup_of_one_database_restores_into_a_database_per_service(
    database_url: str, fresh_server: EmbeddedPostgres, tmp_path: Path
) -> None:
    source = platform_settings(database_url)
    await seed_and_admin(source["projects-api"], SecretStr(ADMIN_PASSWORD), force_seed=True)
    folder = tmp_path / "backup"
    await asyncio.to_thread(backup, source, folder, default_bin_dir())
    source_rows = await tables(plain(database_url))
    assert sum(len(rows) for rows in source_rows.values()) > 100, "the seed's units, targets and events"

    target = {}
    for entry in SERVICES:
        name = entry.spec.schema
        fresh_server.create_database(name)
        own = platform_settings(fresh_server.url(name))[entry.name]
        target[entry.name] = own
    notes = await asyncio.to_thread(restore, target, folder, default_bin_dir())
    assert len([note for note in notes if note.startswith("restored ")]) == len(SERVICES), notes
    restored: dict[str, list[str]] = {}
    for entry in SERVICES:
        restored |= await tables(fresh_server.dsn(entry.spec.schema))
    assert restored == source_rows
