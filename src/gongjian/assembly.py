"""Assembling the platform: settings per service, migrations, seed data, and the embedded default."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from gongjian.services import SERVICES, ServiceEntry, service
from gongjian_projects.identity.repository import UserRepository
from gongjian_projects.identity.service import ensure_admin
from gongjian_projects.models import BUS as PROJECTS_BUS
from gongjian_projects.seed import SeedResult, seed
from gongjian_projects.units.repository import UnitRepository
from gongjian_shared.auth import generate_private_key_pem, load_private_key, public_key_pem
from gongjian_shared.clock import SystemClock
from gongjian_shared.db import create_engine, create_sessionmaker, unit_of_work
from gongjian_shared.migrations import upgrade
from gongjian_shared.outbox import Outbox
from gongjian_shared.settings import (
    AuthSettings,
    BaseServiceSettings,
    DatabaseSettings,
    LogSettings,
    TracingSettings,
)

logger = logging.getLogger("gongjian")

DEFAULT_STATE_DIR = Path("var")
DEFAULT_WEB_DIST = Path(__file__).resolve().parents[2] / "web" / "dist"
DEVELOPMENT_KEY_FILE = Path("auth") / "signing-key.pem"
DATABASE_NAME = "gongjian"


class PlatformKafka(BaseModel):
    bootstrap: str | None = None
    topic_prefix: str = "gongjian."


class PlatformSettings(BaseSettings):
    """Settings of the embedded default (`gongjian dev`); environment variables start with GONGJIAN_."""

    model_config = SettingsConfigDict(env_prefix="GONGJIAN_", env_nested_delimiter="__", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    state_dir: Path = DEFAULT_STATE_DIR
    host: str = "127.0.0.1"
    port: int = 8000
    postgres_port: int | None = None
    database: DatabaseSettings | None = None
    bus: Literal["embedded", "kafka"] = "embedded"
    kafka: PlatformKafka = PlatformKafka()
    auth: AuthSettings = AuthSettings()
    admin_password: SecretStr | None = None
    # log lines of the whole process: readable text on one machine (GONGJIAN_LOG__FORMAT=json for JSON)
    log: LogSettings = LogSettings(format="text")
    tracing: TracingSettings = TracingSettings()
    # the built web console the gateway serves at / (`make dev` builds it); absent: the API only
    web_dist: Path = DEFAULT_WEB_DIST
    # `gongjian dev` only, for the console's browser tests: a file holding the instant the platform's clock reads
    # (gongjian.dev.FileClock); absent, the system's time
    dev_clock_file: Path | None = None


def service_settings(
    entry: ServiceEntry, database_url: str, platform: PlatformSettings, kafka_bootstrap: str | None
) -> BaseServiceSettings:
    """A service's settings: its own environment first, the platform's choices where it sets none."""
    settings = entry.settings_class()
    updates: dict[str, object] = {"environment": platform.environment}
    if f"{entry.env_prefix}DATABASE__URL" not in os.environ:
        updates["database"] = settings.database.model_copy(update={"url": SecretStr(database_url)})
    if f"{entry.env_prefix}BUS__KIND" not in os.environ:
        updates["bus"] = settings.bus.model_copy(update={"kind": platform.bus})
    if kafka_bootstrap and f"{entry.env_prefix}KAFKA__BOOTSTRAP" not in os.environ:
        updates["kafka"] = settings.kafka.model_copy(
            update={"bootstrap": kafka_bootstrap, "topic_prefix": platform.kafka.topic_prefix}
        )
    if not any(name.startswith(f"{entry.env_prefix}AUTH__") for name in os.environ):
        updates["auth"] = service_auth(settings.auth, platform.auth)
    evidence = getattr(settings, "evidence", None)
    if evidence is not None and f"{entry.env_prefix}EVIDENCE__ROOT" not in os.environ:
        # evidence files live under the data folder, beside the embedded database
        updates["evidence"] = evidence.model_copy(update={"root": platform.state_dir / "evidence"})
    return entry.settings_class.model_validate(settings.model_dump() | updates)


def service_auth(own: AuthSettings, platform: AuthSettings) -> dict[str, Any]:
    """The platform's token settings as one service gets them: the private keys only where it signs
    (projects-api), their public halves everywhere else."""
    values = platform.model_dump() | {"sign": own.sign}
    if not own.sign:
        derived = [public_key_pem(load_private_key(key.get_secret_value())) for key in platform.signing_keys]
        values |= {"signing_keys": [], "public_keys": [*platform.public_keys, *derived]}
    return values


def development_signing_key(state_dir: Path) -> SecretStr:
    """The Ed25519 key `gongjian dev` signs with: made once in the state directory (0600), then kept, so
    tokens survive a restart."""
    path = state_dir / DEVELOPMENT_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(descriptor, "w", encoding="ascii") as sink:
                sink.write(generate_private_key_pem())
    return SecretStr(path.read_text(encoding="ascii"))


def with_development_key(platform: PlatformSettings) -> PlatformSettings:
    """The platform with a signing key: the one configured (GONGJIAN_AUTH__SIGNING_KEYS), else the state
    directory's (made on first use)."""
    auth = platform.auth
    if auth.signing_keys or auth.public_keys or auth.jwks_url:
        return platform
    key = development_signing_key(platform.state_dir)
    return platform.model_copy(update={"auth": auth.model_copy(update={"signing_keys": [key]})})


async def migrate(settings: dict[str, BaseServiceSettings]) -> None:
    for entry in SERVICES:
        url = settings[entry.name].database.url.get_secret_value()
        await asyncio.to_thread(upgrade, entry.migrations, url)


@dataclass
class Bootstrap:
    seeded: SeedResult | None = None
    admin_password: str | None = None
    notes: list[str] = field(default_factory=list)


async def seed_and_admin(
    projects: BaseServiceSettings, admin_password: SecretStr | None, *, force_seed: bool
) -> Bootstrap:
    """Load the seed data when the registry is empty (or when asked), and make sure `admin` exists."""
    engine = create_engine(projects.database)
    result = Bootstrap()
    try:
        async with unit_of_work(create_sessionmaker(engine)) as session:
            outbox = Outbox(PROJECTS_BUS, service("projects-api").name, SystemClock())
            if force_seed or await UnitRepository(session).count() == 0:
                result.seeded = await seed(session, outbox)
            password = admin_password.get_secret_value() if admin_password else secrets.token_urlsafe(12)
            if await ensure_admin(UserRepository(session), password):
                result.admin_password = None if admin_password else password
    finally:
        await engine.dispose()
    return result
