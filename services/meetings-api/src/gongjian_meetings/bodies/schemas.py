from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gongjian_shared.pagination import Page
from gongjian_shared.types import Line, Name, NotNullPatch, RequestModel, cross_field


class ConvenerIn(RequestModel):
    """The convener (召集人) who approves the agenda; where the notifier reaches them."""

    model_config = ConfigDict(extra="forbid")

    name: Name = Field(max_length=100)
    phone: Line | None = Field(default=None, max_length=40)
    email: Line | None = Field(default=None, max_length=200)
    im_id: Line | None = Field(default=None, max_length=200)


class BodyUpdate(NotNullPatch):
    """Settings of a meeting body: convener, office, the series (e.g. 2nd Thursday of odd months), windows.
    A setting left out is kept; only `convener`, `convener_user_id` and `office_unit_id` may be cleared with
    `null`."""

    model_config = ConfigDict(extra="forbid")
    not_nullable = (
        "series_active",
        "series_interval_months",
        "series_first_month",
        "series_week",
        "series_weekday",
        "series_horizon_months",
        "topic_days",
        "agenda_days",
        "circulation_days",
        "reminder_hour",
        "skip_holidays",
        "overdue_every_days",
    )

    convener: ConvenerIn | None = None
    convener_user_id: uuid.UUID | None = None
    office_unit_id: uuid.UUID | None = None
    series_active: bool | None = Field(
        default=None, description="Generate the regular series ahead, automatically (定期会议自动排期)"
    )
    series_interval_months: int | None = Field(default=None, ge=1, le=12)
    series_first_month: int | None = Field(default=None, ge=1, le=12)
    series_week: int | None = Field(default=None, ge=1, le=5, description="5 = the last one of the month")
    series_weekday: int | None = Field(default=None, ge=0, le=6, description="Monday = 0 … Sunday = 6")
    series_horizon_months: int | None = Field(default=None, ge=1, le=24)
    topic_days: int | None = Field(default=None, ge=3, le=60)
    agenda_days: int | None = Field(default=None, ge=2, le=59)
    circulation_days: int | None = Field(default=None, ge=1, le=58)
    reminder_hour: int | None = Field(default=None, ge=0, le=23)
    skip_holidays: bool | None = Field(
        default=None,
        description="Reminders and escalations skip public holidays (节假日顺延) and follow 调休",
    )
    overdue_every_days: int | None = Field(default=None, ge=1, le=30)

    @model_validator(mode="after")
    def _changes_something(self) -> BodyUpdate:
        if not self.model_fields_set:
            raise cross_field("give at least one setting to change")
        return self


class ConvenerOut(BaseModel):
    person_id: uuid.UUID
    name: str
    phone: str | None = None
    email: str | None = None
    im_id: str | None = None


class BodyOut(BaseModel):
    """A joint meeting body (联席会议): the city's, or a county's or zone's own."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    level: Literal["city", "county", "zone"]
    unit_id: uuid.UUID | None
    name: str
    convener: ConvenerOut | None
    convener_user_id: uuid.UUID | None
    office_unit_id: uuid.UUID | None
    series_active: bool
    series_interval_months: int
    series_first_month: int
    series_week: int
    series_weekday: int
    series_horizon_months: int
    topic_days: int
    agenda_days: int
    circulation_days: int
    reminder_hour: int
    skip_holidays: bool
    overdue_every_days: int
    revision: int


class BodyMemberOut(BaseModel):
    unit_id: uuid.UUID
    name: str
    kind: str
    liaisons: list[str] | None = None


class BodyPage(Page[BodyOut]):
    """One page of meeting bodies (联席会议)."""


class BodyMemberPage(Page[BodyMemberOut]):
    """One page of a body's member units (成员单位)."""
