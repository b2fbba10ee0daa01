"""Migration 0013 keeps the file metadata old applications declared (as `declared_evidence`, empty by default
for new ones) and adds the files a decision relied on; its downgrade gives the metadata back unchanged."""

from __future__ import annotations

import json

from alembic import command
from integration.projects.test_migration_0012 import run

from gongjian_projects.app import MIGRATIONS
from gongjian_shared.migrations import alembic_config
from support.servers import PostgresForTests

UNIT = "00000000-0000-0000-0000-0000000000a1"
PROJECT = "00000000-0000-0000-0000-0000000000b1"
OLD, NEW = "00000000-0000-0000-0000-0000000000c1", "00000000-0000-0000-0000-0000000000c2"
DECLARED = [
    {
        "name": "开工照片.jpg",
        "content_type": "image/jpeg",
        "size_bytes": 204800,
        "checksum": "a" * 64,
        "storage_key": "evidence/2019/05/abc.jpg",
    }
]
COLUMNS = "id, project_id, kind, claimed_on, description, status, applied_at, applied_by"


def recognition(recognition_id: str, kind: str, status: str) -> str:
    return f"'{recognition_id}', '{PROJECT}', '{kind}', '2019-05-18', '开工', '{status}', now(), '{UNIT}'"


def test_0013_keeps_the_declared_metadata_and_its_downgrade_gives_it_back(postgres: PostgresForTests) -> None:
    url = postgres.fresh_database()
    try:
        config = alembic_config(MIGRATIONS, url)
        command.downgrade(config, "0012")  # the template database is at head
        run(
            url,
            f"INSERT INTO projects.units (id, name, kind, joint_meeting_member, revision) "
            f"VALUES ('{UNIT}', '迁移测试单位', 'county', false, 1)",
            "INSERT INTO projects.projects (id, year, kind, name, unit_id, plan_category, total_investment_10k, "
            f"planned_investment_10k, status, revision, provincial_key) VALUES ('{PROJECT}', 2019, 'key', "
            f"'认定迁移', '{UNIT}', 'new-start', 100, 10, 'planned', 1, false)",
            f"INSERT INTO projects.recognitions ({COLUMNS}, evidence) VALUES "
            f"({recognition(OLD, 'start', 'recognised')}, '{json.dumps(DECLARED)}'::jsonb)",
        )
        command.upgrade(config, "0013")
        kept = "SELECT declared_evidence, decision_evidence FROM projects.recognitions ORDER BY seq"
        assert run(url, kept) == [(DECLARED, None)]
        run(
            url,
            f"INSERT INTO projects.recognitions ({COLUMNS}) VALUES ({recognition(NEW, 'completion', 'applied')})",
        )
        assert run(url, kept) == [(DECLARED, None), ([], None)]

        command.downgrade(config, "0012")
        back = "SELECT id::text, evidence FROM projects.recognitions ORDER BY seq"
        assert run(url, back) == [(OLD, DECLARED), (NEW, [])]
    finally:
        postgres.drop(url)
