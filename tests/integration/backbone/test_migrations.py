"""Each service's Alembic head matches its models exactly, and migrations run down to nothing and up again."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from gongjian.services import SERVICES, ServiceEntry
from gongjian_shared.migrations import alembic_config
from support.servers import PostgresForTests


def schema_diff(url: str, entry: ServiceEntry) -> list[Any]:
    schema = entry.spec.schema

    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_schemas": True,
                "include_name": lambda name, kind, _: kind != "schema" or name == schema,
                "version_table_schema": schema,
                "compare_type": True,
            },
        )
        return list(compare_metadata(context, entry.spec.metadata))

    async def run() -> list[Any]:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(compare)
        finally:
            await engine.dispose()

    return asyncio.run(run())


@pytest.mark.parametrize("entry", SERVICES, ids=lambda entry: entry.name)
def test_migrations_match_the_models(postgres: PostgresForTests, entry: ServiceEntry) -> None:
    url = postgres.fresh_database()
    try:
        assert schema_diff(url, entry) == []
    finally:
        postgres.drop(url)


@pytest.mark.parametrize("entry", SERVICES, ids=lambda entry: entry.name)
def test_migrations_go_down_to_base_and_up_again(postgres: PostgresForTests, entry: ServiceEntry) -> None:
    url = postgres.fresh_database()
    try:
        config = alembic_config(entry.migrations, url)
        command.downgrade(config, "base")
        command.upgrade(config, "head")
        assert schema_diff(url, entry) == []
    finally:
        postgres.drop(url)


def test_the_notify_trigger_exists_in_every_schema(postgres: PostgresForTests) -> None:
    url = postgres.fresh_database()

    async def triggers() -> set[str]:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(
                    text(
                        "SELECT event_object_schema FROM information_schema.triggers WHERE trigger_name = 'outbox_notify'"
                    )
                )
                return {row[0] for row in rows}
        finally:
            await engine.dispose()

    try:
        assert asyncio.run(triggers()) == {entry.spec.schema for entry in SERVICES}
    finally:
        postgres.drop(url)
