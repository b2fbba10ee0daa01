"""The one envelope every event travels in, and the base of every typed payload."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator


class EventPayload(BaseModel):
    """Base of a versioned event contract; subclasses name their type, version and stream."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    event_version: ClassVar[int] = 1
    stream: ClassVar[str]
    summary: ClassVar[str] = ""


class EventEnvelope(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: uuid.UUID
    type: str = Field(pattern=r"^[a-z]+(-[a-z]+)+$")
    version: int = Field(ge=1)
    occurred_at: datetime
    producer: str
    key: str
    correlation_id: uuid.UUID | None = None
    payload: dict[str, Any]
    # W3C trace context of the request or event that caused this one (absent from events written before it)
    traceparent: str | None = Field(default=None, pattern=r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("occurred_at must carry a timezone")
        return value.astimezone(UTC)

    @classmethod
    def wrap(
        cls,
        payload: EventPayload,
        *,
        producer: str,
        key: str,
        occurred_at: datetime,
        correlation_id: uuid.UUID | None = None,
        event_id: uuid.UUID | None = None,
        traceparent: str | None = None,
    ) -> Self:
        return cls(
            event_id=event_id or uuid.uuid4(),
            type=payload.event_type,
            version=payload.event_version,
            occurred_at=occurred_at,
            producer=producer,
            key=key,
            correlation_id=correlation_id,
            payload=payload.model_dump(mode="json"),
            traceparent=traceparent,
        )

    def to_json(self) -> dict[str, Any]:
        """The envelope's JSON form; without `traceparent` when there is none, as events were before it."""
        return self.model_dump(mode="json", exclude={"traceparent"} if self.traceparent is None else None)

    def to_json_text(self) -> str:
        """`to_json` as JSON text, written by pydantic in one pass."""
        return self.model_dump_json(exclude={"traceparent"} if self.traceparent is None else None)

    def to_json_bytes(self) -> bytes:
        return self.to_json_text().encode()
