from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator

from gongjian_shared.access import Scope
from gongjian_shared.types import (
    Day,
    Instant,
    Latitude,
    Line,
    Longitude,
    Money,
    MoneyOut,
    Multiline,
    Name,
    NotNullPatch,
    RequestModel,
    Year,
    cross_field,
)

ProjectKind = Literal["key", "prephase", "planned", "attraction"]
PlanCategory = Literal["new-start", "continuing", "completion"]
ProjectStatus = Literal["planned", "started", "completed", "removed"]
CodeShape = Literal["pre-2020", "current"]
PlanningDepth = Literal["none", "proposal", "feasibility"]
PlannedTier = Literal["below-2bn", "over-2bn", "over-10bn"]
AttractionStage = Literal["signed", "landed", "started"]
CapitalOrigin = Literal["domestic", "foreign"]
ATTRACTION_STAGE_ORDER: tuple[AttractionStage, ...] = ("signed", "landed", "started")
ProjectSort = Literal[
    "name",
    "-name",
    "code",
    "-code",
    "planned_investment_10k",
    "-planned_investment_10k",
    "total_investment_10k",
    "-total_investment_10k",
    "planned_start",
    "-planned_start",
    "created_at",
    "-created_at",
]

Amount = Money  # 万元, a number or a decimal string; written back as "1200.00"
Person = Annotated[Line, Field(max_length=100)]
ProjectName = Annotated[Name, Field(max_length=200)]
Content = Annotated[Multiline, Field(max_length=4000)]
# The blocks of either shape; which shape (and whether its first block is valid) the service decides.
CODE_PATTERN = r"^[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6}$"  # ASCII digits only
CODE_FIELD = Field(
    default=None,
    pattern=CODE_PATTERN,
    description="统一项目代码: `YYYY-AAAAAA-BB-CC-NNNNNN` (before 2020) or `YYMM-AAAAAA-BB-CC-NNNNNN`.",
)

EXAMPLE: dict[str, JsonValue] = {
    "year": 2019,
    "kind": "key",
    "name": "汉江五桥",
    "code": "2019-610902-48-01-012345",
    "unit_id": "00000000-0000-0000-0000-000000000000",
    "responsible_person": "李四",
    "industry": "交通",
    "location": {"admin_code": "610902", "address": "汉滨区", "latitude": "32.684", "longitude": "109.029"},
    "plan_category": "new-start",
    "total_investment_10k": "120000",
    "planned_investment_10k": "30000",
    "planned_start": "2019-04-01",
    "planned_completion": "2021-12-31",
    "leader_ids": [],
}


class Location(RequestModel):
    """Where the project is (项目地点)."""

    model_config = ConfigDict(extra="forbid")

    admin_code: str | None = Field(default=None, pattern=r"^[0-9]{6}$")
    address: Annotated[Line, Field(max_length=500)] | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class PlannedFields(RequestModel):
    """Planned project (策划包装项目): planning depth, filing, and whether it is proposed for next year."""

    model_config = ConfigDict(extra="forbid")

    depth: PlanningDepth = "none"
    in_prephase_plan_and_filed: bool = False
    proposed_for_next_year: bool = False


class PlannedOut(PlannedFields):
    tier: PlannedTier = Field(description="By total investment: 20亿元 and 100亿元 thresholds.")


class AttractionFields(RequestModel):
    """Attraction project (招商引资项目): stage (签约 signed -> 落地 landed -> 开工 started) with the date of
    each stage reached, amounts as given in 万元 (CNY) and 万美元 (USD), never converted, origin of the capital,
    and whether it is a returnee's project (返乡创业). After registration the stage moves only forward, through
    `POST /api/v1/projects/{project_id}/attraction-stage`."""

    model_config = ConfigDict(extra="forbid")

    stage: AttractionStage = "signed"
    signed_on: Day | None = Field(default=None, description="签约日期.")
    landed_on: Day | None = Field(default=None, description="落地日期; only once landed.")
    started_on: Day | None = Field(default=None, description="开工日期; only once started.")
    signed_amount_10k: Money | None = Field(default=None, description="签约金额, 万元 (CNY).")
    funds_in_place_10k: Money | None = Field(default=None, description="到位资金, 万元 (CNY).")
    signed_amount_usd_10k: Money | None = Field(default=None, description="签约金额, 万美元 (USD).")
    funds_in_place_usd_10k: Money | None = Field(default=None, description="到位资金, 万美元 (USD).")
    capital_origin: CapitalOrigin = "domestic"
    returning_entrepreneur: bool = False

    @model_validator(mode="after")
    def _stage_dates(self) -> AttractionFields:
        given = [day for day in (self.signed_on, self.landed_on, self.started_on) if day is not None]
        if given != sorted(given):
            raise cross_field(
                "Stage dates must not go back: signed, landed, started",
                "签约、落地、开工日期须依次不早于前一阶段",
            )
        return self


class AttractionOut(AttractionFields):
    handed_over_to_id: uuid.UUID | None = Field(description="The key project it became (转为重点项目).")


class HandoverRequest(RequestModel):
    """Hand an attraction project over to a key project (招商项目转重点项目): link one, or create one."""

    model_config = ConfigDict(extra="forbid")

    key_project_id: uuid.UUID | None = Field(
        default=None, description="Link this key project; else one is created."
    )
    year: Year | None = Field(default=None, description="Plan year of the created key project.")
    planned_investment_10k: Money = Decimal(0)


