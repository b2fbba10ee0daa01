"""Investment attraction (招商引资): stage moves, and the tally against Annex 2 and the notice's targets."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gongjian_shared.types import Day, MoneyOut, RequestModel


class StageMove(RequestModel):
    """Move an attraction project to its next stage with the date it was reached: 签约 -> 落地 -> 开工."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"stage": "landed", "on": "2019-08-12"}]}
    )

    stage: Literal["landed", "started"]
    on: Day


class AttractionTally(BaseModel):
    """A unit's (or the city's) attraction projects of the year, not removed. Amounts as given: 万元 (CNY) and
    万美元 (USD) summed apart, never converted."""

    unit_id: uuid.UUID | None = Field(description="None on the city's row.")
    name: str
    projects: int
    landed: int = Field(description="Landed or started (落地).")
    started: int = Field(description="Started (开工).")
    over_500m_cny: int = Field(description="Signed for at least 5亿元 (50,000 万元, CNY amounts only).")
    foreign_enterprises: int = Field(description="Foreign capital (外资企业).")
    returnee_projects: int = Field(description="Returnee projects (返乡创业).")
    signed_amount_10k: MoneyOut
    funds_in_place_10k: MoneyOut
    signed_amount_usd_10k: MoneyOut
    funds_in_place_usd_10k: MoneyOut
    domestic_funds_in_place_10k: MoneyOut = Field(description="到位资金 of domestic capital (内资), 万元.")
    target_funds_in_place_100m: Decimal | None = Field(
        description="Annex 2: 到位资金 target in 亿元 (CNY); compare with funds_in_place_10k / 10,000."
    )
    target_other: Decimal | None = Field(description="Annex 2: the column without a header, as published.")


class HeadlineTarget(BaseModel):
    """One of the notice's city-wide attraction targets for the year (通知第四条) and where it stands."""

    name: str
    target: Decimal
    actual: Decimal
    unit: str


class AttractionTallyTable(BaseModel):
    year: int
    as_of: dt.date
    rows: list[AttractionTally]
    city: AttractionTally | None = Field(description="For the office and conveners.")
    headline: list[HeadlineTarget] = Field(description="The notice's targets; empty for years it names none.")
