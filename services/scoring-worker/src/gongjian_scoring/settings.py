from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from gongjian_shared.settings import BaseServiceSettings


class ScoringSettings(BaseServiceSettings):
    """scoring-worker settings; environment variables start with SCORING_ (e.g. SCORING_DATABASE__URL)."""

    model_config = SettingsConfigDict(env_prefix="SCORING_", env_nested_delimiter="__", extra="ignore")

    service_name: str = "scoring-worker"
