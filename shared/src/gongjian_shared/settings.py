"""Settings shared by every service: one base class, nested groups, secrets refused outside development."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_AUTH_SECRET = "gongjian-development-secret-change-me-0123456789"

Environment = Literal["development", "test", "production"]


class DatabaseSettings(BaseModel):
    url: SecretStr = SecretStr("postgresql+asyncpg://gongjian@127.0.0.1:5432/gongjian")
    pool_size: int = Field(default=10, ge=1)
    max_overflow: int = Field(default=10, ge=0)
    echo: bool = False


class KafkaSettings(BaseModel):
    bootstrap: str = "127.0.0.1:9092"
    topic_prefix: str = "gongjian."
    group_prefix: str = ""
    partitions: int = Field(default=3, ge=1)
    client_id: str = "gongjian"
    request_timeout_ms: int = Field(default=10_000, ge=1_000)


class BusSettings(BaseModel):
    """Which event bus carries the outbox: PostgreSQL itself (one machine) or Kafka (at scale)."""

    kind: Literal["embedded", "kafka"] = "embedded"
    poll_interval_seconds: float = Field(default=1.0, gt=0)
    batch_size: int = Field(default=200, ge=1)
    max_attempts: int = Field(default=5, ge=1)
    retry_backoff_seconds: float = Field(default=0.2, ge=0)
    run_consumers: bool = True
    run_relay: bool = True


class AuthSettings(BaseModel):
    secret: SecretStr = SecretStr(DEVELOPMENT_AUTH_SECRET)
    issuer: str = "gongjian"
    audience: str = "gongjian-api"
    token_ttl_minutes: int = Field(default=8 * 60, ge=1)


class BaseServiceSettings(BaseSettings):
    """Base of every service's settings; each service sets its own env prefix."""

    model_config = SettingsConfigDict(env_nested_delimiter="__", extra="ignore")

    environment: Environment = "development"
    service_name: str = "gongjian"
    database: DatabaseSettings = DatabaseSettings()
    kafka: KafkaSettings = KafkaSettings()
    bus: BusSettings = BusSettings()
    auth: AuthSettings = AuthSettings()
    frontend_base_url: str = "http://127.0.0.1:8000"

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> BaseServiceSettings:
        if self.environment != "development" and (
            self.auth.secret.get_secret_value() == DEVELOPMENT_AUTH_SECRET
            or len(self.auth.secret.get_secret_value()) < 32
        ):
            raise ValueError(
                "AUTH__SECRET must be set to a random value of at least 32 characters outside development"
            )
        return self
