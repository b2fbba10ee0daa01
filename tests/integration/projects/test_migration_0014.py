"""Migration 0014 makes every existing project one identity holding one plan entry (codes, name and unit
copied), lets entries of several years share the identity's code, and its downgrade puts the codes' global
uniqueness back: refused, naming the code, while two years' entries share one; data survives up, down, up."""

from __future__ import annotations

import pytest
from alembic import command
from integration.projects.test_migration_0012 import run
from sqlalchemy.exc import IntegrityError

from gongjian_projects.app import MIGRATIONS
from gongjian_shared.migrations import alembic_config
from support.servers import PostgresForTests

UNIT = "00000000-0000-0000-0000-0000000000a1"
CODED, LEGACY, PLAIN = (
    "00000000-0000-0000-0000-0000000000b1",
    "00000000-0000-0000-0000-0000000000b2",
    "00000000-0000-0000-0000-0000000000b3",
)
LATER = "00000000-0000-0000-0000-0000000000b4"
CODE = "2019-610902-48-01-012345"
CURRENT, OLD = "1903-610902-48-01-000001", "2018-610902-48-01-000002"
COLUMNS = (
    "id, year, kind, name, code, legacy_code, unit_id, plan_category, total_investment_10k, "
    "planned_investment_10k, status, revision, provincial_key"
)


def project(project_id: str, name: str, code: str | None, legacy: str | None, year: int = 2019) -> str:
    codes = ", ".join(f"'{value}'" if value else "NULL" for value in (code, legacy))
    return (
        f"('{project_id}', {year}, 'key', '{name}', {codes}, '{UNIT}', 'continuing', 5000, 1000, 'started', 1, "
        "false)"
    )


PROJECTS_AS_STORED = (
    "SELECT id::text, year, name, code, legacy_code, status FROM projects.projects ORDER BY id"
)
BEFORE = [
    (CODED, 2019, "汉江大桥", CODE, None, "started"),
    (LEGACY, 2019, "旧码项目", CURRENT, OLD, "started"),
    (PLAIN, 2019, "无码项目", None, None, "started"),
]


def test_0014_makes_identities_and_its_downgrade_restores_unique_codes(postgres: PostgresForTests) -> None:
    url = postgres.fresh_database()
    try:
        config = alembic_config(MIGRATIONS, url)
        command.downgrade(config, "0013")  # the template database is at head
        run(
            url,
            f"INSERT INTO projects.units (id, name, kind, joint_meeting_member, revision) "
            f"VALUES ('{UNIT}', '迁移测试单位', 'county', false, 1)",
            f"INSERT INTO projects.projects ({COLUMNS}) VALUES "
            + ", ".join(
                (
                    project(CODED, "汉江大桥", CODE, None),
                    project(LEGACY, "旧码项目", CURRENT, OLD),
                    project(PLAIN, "无码项目", None, None),
                )
            ),
        )
        command.upgrade(config, "0014")
        identities = (
            "SELECT id::text, code, legacy_code, name, unit_id::text FROM projects.project_identities"
        )
        assert sorted(run(url, identities)) == [
            (CODED, CODE, None, "汉江大桥", UNIT),
            (LEGACY, CURRENT, OLD, "旧码项目", UNIT),
            (PLAIN, None, None, "无码项目", UNIT),
        ]
        links = "SELECT id::text, identity_id::text, carried_from_id FROM projects.projects ORDER BY id"
        assert run(url, links) == [(CODED, CODED, None), (LEGACY, LEGACY, None), (PLAIN, PLAIN, None)]

        # a second year's entry of the same identity shares its code; another identity may not, in that year
        later = project(LATER, "汉江大桥", CODE, None, year=2020)
        run(
            url,
            f"INSERT INTO projects.projects ({COLUMNS}, identity_id, carried_from_id) "
            f"VALUES {later[:-1]}, '{CODED}', '{CODED}')",
        )
        with pytest.raises(IntegrityError, match="uq_projects_identity_id_year"):
            run(url, f"UPDATE projects.projects SET year = 2019 WHERE id = '{LATER}'")

        with pytest.raises(RuntimeError, match=CODE):
            command.downgrade(config, "0013")
        assert len(run(url, PROJECTS_AS_STORED)) == 4  # the refused downgrade changed nothing

        run(url, f"DELETE FROM projects.projects WHERE id = '{LATER}'")
        command.downgrade(config, "0013")
        assert run(url, PROJECTS_AS_STORED) == BEFORE
        with pytest.raises(IntegrityError, match="uq_projects_code"):
            run(
                url,
                f"INSERT INTO projects.projects ({COLUMNS}) VALUES {project(LATER, '重码', CODE, None, 2020)}",
            )

        command.upgrade(config, "head")
        assert run(url, PROJECTS_AS_STORED) == BEFORE
        assert len(run(url, identities)) == 3
    finally:
        postgres.drop(url)
