"""notifier settings: the channels (email, WeCom, DingTalk, SMS), the office, timing, delivery, escalation."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from gongjian_notifier.outbound import url_refusal
from gongjian_shared.settings import BaseServiceSettings

ChannelName = Literal["inbox", "email", "wecom", "dingtalk", "sms"]
Urgency = Literal["urgent", "normal", "low"]

DEFAULT_SMS_BODY = '{"phone": {{ phone | tojson }}, "text": {{ text | tojson }}}'


class EmailSettings(BaseModel):
    """SMTP; the channel is off while `host` is empty (NOTIFIER_EMAIL__HOST)."""

    host: str | None = None
    port: int = Field(default=25, ge=1, le=65535)
    tls: Literal["none", "starttls", "tls"] = "none"
    ca_file: Path | None = Field(
        default=None, description="a CA bundle for a mail server with an internal CA"
    )
    username: str | None = None
    password: SecretStr | None = None
    sender: str = "gongjian@localhost"
    sender_name: str = "安康市重点项目攻坚平台"
    timeout_seconds: float = Field(default=10.0, gt=0)
    connections: int = Field(default=4, ge=1, le=32)


class WebhookSettings(BaseModel):
    """An IM robot (群机器人) channel; units set their own robot URLs, the office's is here.

    A robot URL is https to one of `allowed_hosts` (exact host names, the vendor's robot hosts), and every
    address its host resolves to is public: checked when set and again before each send.
    """

    enabled: bool = True
    timeout_seconds: float = Field(default=5.0, gt=0)
    allowed_hosts: tuple[str, ...] = Field(default=(), description="the robot hosts a URL may name")


class WeComSettings(WebhookSettings):
    allowed_hosts: tuple[str, ...] = Field(
        default=("qyapi.weixin.qq.com",), description="the robot hosts a URL may name"
    )


class DingTalkSettings(WebhookSettings):
    allowed_hosts: tuple[str, ...] = Field(
        default=("oapi.dingtalk.com",), description="the robot hosts a URL may name"
    )


class SmsSettings(BaseModel):
    """A generic HTTP SMS gateway: the body is a Jinja2 template given `phone`, `text`, `title`, `link`.

    The gateway URL is https and its host resolves to public addresses only (checked before each send).
    """

    url: str | None = None
    method: Literal["POST", "PUT"] = "POST"
    auth_header: str = "Authorization"
    auth_value: SecretStr | None = None
    content_type: str = "application/json"
    body_template: str = DEFAULT_SMS_BODY
    max_length: int = Field(default=300, ge=20)
    timeout_seconds: float = Field(default=5.0, gt=0)


class OfficeSettings(BaseModel):
    """The joint-meeting office (联席会议办公室): told about escalations, failures and units with no liaison."""

    name: str = "联席会议办公室"
    channels: tuple[ChannelName, ...] = ("inbox",)
    email: str | None = None
    phone: str | None = None
    wecom_webhook_url: str | None = None
    dingtalk_webhook_url: str | None = None
    dingtalk_secret: SecretStr | None = None


class ScheduleSettings(BaseModel):
    """When non-urgent pushes may go (Asia/Shanghai): working days only, outside quiet hours."""

    quiet_start: time = time(20, 0)
    quiet_end: time = time(8, 0)
    release_at: time = Field(default=time(9, 0), description="when deferred items go on the next working day")
    digest_at: time = Field(default=time(9, 0), description="when the daily digest goes, on working days")

    @model_validator(mode="after")
    def _release_outside_quiet_hours(self) -> ScheduleSettings:
        for name in ("release_at", "digest_at"):
            if in_quiet_hours(getattr(self, name), self.quiet_start, self.quiet_end):
                raise ValueError(f"schedule.{name} falls in the quiet hours")
        return self


def in_quiet_hours(moment: time, start: time, end: time) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


class DeliverySettings(BaseModel):
    run_worker: bool = True
    batch_size: int = Field(default=200, ge=1, le=5000)
    concurrency: int = Field(default=32, ge=1, le=512)
    poll_interval_seconds: float = Field(default=0.5, gt=0)
    schedule_interval_seconds: float = Field(
        default=5.0, ge=0, description="how often to look for escalations"
    )
    max_attempts: int = Field(default=6, ge=1)
    backoff_base_seconds: float = Field(default=30.0, ge=0)
    backoff_max_seconds: float = Field(default=3600.0, ge=0)
    lease_seconds: float = Field(default=300.0, gt=0)
    rate_per_second: dict[str, float] = Field(
        default_factory=lambda: {"email": 200.0, "wecom": 0.3, "dingtalk": 0.3, "sms": 50.0},
        description="per channel, per replica: a token bucket; WeCom and DingTalk robots allow 20 a minute",
    )


class EscalationSettings(BaseModel):
    after_hours: float = Field(default=24.0, gt=0, description="unacknowledged this long: the next person")
    by_event_type: dict[str, float] = Field(default_factory=dict)
    max_level: int = Field(default=2, ge=0, le=2)


class NotifierSettings(BaseServiceSettings):
    """notifier settings; environment variables start with NOTIFIER_ (e.g. NOTIFIER_EMAIL__HOST)."""

    model_config = SettingsConfigDict(env_prefix="NOTIFIER_", env_nested_delimiter="__", extra="ignore")

    service_name: str = "notifier"
    default_channels: tuple[ChannelName, ...] = ("inbox", "email")
    urgency: dict[str, Urgency] = Field(
        default_factory=dict, description="per event type, over the catalogue"
    )
    templates_dir: Path | None = Field(
        default=None, description="templates here win over the built-in ones; each read once, on first use"
    )
    email: EmailSettings = EmailSettings()
    wecom: WeComSettings = WeComSettings()
    dingtalk: DingTalkSettings = DingTalkSettings()
    sms: SmsSettings = SmsSettings()
    office: OfficeSettings = OfficeSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    delivery: DeliverySettings = DeliverySettings()
    escalation: EscalationSettings = EscalationSettings()
    leader_catch_up_days: int = Field(
        default=31,
        ge=0,
        le=366,
        description="a leader's account linked late still gets the alerts planned for that leader this recently",
    )
    outbound_unrestricted: bool = Field(
        default=False,
        description="tests only: robot and SMS gateway URLs may be any http(s) address (local test sinks)",
    )

    @model_validator(mode="after")
    def _outbound_urls_allowed(self) -> NotifierSettings:
        if self.outbound_unrestricted:
            return self
        checks = (
            ("office.wecom_webhook_url", self.office.wecom_webhook_url, self.wecom.allowed_hosts),
            ("office.dingtalk_webhook_url", self.office.dingtalk_webhook_url, self.dingtalk.allowed_hosts),
            ("sms.url", self.sms.url, None),
        )
        for name, url, hosts in checks:
            refusal = url_refusal(url, hosts) if url else None
            if refusal is not None:
                raise ValueError(f"{name}: {refusal.message}")
        return self
