from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from gongjian_shared.evidence.settings import EvidenceSettings
from gongjian_shared.settings import AuthSettings, BaseServiceSettings


class ProjectsAuthSettings(AuthSettings):
    """projects-api owns the accounts: it alone signs tokens (PROJECTS_AUTH__SIGNING_KEYS)."""

    sign: bool = True


class PushSettings(BaseModel):
    """The outbound push adapter (推送): the registry's changes POSTed as JSON to one endpoint
    (PROJECTS_PUSH__URL, __TOKEN, __TIMEOUT_SECONDS, __MAX_ATTEMPTS, __BACKOFF_SECONDS, __MAX_BACKOFF_SECONDS).
    Off unless a URL is set."""

    url: str | None = Field(default=None, description="The receiving endpoint; unset: no push at all.")
    token: SecretStr | None = Field(default=None, description="Sent as `Authorization: Bearer <token>`.")
    timeout_seconds: float = Field(default=10.0, gt=0, description="One request's whole time limit.")
    max_attempts: int = Field(default=8, ge=1, description="Attempts before a change becomes a dead letter.")
    backoff_seconds: float = Field(
        default=2.0, gt=0, description="The wait after the first failure; doubled."
    )
    max_backoff_seconds: float = Field(default=600.0, gt=0, description="The longest wait between attempts.")
    interval_seconds: float = Field(
        default=2.0, gt=0, description="How often waiting changes are looked for."
    )
    batch_size: int = Field(default=50, ge=1, le=1000, description="Changes sent per run, in log order.")

    @property
    def enabled(self) -> bool:
        return bool(self.url)


# the day of the month from which the leaders' digests of the month before go out (the units report by the 5th)
DEFAULT_LEADER_DIGEST_DAY = 10


class ProvincialSettings(BaseModel):
    """The exchange with the provincial platform (PROJECTS_PROVINCIAL__TOLERANCE_10K, ...)."""

    tolerance_10k: Decimal = Field(
        default=Decimal("1.00"),
        ge=0,
        description="A difference between our figure and the province's above this (万元) opens a ledger item.",
    )
    max_file_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="The largest provincial export accepted (bytes)."
    )


class ProjectsSettings(BaseServiceSettings):
    """projects-api settings; environment variables start with PROJECTS_ (e.g. PROJECTS_DATABASE__URL)."""

    model_config = SettingsConfigDict(env_prefix="PROJECTS_", env_nested_delimiter="__", extra="ignore")

    service_name: str = "projects-api"
    auth: ProjectsAuthSettings = ProjectsAuthSettings()
    scheduler_enabled: bool = Field(
        default=True, description="Run the periodic jobs (reporting deadlines, purges) in this process."
    )
    scheduler_interval_seconds: float = Field(
        default=30.0, gt=0, description="How often reporting deadlines are checked (seconds)."
    )
    leader_digest_day: int = Field(
        default=DEFAULT_LEADER_DIGEST_DAY,
        ge=1,
        le=28,
        description="From this day of the month the leaders' monthly digests of the month before go out (1..28).",
    )
    evidence: EvidenceSettings = EvidenceSettings()
    push: PushSettings = PushSettings()
    provincial: ProvincialSettings = ProvincialSettings()


def projects_settings(settings: BaseServiceSettings) -> ProjectsSettings:
    """The running service's settings, typed (the service context holds them as the shared base class)."""
    if not isinstance(settings, ProjectsSettings):
        raise TypeError(f"projects-api runs with ProjectsSettings, not {type(settings).__name__}")
    return settings
