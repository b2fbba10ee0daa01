"""A service's own copy of the registry's units and their people, kept from `unit-updated` events.

Services never read another service's tables; those that need units (meetings-api for member units,
notifier for its directory) keep this replica in their own schema.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, MetaData, Table, Text, Uuid, func, select
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_shared.bus.consumer import Handler
from gongjian_shared.events.envelope import EventEnvelope
from gongjian_shared.events.projects import UnitUpdated


def unit_replica_table(metadata: MetaData) -> Table:
    return Table(
        "unit_replica",
        metadata,
        Column("unit_id", Uuid, primary_key=True),
        Column("name", Text, nullable=False),
        Column("kind", Text, nullable=False),
        Column("admin_code", Text),
        Column("parent_unit_id", Uuid),
        Column("joint_meeting_member", Boolean, nullable=False),
        Column("contacts", JSONB, nullable=False),
        Column("source_event_id", Uuid, nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def unit_updated_handler(table: Table) -> Handler:
    async def on_unit_updated(session: AsyncSession, envelope: EventEnvelope) -> None:
        event = UnitUpdated.model_validate(envelope.payload)
        values = {
            "name": event.name,
            "kind": event.kind,
            "admin_code": event.admin_code,
            "parent_unit_id": event.parent_unit_id,
            "joint_meeting_member": event.joint_meeting_member,
            "contacts": [contact.model_dump(mode="json") for contact in event.contacts],
            "source_event_id": envelope.event_id,
        }
        statement = insert(table).values(unit_id=event.unit_id, **values)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.unit_id], set_=values | {"updated_at": func.now()}
            )
        )

    return on_unit_updated


async def list_replica(session: AsyncSession, table: Table) -> list[dict[str, object]]:
    rows = await session.execute(select(table).order_by(table.c.kind, table.c.name))
    return [dict(row._mapping) for row in rows]
