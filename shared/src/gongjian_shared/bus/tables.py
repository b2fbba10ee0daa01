"""The tables of the event bus, present in every service's own schema.

- outbox: the service's event log; a row is written in the same transaction as the state change.
- inbox: event ids a consumer group has applied, so a redelivered event has no second effect.
- bus_positions: on the embedded bus, how far each consumer group has read each producer's outbox.
- dead_letters: events a consumer gave up on after its attempts, with the error.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

# xid8 of the writing transaction, as bigint: rows are read in (txid, id) order and only below the
# oldest transaction still running, so a row that commits late is never skipped.
CURRENT_TXID = text("(pg_current_xact_id()::text)::bigint")
SNAPSHOT_XMIN = "(pg_snapshot_xmin(pg_current_snapshot())::text)::bigint"
NOTIFY_CHANNEL = "gongjian_outbox"


@dataclass(frozen=True)
class BusTables:
    schema: str
    outbox: Table
    inbox: Table
    positions: Table
    dead_letters: Table


def bus_tables(metadata: MetaData) -> BusTables:
    schema = metadata.schema
    assert schema is not None, "bus tables live in a service schema"
    outbox = Table(
        "outbox",
        metadata,
        Column("id", BigInteger, Identity(always=True), primary_key=True),
        Column("txid", BigInteger, nullable=False, server_default=CURRENT_TXID),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("type", Text, nullable=False),
        Column("version", Integer, nullable=False),
        Column("stream", Text, nullable=False),
        Column("key", Text, nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("sent_at", DateTime(timezone=True)),
        Index("ix_outbox_log_position", "txid", "id"),
        Index("ix_outbox_unsent", "txid", "id", postgresql_where=text("sent_at IS NULL")),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("group_id", Text, nullable=False),
        Column("event_id", Uuid, nullable=False),
        Column("type", Text, nullable=False),
        Column("applied_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("group_id", "event_id"),
    )
    positions = Table(
        "bus_positions",
        metadata,
        Column("group_id", Text, nullable=False),
        Column("source", Text, nullable=False),
        Column("txid", BigInteger, nullable=False, server_default=text("0")),
        Column("outbox_id", BigInteger, nullable=False, server_default=text("0")),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("group_id", "source"),
    )
    dead_letters = Table(
        "dead_letters",
        metadata,
        Column("id", BigInteger, Identity(always=True), primary_key=True),
        Column("group_id", Text, nullable=False),
        Column("event_id", Uuid, nullable=False),
        Column("type", Text, nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("error", Text, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    return BusTables(schema, outbox, inbox, positions, dead_letters)


def notify_trigger_ddl(schema: str) -> list[str]:
    """A statement trigger that wakes embedded consumers and relays when an outbox commits."""
    return [
        f"""
        CREATE OR REPLACE FUNCTION "{schema}".notify_outbox() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{NOTIFY_CHANNEL}', '{schema}');
            RETURN NULL;
        END $$
        """,
        f"""
        CREATE TRIGGER outbox_notify AFTER INSERT ON "{schema}".outbox
        FOR EACH STATEMENT EXECUTE FUNCTION "{schema}".notify_outbox()
        """,
    ]
