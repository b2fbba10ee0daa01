"""Settings shared by every service: one base class, nested groups; token keys are checked where a service starts."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, SecretStr
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Environment = Literal["development", "test", "production"]


class DatabaseSettings(BaseModel):
    url: SecretStr = SecretStr("postgresql+asyncpg://gongjian@127.0.0.1:5432/gongjian")
    # at least the requests one process serves at once: a request holds its connection while it runs, and an
    # overflow connection is closed again when it comes back to a full pool (a new backend per request)
    pool_size: int = Field(default=20, ge=1)
    max_overflow: int = Field(default=10, ge=0)
    # a pooled connection older than this is closed and replaced at its next checkout
    pool_recycle_seconds: int = Field(default=1800, ge=1)
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


class HttpSettings(BaseModel):
    """Limits on what a request may carry; a larger body is refused with 413 before it is parsed."""

    max_json_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)  # every body but multipart
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)  # multipart/form-data (file uploads)


LogFormat = Literal["json", "text"]


class LogSettings(BaseModel):
    """`<P>_LOG__FORMAT`: `json` (one object a line, the default) or `text` (readable, `make dev`'s);
    `<P>_LOG__LEVEL`; `<P>_LOG__REQUESTS`: a line per HTTP request (method, route, status, duration)."""

    format: LogFormat = "json"
    level: str = "INFO"
    requests: bool = True


class TracingSettings(BaseModel):
    """`<P>_TRACING__ENABLED` switches OpenTelemetry spans on; `<P>_TRACING__EXPORTER`: `none` (the default:
    spans are made and dropped) or `console` (spans as JSON on stdout); `<P>_TRACING__SAMPLE_RATIO`."""

    enabled: bool = False
    exporter: Literal["none", "console"] = "none"
    sample_ratio: float = Field(default=1.0, ge=0.0, le=1.0)


def _pem_list(value: Any) -> Any:
    """A list of PEM keys from a list, a JSON list, or one string holding one or more PEM blocks."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        if text.startswith("["):
            return json.loads(text)
        return [block.strip() + "\n" for block in _PEM_BLOCK.findall(text)] or [text]
    return value


_PEM_BLOCK = re.compile(r"-----BEGIN [A-Z ]+-----.*?-----END [A-Z ]+-----", re.DOTALL)

PemKeys = Annotated[list[str], NoDecode, BeforeValidator(_pem_list)]
SecretPemKeys = Annotated[list[SecretStr], NoDecode, BeforeValidator(_pem_list)]


class AuthSettings(BaseModel):
    """Access tokens: EdDSA (Ed25519) JWTs signed by projects-api only, verified everywhere.

    Keys are PEM text; an environment variable may hold one PEM block, several one after the other, or a JSON list.
    """

    # projects-api: Ed25519 private keys (PKCS#8 PEM); the first signs, the others still verify (rotation)
    signing_keys: SecretPemKeys = Field(default_factory=list)
    # the other services: Ed25519 public keys (PEM) they accept, and/or where to fetch the JWKS
    public_keys: PemKeys = Field(default_factory=list)
    jwks_url: str | None = None
    jwks_refresh_seconds: float = Field(default=30.0, ge=0)
    jwks_timeout_seconds: float = Field(default=5.0, gt=0)
    sign: bool = False  # True only for the service that owns accounts (projects-api)
    issuer: str = "gongjian"
    audience: str = "gongjian-api"
    access_token_ttl_minutes: int = Field(default=15, ge=1)
    refresh_token_ttl_days: int = Field(default=14, ge=1)

    def key_problem(self, environment: str, prefix: str = "") -> str | None:
        """Why a service with these settings must not start outside development, or None.

        Checked when a service's app is built (`build_service_app`), not when settings load: the relay, seed and
        migrate commands read the same settings and need no key. `prefix` is the service's environment prefix.
        """
        if environment == "development":
            return None
        if self.sign and not self.signing_keys:
            return f"{prefix}AUTH__SIGNING_KEYS must hold an Ed25519 private key (PEM): this service signs tokens"
        if not self.sign and not (self.public_keys or self.signing_keys or self.jwks_url):
            return f"{prefix}AUTH__PUBLIC_KEYS or {prefix}AUTH__JWKS_URL must be set: this service verifies tokens"
        return None


class BaseServiceSettings(BaseSettings):
    """Base of every service's settings; each service sets its own env prefix."""

    model_config = SettingsConfigDict(env_nested_delimiter="__", extra="ignore")

    environment: Environment = "development"
    service_name: str = "gongjian"
    database: DatabaseSettings = DatabaseSettings()
    kafka: KafkaSettings = KafkaSettings()
    bus: BusSettings = BusSettings()
    auth: AuthSettings = AuthSettings()
    http: HttpSettings = HttpSettings()
    log: LogSettings = LogSettings()
    tracing: TracingSettings = TracingSettings()
    frontend_base_url: str = "http://127.0.0.1:8000"
    # The front ends' origins allowed by CORS (e.g. ["https://gongjian.example.gov.cn"]); none by default.
    cors_origins: list[str] = Field(default_factory=list)
