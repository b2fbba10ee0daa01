from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict

from gongjian_shared.evidence.settings import EvidenceSettings
from gongjian_shared.settings import BaseServiceSettings


class SchedulerSettings(BaseModel):
    """The deadline scheduler: how often it looks for due rows and how many it fires per transaction."""

    enabled: bool = True
    poll_interval_seconds: float = Field(default=1.0, gt=0)
    batch_size: int = Field(default=200, ge=1, le=5000)
    max_attempts: int = Field(default=5, ge=1)
    series_every_seconds: float = Field(default=3600.0, gt=0)


class MeetingsSettings(BaseServiceSettings):
    """meetings-api settings; environment variables start with MEETINGS_ (e.g. MEETINGS_SCHEDULER__ENABLED)."""

    model_config = SettingsConfigDict(env_prefix="MEETINGS_", env_nested_delimiter="__", extra="ignore")

    service_name: str = "meetings-api"
    scheduler: SchedulerSettings = SchedulerSettings()
    evidence: EvidenceSettings = EvidenceSettings()
