"""Events of the quarterly concentrated starts (季度集中开工) and their advance notice (提前预告), projects-api."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.events.registry import contract


class DeclaredProject(BaseModel):
    """A project of the batch and the unit that is to confirm it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    project_id: uuid.UUID
    unit_id: uuid.UUID
    project_name: str


@contract
class ConcentratedStartDeclared(EventPayload):
    event_type: ClassVar[str] = "concentrated-start-declared"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = (
        "The office declared a quarter's concentrated start (集中开工提前预告); each unit is to confirm its projects."
    )

    concentrated_start_id: uuid.UUID
    year: int
    quarter: int
    planned_on: date
    event: str
    projects: tuple[DeclaredProject, ...]


@contract
class ConcentratedStartAnswered(EventPayload):
    event_type: ClassVar[str] = "concentrated-start-answered"
    stream: ClassVar[str] = "projects"
    summary: ClassVar[str] = (
        "A unit confirmed a project for the concentrated start, or declined it with the reason (集中开工确认)."
    )

    concentrated_start_id: uuid.UUID
    project_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    quarter: int
    answer: Literal["confirmed", "declined"]
    reason: str | None = None
