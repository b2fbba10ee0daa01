from __future__ import annotations

from sqlalchemy import Numeric
from sqlalchemy.orm import DeclarativeBase

from gongjian_shared.bus.tables import bus_tables
from gongjian_shared.db import service_metadata

SCHEMA = "projects"


class Base(DeclarativeBase):
    metadata = service_metadata(SCHEMA)


BUS = bus_tables(Base.metadata)

# 万元 with two decimals: never float
Money = Numeric(16, 2)
