"""The scoring-worker schema: the facts read model built from the registry's events."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from gongjian_shared.bus.tables import bus_tables
from gongjian_shared.db import service_metadata
from sqlalchemy import DateTime, Numeric, SmallInteger, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA = "scoring"


class Base(DeclarativeBase):
    metadata = service_metadata(SCHEMA)


BUS = bus_tables(Base.metadata)


class ProjectInvestment(Base):
    """A project's completed investment this year, as of its latest accepted monthly report (万元)."""

    __tablename__ = "project_investment"

    project_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(index=True)
    month: Mapped[int] = mapped_column(SmallInteger)
    year_to_date_10k: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    cumulative_10k: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
