from __future__ import annotations

import uuid
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gongjian_shared.events.meetings import TopicCategory
from gongjian_shared.pagination import Page
from gongjian_shared.types import Instant, Line, Multiline, Name, NotNullPatch, RequestModel, cross_field

CATEGORY_ZH = {
    "approvals": "审批手续",
    "land-and-demolition": "征地拆迁",
    "land": "土地",
    "utilities": "水电路气",
    "construction": "项目建设",
    "financing": "融资贷款",
    "business-environment": "营商环境",
    "hiring": "用工",
    "other": "其他",
}


class MeetingAttachment(RequestModel):
    """Metadata of an attached file (附件信息); the file itself lives in the document store."""

    model_config = ConfigDict(extra="forbid")

    name: Name = Field(max_length=200)
    media_type: Line | None = Field(default=None, max_length=100)
    size_bytes: int | None = Field(default=None, ge=0)
    reference: Line | None = Field(default=None, max_length=500)


class TopicCreate(RequestModel):
    """A topic for the meeting (议题): category, description, proposed solution, related projects."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "category": "land-and-demolition",
                    "title": "汉江五桥南岸征迁滞后",
                    "description": "南岸 32 户未签约，影响主墩施工。",
                    "proposed_solution": "请市自然资源局、汉滨区联合督导征迁。",
                    "project_ids": [],
                }
            ]
        },
    )

    category: TopicCategory
    title: Name = Field(max_length=200)
    description: Multiline = Field(min_length=1, max_length=8000)
    proposed_solution: Multiline = Field(min_length=1, max_length=8000)
    project_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=50,
        description="Projects of the submitting unit or of units under it (本单位或下属单位的项目)",
    )
    attachments: list[MeetingAttachment] = Field(default_factory=list, max_length=20)
    unit_id: uuid.UUID | None = Field(default=None, description="The office only: the unit it submits for")


class TopicUpdate(NotNullPatch):
    """Changes to a topic (修改议题): by its own unit until the cut-off, by the office until the agenda.
    A field left out is kept; none may be set to `null`."""

    model_config = ConfigDict(extra="forbid")
    not_nullable = ("category", "title", "description", "proposed_solution", "project_ids")

    category: TopicCategory | None = None
    title: Name | None = Field(default=None, max_length=200)
    description: Multiline | None = Field(default=None, min_length=1, max_length=8000)
    proposed_solution: Multiline | None = Field(default=None, min_length=1, max_length=8000)
    project_ids: list[uuid.UUID] | None = Field(default=None, max_length=50)

    @model_validator(mode="after")
    def _changes_something(self) -> TopicUpdate:
        if not self.model_fields_set:
            raise cross_field("give at least one field to change")
        return self


class TopicReject(RequestModel):
    model_config = ConfigDict(extra="forbid")

    reason: Multiline = Field(min_length=1, max_length=2000)


class TopicMerge(RequestModel):
    """Merge this topic into another of the same meeting (合并议题)."""

    model_config = ConfigDict(extra="forbid")

    into_topic_id: uuid.UUID


class TopicOrder(RequestModel):
    """The agenda order (议题排序): every submitted topic of the meeting, once, in order."""

    model_config = ConfigDict(extra="forbid")

    topic_ids: list[uuid.UUID] = Field(min_length=1, max_length=200)


class DraftAccept(RequestModel):
    """Take a draft topic (from the push ledger) onto a meeting's list."""

    model_config = ConfigDict(extra="forbid")

    meeting_id: uuid.UUID | None = None


class LateAcceptanceCreate(RequestModel):
    """The office's leave for a unit to submit after the cut-off (同意逾期报送); its topic is marked late."""

    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID
    reason: Multiline = Field(min_length=1, max_length=1000)


class TopicOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    meeting_id: uuid.UUID | None
    unit_id: uuid.UUID
    unit_name: str
    category: str
    title: str
    description: str
    proposed_solution: str | None
    project_ids: list[uuid.UUID]
    attachments: list[MeetingAttachment]
    status: str
    origin: str
    late: bool
    position: int | None
    rejection_reason: str | None
    merged_into_id: uuid.UUID | None
    obstacle_id: uuid.UUID | None
    submitted_at: Instant | None


class SuggestionOut(BaseModel):
    """A key project behind schedule (预警项目), suggested as a topic, with its figures."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    project_id: uuid.UUID
    project_name: str
    unit_id: uuid.UUID
    year: int
    month: int
    completion_share_percent: Decimal
    benchmark_percent: Decimal
    colour: str
    reason: str
    status: str


class TopicPage(Page[TopicOut]):
    """One page of topics (议题列表)."""


class SuggestionPage(Page[SuggestionOut]):
    """One page of suggested topics (建议议题)."""
