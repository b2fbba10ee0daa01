"""Alembic, per service: each service migrates its own schema with its own version table."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection, MetaData, pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from gongjian_shared.bus.tables import notify_trigger_ddl


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's migrations/env.py (online mode only: we always migrate a live server)."""
    schema = target_metadata.schema
    assert schema is not None
    url = context.config.attributes.get("url") or context.config.get_main_option("sqlalchemy.url")
    assert url, "no database url given to the migration"

    def migrate(connection: Connection) -> None:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table_schema=schema,
            include_schemas=False,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(migrate)
        finally:
            await engine.dispose()

    asyncio.run(run())


def alembic_config(script_location: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["url"] = url
    return config


def upgrade(script_location: Path, url: str, revision: str = "head") -> None:
    """Blocking: call from a thread when an event loop is running."""
    command.upgrade(alembic_config(script_location, url), revision)


def create_bus_tables(schema: str) -> None:
    """For a service's first revision: the bus tables (version 1 of their shape) and the notify trigger.

    Frozen on purpose, as migrations are: a later change to the bus tables is a new function here and a new
    revision in each service.
    """
    from alembic import op
    from sqlalchemy.dialects import postgresql

    op.create_table(
        "bus_positions",
        sa.Column("group_id", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("txid", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("outbox_id", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "source", name=op.f("pk_bus_positions")),
        schema=schema,
    )
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("group_id", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("envelope", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letters")),
        schema=schema,
    )
    op.create_table(
        "inbox",
        sa.Column("group_id", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "event_id", name=op.f("pk_inbox")),
        schema=schema,
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column(
            "txid",
            sa.BigInteger(),
            server_default=sa.text("(pg_current_xact_id()::text)::bigint"),
            nullable=False,
        ),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("stream", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("envelope", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
        schema=schema,
    )
    op.create_index("ix_outbox_log_position", "outbox", ["txid", "id"], unique=False, schema=schema)
    op.create_index(
        "ix_outbox_unsent",
        "outbox",
        ["txid", "id"],
        unique=False,
        schema=schema,
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    for statement in notify_trigger_ddl(schema):
        op.execute(statement)


def drop_bus_tables(schema: str) -> None:
    from alembic import op

    op.execute(f'DROP FUNCTION IF EXISTS "{schema}".notify_outbox() CASCADE')
    for table in ("outbox", "inbox", "dead_letters", "bus_positions"):
        op.drop_table(table, schema=schema)


def create_unit_replica_table(schema: str) -> None:
    """For the revision that adds a service's `unit_replica` (version 1 of the shape in `replica.py`).

    Frozen like `create_bus_tables`: a later change to the replica is a new function and a new revision.
    """
    from alembic import op
    from sqlalchemy.dialects import postgresql

    op.create_table(
        "unit_replica",
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("admin_code", sa.Text(), nullable=True),
        sa.Column("parent_unit_id", sa.Uuid(), nullable=True),
        sa.Column("joint_meeting_member", sa.Boolean(), nullable=False),
        sa.Column("contacts", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("source_event_id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_unit_replica")),
        schema=schema,
    )


def drop_unit_replica_table(schema: str) -> None:
    from alembic import op

    op.drop_table("unit_replica", schema=schema)
