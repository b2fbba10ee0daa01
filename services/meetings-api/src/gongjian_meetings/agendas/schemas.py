from __future__ import annotations

import uuid
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from gongjian_shared.types import Day, Instant, Multiline, RequestModel


class AgendaSubmit(RequestModel):
    """The office submits the draft agenda to the convener (报送召集人审定), by D-7."""

    model_config = ConfigDict(extra="forbid")

    office_notes: Multiline | None = Field(
        default=None, max_length=8000, description="Countermeasures proposed (对策建议)"
    )


class AgendaReturn(RequestModel):
    """The convener returns the draft with comments (退回修改)."""

    model_config = ConfigDict(extra="forbid")

    comments: Multiline = Field(min_length=1, max_length=4000)


class ProjectFigures(BaseModel):
    """Background figures of a project the topic concerns: its latest standing against the benchmark."""

    project_id: uuid.UUID
    project_name: str
    year: int
    month: int
    completion_share_percent: Decimal
    benchmark_percent: Decimal
    colour: str


class AgendaItem(BaseModel):
    position: int
    topic_id: uuid.UUID
    unit_id: uuid.UUID
    unit_name: str
    category: str
    category_zh: str
    title: str
    description: str
    proposed_solution: str | None
    project_ids: list[uuid.UUID]
    late: bool
    figures: list[ProjectFigures]


class AgendaOut(BaseModel):
    """The meeting's agenda (会议议程) with its topics in order and their background figures."""

    meeting_id: uuid.UUID
    body_name: str
    title: str
    held_on: Day
    location: str | None
    meeting_state: str
    version: int
    status: str
    office_notes: str | None
    comments: str | None
    submitted_at: Instant | None
    decided_at: Instant | None
    circulated_at: Instant | None
    items: list[AgendaItem]
