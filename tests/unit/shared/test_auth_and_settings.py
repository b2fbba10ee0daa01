"""The auth seam and settings: tokens expire, tampered tokens fail, default secrets are refused in production."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr, ValidationError

from gongjian_shared.auth import Principal, TokenService, hash_password, verify_password
from gongjian_shared.clock import FrozenClock
from gongjian_shared.errors import NotAuthenticated
from gongjian_shared.settings import AuthSettings, BaseServiceSettings

PRINCIPAL = Principal(user_id=uuid.uuid4(), username="u", unit_id=None, roles=frozenset({"office"}))


def test_a_token_verifies_until_it_expires() -> None:
    clock = FrozenClock(datetime(2019, 6, 1, tzinfo=UTC))
    tokens = TokenService(AuthSettings(token_ttl_minutes=10), clock)
    token = tokens.issue(PRINCIPAL)
    assert tokens.verify(token) == PRINCIPAL
    clock.advance(timedelta(minutes=10))
    with pytest.raises(NotAuthenticated):
        tokens.verify(token)


def test_a_token_for_another_audience_or_key_fails() -> None:
    clock = FrozenClock(datetime(2019, 6, 1, tzinfo=UTC))
    token = TokenService(AuthSettings(audience="other"), clock).issue(PRINCIPAL)
    with pytest.raises(NotAuthenticated):
        TokenService(AuthSettings(), clock).verify(token)
    forged = TokenService(AuthSettings(secret=SecretStr("x" * 40)), clock).issue(PRINCIPAL)
    with pytest.raises(NotAuthenticated):
        TokenService(AuthSettings(), clock).verify(forged)


def test_passwords_are_argon2_hashes() -> None:
    hashed = hash_password("s3cret")
    assert hashed.startswith("$argon2")
    assert verify_password(hashed, "s3cret")
    assert not verify_password(hashed, "wrong")


def test_default_secret_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="AUTH__SECRET"):
        BaseServiceSettings(environment="production")
    with pytest.raises(ValidationError, match="AUTH__SECRET"):
        BaseServiceSettings(environment="test", auth=AuthSettings(secret=SecretStr("short")))
    BaseServiceSettings(environment="production", auth=AuthSettings(secret=SecretStr("k" * 40)))
    BaseServiceSettings(environment="development")


def test_nested_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from gongjian_projects.settings import ProjectsSettings

    monkeypatch.setenv("PROJECTS_DATABASE__URL", "postgresql+asyncpg://x@127.0.0.1:1/db")
    monkeypatch.setenv("PROJECTS_BUS__KIND", "kafka")
    monkeypatch.setenv("PROJECTS_KAFKA__BOOTSTRAP", "127.0.0.1:19092")
    settings = ProjectsSettings()
    assert settings.database.url.get_secret_value().endswith(":1/db")
    assert settings.bus.kind == "kafka"
    assert settings.kafka.bootstrap == "127.0.0.1:19092"
