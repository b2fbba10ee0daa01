from __future__ import annotations

from gongjian_shared.settings import BaseServiceSettings
from pydantic_settings import SettingsConfigDict


class MeetingsSettings(BaseServiceSettings):
    """meetings-api settings; environment variables start with MEETINGS_ (e.g. MEETINGS_DATABASE__URL)."""

    model_config = SettingsConfigDict(env_prefix="MEETINGS_", env_nested_delimiter="__", extra="ignore")

    service_name: str = "meetings-api"
