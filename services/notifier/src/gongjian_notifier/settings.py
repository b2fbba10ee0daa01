from __future__ import annotations

from gongjian_shared.settings import BaseServiceSettings
from pydantic_settings import SettingsConfigDict


class NotifierSettings(BaseServiceSettings):
    """notifier settings; environment variables start with NOTIFIER_ (e.g. NOTIFIER_DATABASE__URL)."""

    model_config = SettingsConfigDict(env_prefix="NOTIFIER_", env_nested_delimiter="__", extra="ignore")

    service_name: str = "notifier"
