from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from gongjian_shared.types import Name, RequestModel

LeaderLevel = Literal["city", "county"]


class LeaderCreate(RequestModel):
    """A city or county leader who pushes projects (包抓领导)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "张三", "title": "副市长", "level": "city"}]},
    )

    name: Annotated[Name, Field(max_length=100)]
    title: Annotated[Name, Field(max_length=100)] | None = None
    level: LeaderLevel
    unit_id: uuid.UUID | None = Field(default=None, description="The county, for county-level leaders.")
    user_id: uuid.UUID | None = Field(
        default=None, description="The leader's account, to read their projects."
    )


class LeaderAccountLink(RequestModel):
    """The account a leader signs in with (包抓领导账号); `null` unlinks it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"user_id": "00000000-0000-0000-0000-000000000000"}, {"user_id": None}]
        },
    )

    user_id: uuid.UUID | None = Field(description="The leader's account, or null for none.")


class LeaderOut(BaseModel):
    id: uuid.UUID
    name: str
    title: str | None
    level: LeaderLevel
    unit_id: uuid.UUID | None
    user_id: uuid.UUID | None