class _Dates(RequestModel):
    planned_start: Day | None = None
    planned_completion: Day | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> _Dates:
        if self.planned_start and self.planned_completion and self.planned_completion < self.planned_start:
            raise cross_field("planned_completion must not be before planned_start")
        return self


class ProjectCreate(_Dates):
    """A project entering the year's plan (项目入库). Status and recognised dates are the server's."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    year: Year
    kind: ProjectKind
    name: ProjectName
    code: str | None = CODE_FIELD
    legacy_code: str | None = Field(
        default=None,
        pattern=CODE_PATTERN,
        description="The pre-2020 code, when `code` is in the current shape.",
    )
    unit_id: uuid.UUID
    responsible_person: Person | None = None
    industry: Person | None = None
    location: Location | None = None
    plan_category: PlanCategory | None = None
    total_investment_10k: Amount
    planned_investment_10k: Amount
    planned_by_month: list[Amount] | None = Field(
        default=None,
        min_length=12,
        max_length=12,
        description="Twelve monthly amounts (分月计划) summing to the annual planned investment.",
    )
    construction_content: Content | None = None
    provincial_key: bool = Field(
        default=False,
        description="A provincial key project (省级重点项目); counts for C4.1 of the county assessment.",
    )
    leader_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    planned: PlannedFields | None = Field(default=None, description="Only for kind `planned`.")
    attraction: AttractionFields | None = Field(default=None, description="Only for kind `attraction`.")


class ProjectUpdate(_Dates, NotNullPatch):
    """Changed fields only (项目信息修改); send the ETag you read as `If-Match`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"planned_investment_10k": "32000", "industry": "交通"}]},
    )

    not_nullable = (
        "name",
        "unit_id",
        "total_investment_10k",
        "planned_investment_10k",
        "provincial_key",
        "leader_ids",
        "planned",
        "attraction",
    )

    name: ProjectName | None = None
    code: str | None = CODE_FIELD
    legacy_code: str | None = Field(default=None, pattern=CODE_PATTERN)
    unit_id: uuid.UUID | None = None
    responsible_person: Person | None = None
    industry: Person | None = None
    location: Location | None = None
    plan_category: PlanCategory | None = None
    total_investment_10k: Amount | None = None
    planned_investment_10k: Amount | None = None
    planned_by_month: list[Amount] | None = Field(default=None, min_length=12, max_length=12)
    construction_content: Content | None = None
    provincial_key: bool | None = None
    leader_ids: list[uuid.UUID] | None = Field(default=None, max_length=20)
    planned: PlannedFields | None = None
    attraction: AttractionFields | None = None


class ProjectOut(BaseModel):
    """A plan entry: the project (its identity) on one year's plan."""

    id: uuid.UUID
    identity_id: uuid.UUID = Field(description="The project across the years (项目库); one entry per year.")
    carried_from_id: uuid.UUID | None = Field(description="Last year's entry this one was carried over from.")
    year: int
    kind: ProjectKind
    name: str
    code: str | None
    code_shape: CodeShape | None
    legacy_code: str | None
    region_code: str | None
    region_unit_id: uuid.UUID | None = Field(description="The Ankang county the code's region decodes to.")
    unit_id: uuid.UUID
    responsible_person: str | None
    industry: str | None
    location: Location
    plan_category: PlanCategory | None
    total_investment_10k: MoneyOut
    planned_investment_10k: MoneyOut
    planned_by_month: list[MoneyOut] | None
    planned_start: Day | None
    planned_completion: Day | None
    construction_content: str | None
    provincial_key: bool
    leader_ids: list[uuid.UUID]
    status: ProjectStatus
    started_on: Day | None
    completed_on: Day | None
    planned: PlannedOut | None
    attraction: AttractionOut | None
    revision: int
    created_at: Instant
    updated_at: Instant


class PlanEntryRef(BaseModel):
    """The project's entry on another year's plan: open it for that year's reports and recognitions."""

    project_id: uuid.UUID
    year: int
    kind: ProjectKind
    plan_category: PlanCategory | None
    status: ProjectStatus


class ProjectDetail(ProjectOut):
    """One plan entry, with the project's entries of the other years it is on a plan (历年计划)."""

    other_years: list[PlanEntryRef]


class ProjectPage(BaseModel):
    items: list[ProjectOut]
    total: int = Field(
        description="The projects the list holds: counted for a page reached by `offset`; on a page reached by "
        "`cursor`, the total counted for the walk's first page (游标翻页时为首页统计的总数)."
    )
    limit: int
    offset: int
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page (keyset paging, for long lists); null on the last page."
    )


class StatusChangeOut(BaseModel):
    from_status: ProjectStatus | None
    to_status: ProjectStatus
    changed_at: Instant
    changed_by: uuid.UUID | None
    reason: str | None


@dataclass(frozen=True)
class ProjectFilter:
    """What a list of projects is narrowed to; `scope` is the caller's (None = everything)."""

    scope: Scope | None = None
    year: int | None = None
    kind: str | None = None
    unit_ids: tuple[uuid.UUID, ...] = ()
    plan_category: str | None = None
    status: str | None = None
    leader_id: uuid.UUID | None = None
    warning_colour: str | None = None
    search: str | None = None
