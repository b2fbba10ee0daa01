from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, SecretStr, field_validator

from gongjian_notifier.settings import ChannelName
from gongjian_shared.pagination import Page
from gongjian_shared.types import Instant, RequestModel


def _unique(channels: list[ChannelName] | None) -> list[ChannelName] | None:
    """A channel named twice is named once: the list is a set, in the order given."""
    return None if channels is None else list(dict.fromkeys(channels))


class UnitPreferencesIn(RequestModel):
    """A unit's channels and IM robots (单位通知偏好). `channels` null = the platform's defaults."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "channels": ["inbox", "email", "wecom"],
                    "wecom_webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY",
                    "digest": True,
                    "escalate_after_hours": 24,
                }
            ]
        },
    )

    channels: list[ChannelName] | None = Field(default=None, max_length=5)
    wecom_webhook_url: HttpUrl | None = None
    dingtalk_webhook_url: HttpUrl | None = None
    dingtalk_secret: SecretStr | None = Field(
        default=None, description="write-only; omitted = keep the stored one, empty string = remove it"
    )
    digest: bool = Field(default=True, description="low-urgency items in one daily digest (每日汇总)")
    escalate_after_hours: float | None = Field(default=None, gt=0, le=24 * 30)

    _unique_channels = field_validator("channels")(_unique)


class UnitPreferencesOut(BaseModel):
    unit_id: uuid.UUID
    unit_name: str
    channels: list[ChannelName] | None
    effective_channels: list[ChannelName]
    wecom_webhook_url: str | None
    dingtalk_webhook_url: str | None
    dingtalk_secret_set: bool
    digest: bool
    escalate_after_hours: float | None
    updated_at: Instant | None


class PersonPreferencesIn(RequestModel):
    """A person's channels (个人通知偏好). `channels` null = the unit's choice. The inbox is always on."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"channels": ["inbox", "sms"]}]}
    )

    channels: list[ChannelName] | None = Field(default=None, max_length=5)

    _unique_channels = field_validator("channels")(_unique)


class PersonOut(BaseModel):
    person_id: uuid.UUID
    unit_id: uuid.UUID
    unit_name: str
    role: str
    name: str
    has_email: bool
    has_phone: bool
    channels: list[ChannelName] | None
    effective_channels: list[ChannelName]
    user_id: uuid.UUID | None = Field(description="the account linked to this contact (projects-api's links)")
    username: str | None
    updated_at: Instant | None


class PersonPage(Page[PersonOut]):
    """One page of the contacts linked to the caller's account (我的通知偏好)."""
