"""The meetings-api schema."""

from __future__ import annotations

from gongjian_shared.bus.tables import bus_tables
from gongjian_shared.db import service_metadata
from gongjian_shared.replica import unit_replica_table
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "meetings"


class Base(DeclarativeBase):
    metadata = service_metadata(SCHEMA)


BUS = bus_tables(Base.metadata)
UNIT_REPLICA = unit_replica_table(Base.metadata)
