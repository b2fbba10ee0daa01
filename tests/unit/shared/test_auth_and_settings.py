"""The auth seam and settings: EdDSA tokens with a kid, key rotation and JWKS, expiry, revocation through the
account states, the password-change gate, service-account scopes, and keys required outside development."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from gongjian_shared.auth import (
    ACCOUNT_EVENTS,
    SCOPE_GRANTS,
    AccountStates,
    CurrentPrincipal,
    PasswordChangePrincipal,
    Principal,
    Role,
    TokenIssuer,
    TokenRevoked,
    TokenVerifier,
    account_states_subscription,
    generate_private_key_pem,
    hash_password,
    key_id,
    load_private_key,
    public_key_pem,
    scopes_granting,
    verify_password,
)
from gongjian_shared.clock import FrozenClock
from gongjian_shared.errors import NotAuthenticated, install_problem_handlers
from gongjian_shared.events.accounts import AccountDisabled, AccountUpdated
from gongjian_shared.settings import AuthSettings

KEY_A = generate_private_key_pem()
KEY_B = generate_private_key_pem()
PRINCIPAL = Principal(user_id=uuid.uuid4(), username="u", unit_id=None, roles=frozenset({"office"}))


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2019, 6, 1, tzinfo=UTC))


def signing(*keys: str, **extra: Any) -> AuthSettings:
    return AuthSettings(signing_keys=[SecretStr(key) for key in keys], sign=True, **extra)


def public(*keys: str, **extra: Any) -> AuthSettings:
    return AuthSettings(public_keys=[public_key_pem(load_private_key(key)) for key in keys], **extra)


def header(token: str) -> dict[str, Any]:
    encoded = token.split(".")[0]
    loaded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    return loaded


# --- tokens --------------------------------------------------------------------------------------------------


async def test_an_eddsa_token_round_trips_with_every_claim(clock: FrozenClock) -> None:
    issuer = TokenIssuer(signing(KEY_A), clock)
    principal = Principal(
        user_id=uuid.uuid4(),
        username="reporter-hanbin",
        unit_id=uuid.uuid4(),
        roles=frozenset({"reporter", "liaison"}),
        token_version=3,
        password_change_required=True,
        scopes=frozenset(),
    )
    token = issuer.issue(principal)
    assert header(token)["alg"] == "EdDSA"
    verifier = TokenVerifier(public(KEY_A), clock, AccountStates())
    assert await verifier.verify(token) == principal
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["typ"] == "access" and claims["ver"] == 3 and claims["pcr"] is True
    assert claims["kind"] == "person" and claims["jti"] and claims["exp"] - claims["iat"] == 15 * 60
    service = Principal(
        uuid.uuid4(),
        "provincial-db",
        None,
        frozenset({"service"}),
        scopes=frozenset({"projects:read"}),
        kind="service",
    )
    service_token = issuer.issue(service)
    assert jwt.decode(service_token, options={"verify_signature": False})["scope"] == "projects:read"
    assert await verifier.verify(service_token) == service


def test_the_kid_is_the_rfc7638_thumbprint_of_the_public_key(clock: FrozenClock) -> None:
    issuer = TokenIssuer(signing(KEY_A), clock)
    key = load_private_key(KEY_A).public_key()
    assert issuer.kid == key_id(key)
    assert header(issuer.issue(PRINCIPAL))["kid"] == issuer.kid
    (jwk,) = issuer.jwks()["keys"]
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and jwk["kid"] == issuer.kid
    assert "d" not in jwk  # the private part is never published
    # RFC 7638 §3: SHA-256 over the required members in lexicographic order, no whitespace
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": jwk["x"]}, separators=(",", ":"))
    import hashlib

    expected = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
    assert issuer.kid == expected


async def test_a_token_signed_by_an_unknown_key_is_refused(clock: FrozenClock) -> None:
    forged = TokenIssuer(signing(KEY_B), clock).issue(PRINCIPAL)
    verifier = TokenVerifier(public(KEY_A), clock)
    with pytest.raises(NotAuthenticated, match="known key"):
        await verifier.verify(forged)
    # the same kid over another key's signature does not help either
    kid = TokenIssuer(signing(KEY_A), clock).kid
    resigned = jwt.encode(
        jwt.decode(forged, options={"verify_signature": False}),
        load_private_key(KEY_B),
        algorithm="EdDSA",
        headers={"kid": kid},
    )
    with pytest.raises(NotAuthenticated):
        await verifier.verify(resigned)
    # and an HS256 token is no access token
    hs = jwt.encode({"sub": str(PRINCIPAL.user_id)}, "x" * 40, algorithm="HS256", headers={"kid": kid})
    with pytest.raises(NotAuthenticated):
        await verifier.verify(hs)


async def test_a_token_for_another_audience_or_issuer_fails(clock: FrozenClock) -> None:
    verifier = TokenVerifier(public(KEY_A), clock)
    for other in ({"audience": "other"}, {"issuer": "other"}):
        token = TokenIssuer(signing(KEY_A, **other), clock).issue(PRINCIPAL)
        with pytest.raises(NotAuthenticated):
            await verifier.verify(token)


async def test_rotation_keeps_old_tokens_valid_and_publishes_both_keys(clock: FrozenClock) -> None:
    old = TokenIssuer(signing(KEY_A), clock)
    old_token = old.issue(PRINCIPAL)
    rotated = TokenIssuer(signing(KEY_B, KEY_A), clock)  # the new key signs, the old one still verifies
    new_token = rotated.issue(PRINCIPAL)
    assert header(new_token)["kid"] != header(old_token)["kid"]
    assert [jwk["kid"] for jwk in rotated.jwks()["keys"]] == [rotated.kid, old.kid]
    verifier = TokenVerifier(public(KEY_B, KEY_A), clock)
    assert await verifier.verify(old_token) == PRINCIPAL
    assert await verifier.verify(new_token) == PRINCIPAL
    # the signing service verifies its own tokens with every configured key
    own = TokenVerifier(signing(KEY_B, KEY_A), clock)
    assert await own.verify(old_token) == PRINCIPAL


async def test_an_expired_token_is_refused(clock: FrozenClock) -> None:
    issuer = TokenIssuer(signing(KEY_A, access_token_ttl_minutes=10), clock)
    verifier = TokenVerifier(public(KEY_A), clock)
    token = issuer.issue(PRINCIPAL)
    clock.advance(timedelta(minutes=9, seconds=59))
    assert await verifier.verify(token) == PRINCIPAL
    clock.advance(timedelta(seconds=1))
    with pytest.raises(NotAuthenticated, match="expired"):
        await verifier.verify(token)


async def test_a_token_is_verified_once_and_its_expiry_checked_every_time(
    clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    issuer = TokenIssuer(signing(KEY_A, access_token_ttl_minutes=10), clock)
    verifier = TokenVerifier(public(KEY_A), clock)
    token = issuer.issue(PRINCIPAL)
    calls = []
    real_decode = jwt.decode
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: calls.append(1) or real_decode(*a, **k))
    for _ in range(3):
        assert await verifier.verify(token) == PRINCIPAL
    assert len(calls) == 1  # the signature once; the rest from the verified tokens
    clock.advance(timedelta(minutes=10))
    with pytest.raises(NotAuthenticated, match="expired"):
        await verifier.verify(token)


async def test_a_token_below_the_known_version_or_of_a_disabled_account_is_revoked(
    clock: FrozenClock,
) -> None:
    issuer = TokenIssuer(signing(KEY_A), clock)
    states = AccountStates()
    verifier = TokenVerifier(public(KEY_A), clock, states)
    principal = Principal(uuid.uuid4(), "r", None, frozenset({"reporter"}), token_version=2)
    token = issuer.issue(principal)
    assert await verifier.verify(token) == principal  # an account the service has not heard of passes
    states.apply(principal.user_id, 2, True)
    assert await verifier.verify(token) == principal
    states.apply(principal.user_id, 3, True)  # password reset, role or unit change
    with pytest.raises(TokenRevoked) as revoked:
        await verifier.verify(token)
    assert revoked.value.status == 401 and revoked.value.slug == "token-revoked"
    states.apply(principal.user_id, 2, True)  # a late, older event changes nothing
    with pytest.raises(TokenRevoked):
        await verifier.verify(token)
    fresh = issuer.issue(Principal(principal.user_id, "r", None, frozenset({"reporter"}), token_version=3))
    assert (await verifier.verify(fresh)).token_version == 3
    states.apply(principal.user_id, 3, False)  # disabled
    with pytest.raises(TokenRevoked, match="disabled"):
        await verifier.verify(fresh)


async def test_account_events_feed_the_states_idempotently() -> None:
    states = AccountStates()
    subscription = account_states_subscription(states, "meetings-api.account-states.x")
    account_id = uuid.uuid4()

    def remember(payload: AccountUpdated | AccountDisabled) -> None:
        subscription.after_commit[type(payload)](payload)

    state = {
        "account_id": account_id,
        "username": "r",
        "display_name": "R",
        "unit_id": None,
        "roles": ("reporter",),
        "token_version": 4,
    }
    updated = AccountUpdated(active=True, **state)
    disabled = AccountDisabled(active=False, **state)
    for _ in range(2):
        remember(updated)
    assert states.get(account_id) is not None and states.get(account_id).active  # type: ignore[union-attr]
    remember(disabled)
    remember(disabled)
    status = states.get(account_id)
    assert status is not None and (status.token_version, status.active) == (4, False)
    assert set(subscription.handlers) == set(subscription.after_commit) == set(ACCOUNT_EVENTS)
    assert subscription.streams == {"projects"}


async def test_a_verifier_fetches_the_jwks_on_an_unknown_kid_at_most_once_per_interval(
    clock: FrozenClock,
) -> None:
    published = {"issuer": TokenIssuer(signing(KEY_A), clock)}
    fetches: list[str] = []
    jwks_app = FastAPI()

    @jwks_app.get("/.well-known/jwks.json")
    async def jwks() -> dict[str, Any]:
        fetches.append("GET")
        return published["issuer"].jwks()

    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=jwks_app), base_url="http://projects-api:8000")
    settings = AuthSettings(
        jwks_url="http://projects-api:8000/.well-known/jwks.json", jwks_refresh_seconds=30
    )
    seconds = [0.0]  # the refetch limit's own (monotonic) time
    verifier = TokenVerifier(settings, clock, AccountStates(), http=http, monotonic=lambda: seconds[0])
    async with http:
        assert await verifier.verify(published["issuer"].issue(PRINCIPAL)) == PRINCIPAL
        assert await verifier.verify(published["issuer"].issue(PRINCIPAL)) == PRINCIPAL
        assert len(fetches) == 1  # cached
        published["issuer"] = TokenIssuer(signing(KEY_B, KEY_A), clock)  # rotated at the signer
        rotated = published["issuer"].issue(PRINCIPAL)
        seconds[0] += 5
        forged = TokenIssuer(signing(generate_private_key_pem()), clock).issue(PRINCIPAL)
        for token in (forged, rotated, forged):  # unknown kids within the interval: no new fetch
            with pytest.raises(NotAuthenticated):
                await verifier.verify(token)
        assert len(fetches) == 1
        seconds[0] += 30
        assert await verifier.verify(rotated) == PRINCIPAL  # the unknown kid refetched the JWKS once
        assert await verifier.verify(rotated) == PRINCIPAL
        assert len(fetches) == 2
        with pytest.raises(NotAuthenticated):  # a forged kid right after a fetch costs no request
            await verifier.verify(forged)
        assert len(fetches) == 2


async def test_an_unreachable_jwks_refuses_tokens_without_raising_anything_else(clock: FrozenClock) -> None:
    def refuse(_: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    http = httpx.AsyncClient(transport=httpx.MockTransport(refuse))
    verifier = TokenVerifier(
        AuthSettings(jwks_url="http://projects-api:8000/.well-known/jwks.json"), clock, http=http
    )
    with pytest.raises(NotAuthenticated):
        await verifier.verify(TokenIssuer(signing(KEY_A), clock).issue(PRINCIPAL))


# --- the request dependencies --------------------------------------------------------------------------------


@pytest.fixture
def guarded(clock: FrozenClock) -> tuple[FastAPI, TokenIssuer, AccountStates]:
    app = FastAPI()
    install_problem_handlers(app)
    states = AccountStates()
    app.state.context = SimpleNamespace(tokens=TokenVerifier(public(KEY_A), clock, states))

    @app.get("/api/v1/projects/{project_id}")
    async def project(project_id: str, principal: CurrentPrincipal) -> dict[str, str]:
        return {"project": project_id, "user": principal.username}

    @app.post("/api/v1/projects")
    async def create(principal: CurrentPrincipal) -> dict[str, str]:
        return {"user": principal.username}

    @app.get("/api/v1/projects/{project_id}/progress-reports")
    async def reports(project_id: str, principal: CurrentPrincipal) -> dict[str, str]:
        return {"user": principal.username}

    @app.get("/api/v1/auth/me")
    async def me(principal: PasswordChangePrincipal) -> dict[str, str]:
        return {"user": principal.username}

    return app, TokenIssuer(signing(KEY_A), clock), states


async def call(app: FastAPI, method: str, path: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        return await client.request(method, path, headers=headers)


async def test_no_token_or_a_bad_token_answers_401(
    guarded: tuple[FastAPI, TokenIssuer, AccountStates],
) -> None:
    app, _, _ = guarded
    for token in (
        None,
        "not-a-jwt",
        TokenIssuer(signing(KEY_B), FrozenClock(datetime.now(UTC))).issue(PRINCIPAL),
    ):
        response = await call(app, "GET", "/api/v1/projects/p1", token)
        assert response.status_code == 401, response.text
        assert response.json()["type"] == "/problems/not-authenticated"


async def test_a_revoked_token_answers_401_token_revoked(
    guarded: tuple[FastAPI, TokenIssuer, AccountStates],
) -> None:
    app, issuer, states = guarded
    token = issuer.issue(PRINCIPAL)
    assert (await call(app, "GET", "/api/v1/projects/p1", token)).status_code == 200
    states.apply(PRINCIPAL.user_id, 1, True)
    response = await call(app, "GET", "/api/v1/projects/p1", token)
    assert response.status_code == 401 and response.json()["type"] == "/problems/token-revoked"


async def test_a_required_password_change_blocks_every_route_but_the_password_change_ones(
    guarded: tuple[FastAPI, TokenIssuer, AccountStates],
) -> None:
    app, issuer, _ = guarded
    token = issuer.issue(
        Principal(uuid.uuid4(), "new", None, frozenset({"reporter"}), password_change_required=True)
    )
    response = await call(app, "GET", "/api/v1/projects/p1", token)
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/password-change-required"
    assert response.json()["title_zh"]
    me = await call(app, "GET", "/api/v1/auth/me", token)
    assert me.status_code == 200 and me.json() == {"user": "new"}


async def test_a_service_account_calls_only_what_its_scopes_grant(
    guarded: tuple[FastAPI, TokenIssuer, AccountStates],
) -> None:
    app, issuer, _ = guarded

    def service(*scopes: str) -> str:
        return issuer.issue(
            Principal(
                uuid.uuid4(),
                "machine",
                None,
                frozenset({Role.SERVICE.value}),
                scopes=frozenset(scopes),
                kind="service",
            )
        )

    reader = service("projects:read")
    assert (await call(app, "GET", "/api/v1/projects/p1", reader)).status_code == 200
    assert (await call(app, "GET", "/api/v1/auth/me", reader)).status_code == 200
    denied = await call(app, "POST", "/api/v1/projects", reader)
    assert denied.status_code == 403 and denied.json()["type"] == "/problems/scope-missing"
    # the more specific grant decides: project progress needs progress:read, not projects:read
    assert (await call(app, "GET", "/api/v1/projects/p1/progress-reports", reader)).status_code == 403
    both = service("projects:read", "progress:read")
    assert (await call(app, "GET", "/api/v1/projects/p1/progress-reports", both)).status_code == 200
    nothing = service()
    assert (await call(app, "GET", "/api/v1/projects/p1", nothing)).status_code == 403
    # people are not held to scopes
    person = issuer.issue(Principal(uuid.uuid4(), "office", None, frozenset({"office"})))
    assert (await call(app, "POST", "/api/v1/projects", person)).status_code == 200


def test_scope_grants_match_method_and_path_template_by_the_most_specific_rule() -> None:
    assert scopes_granting("GET", "/api/v1/projects") == {"projects:read"}
    assert scopes_granting("get", "/api/v1/units/{unit_id}") == {"projects:read"}
    assert scopes_granting("GET", "/api/v1/projects/{project_id}/progress-reports") == {"progress:read"}
    assert scopes_granting("GET", "/api/v1/progress-reports/{report_id}") == {"progress:read"}
    assert scopes_granting("GET", "/api/v1/statistics/summary") == {"statistics:read"}
    assert scopes_granting("POST", "/api/v1/projects") == set()
    assert scopes_granting("GET", "/api/v1/projectsx") == set()
    assert scopes_granting("GET", "/api/v1/accounts") == set()
    assert set(SCOPE_GRANTS) >= {"projects:read", "progress:read", "statistics:read", "events:read"}


# --- passwords and settings ----------------------------------------------------------------------------------


def test_passwords_are_argon2_hashes() -> None:
    hashed = hash_password("s3cret")
    assert hashed.startswith("$argon2")
    assert verify_password(hashed, "s3cret")
    assert not verify_password(hashed, "wrong")


def test_keys_are_required_outside_development() -> None:
    assert AuthSettings(sign=True).key_problem("development") is None
    assert "SIGNING_KEYS" in (AuthSettings(sign=True).key_problem("production") or "")
    assert "JWKS_URL" in (AuthSettings().key_problem("test") or "")
    assert signing(KEY_A).key_problem("production") is None
    assert public(KEY_A).key_problem("production") is None
    assert (
        AuthSettings(jwks_url="http://projects-api:8000/.well-known/jwks.json").key_problem("production")
        is None
    )
    with pytest.raises(ValueError, match="SIGNING_KEYS"):
        TokenIssuer(AuthSettings(sign=True), FrozenClock(datetime.now(UTC)), environment="production")
    # in development a signer without a key makes one for the process
    assert TokenIssuer(AuthSettings(sign=True), FrozenClock(datetime.now(UTC))).jwks()["keys"]


def test_a_service_without_its_keys_refuses_to_start_outside_development() -> None:
    from gongjian_meetings.app import SPEC as MEETINGS
    from gongjian_meetings.settings import MeetingsSettings
    from gongjian_projects.app import SPEC as PROJECTS
    from gongjian_projects.settings import ProjectsSettings
    from gongjian_shared.service import build_service_app

    with pytest.raises(ValueError, match="SIGNING_KEYS"):
        build_service_app(PROJECTS, ProjectsSettings(environment="production"))
    with pytest.raises(ValueError, match="PUBLIC_KEYS or AUTH__JWKS_URL"):
        build_service_app(MEETINGS, MeetingsSettings(environment="production"))
    app = build_service_app(
        PROJECTS, ProjectsSettings(environment="production", auth={"signing_keys": [KEY_A]})
    )
    assert "/.well-known/jwks.json" in {getattr(route, "path", None) for route in app.routes}
    meetings = build_service_app(MEETINGS, MeetingsSettings(environment="production", auth=public(KEY_A)))
    assert "/.well-known/jwks.json" not in {getattr(route, "path", None) for route in meetings.routes}


def test_keys_come_from_the_environment_as_pem_blocks_or_json(monkeypatch: pytest.MonkeyPatch) -> None:
    from gongjian_meetings.settings import MeetingsSettings
    from gongjian_projects.settings import ProjectsSettings

    monkeypatch.setenv("PROJECTS_AUTH__SIGNING_KEYS", KEY_B + KEY_A)  # one variable, two PEM blocks
    monkeypatch.setenv("MEETINGS_AUTH__PUBLIC_KEYS", json.dumps([public_key_pem(load_private_key(KEY_A))]))
    monkeypatch.setenv("MEETINGS_AUTH__JWKS_URL", "http://projects-api:8000/.well-known/jwks.json")
    projects = ProjectsSettings()
    assert projects.auth.sign is True  # projects-api signs by default, even with AUTH__ variables set
    assert [key.get_secret_value().strip() for key in projects.auth.signing_keys] == [
        KEY_B.strip(),
        KEY_A.strip(),
    ]
    meetings = MeetingsSettings()
    assert meetings.auth.sign is False and len(meetings.auth.public_keys) == 1
    assert meetings.auth.jwks_url == "http://projects-api:8000/.well-known/jwks.json"
    assert (projects.auth.access_token_ttl_minutes, projects.auth.refresh_token_ttl_days) == (15, 14)


def test_nested_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from gongjian_projects.settings import ProjectsSettings

    monkeypatch.setenv("PROJECTS_DATABASE__URL", "postgresql+asyncpg://x@127.0.0.1:1/db")
    monkeypatch.setenv("PROJECTS_BUS__KIND", "kafka")
    monkeypatch.setenv("PROJECTS_KAFKA__BOOTSTRAP", "127.0.0.1:19092")
    settings = ProjectsSettings()
    assert settings.database.url.get_secret_value().endswith(":1/db")
    assert settings.bus.kind == "kafka"
    assert settings.kafka.bootstrap == "127.0.0.1:19092"


# --- `gongjian dev`: one persistent key, the private half only where tokens are signed -----------------------


def test_gongjian_dev_makes_one_key_in_the_state_dir_and_keeps_it(tmp_path: Path) -> None:
    from gongjian.assembly import DEVELOPMENT_KEY_FILE, PlatformSettings, with_development_key

    first = with_development_key(PlatformSettings(state_dir=tmp_path))
    path = tmp_path / DEVELOPMENT_KEY_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    again = with_development_key(PlatformSettings(state_dir=tmp_path))
    (key,) = first.auth.signing_keys
    assert [k.get_secret_value() for k in again.auth.signing_keys] == [key.get_secret_value()]
    load_private_key(key.get_secret_value())
    configured = PlatformSettings(state_dir=tmp_path / "other", auth=signing(KEY_A))
    assert with_development_key(configured) == configured  # a configured key wins; nothing is written
    assert not (tmp_path / "other").exists()


def test_only_projects_api_gets_the_private_key_the_others_its_public_half(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from gongjian.assembly import PlatformSettings, service_settings, with_development_key
    from gongjian.services import SERVICES

    for name in list(os.environ):
        if name.endswith(tuple(f"AUTH__{field.upper()}" for field in AuthSettings.model_fields)):
            monkeypatch.delenv(name)
    platform = with_development_key(PlatformSettings(state_dir=tmp_path))
    public_pem = public_key_pem(load_private_key(platform.auth.signing_keys[0].get_secret_value()))
    for entry in SERVICES:
        auth = service_settings(entry, "postgresql+asyncpg://x@127.0.0.1:1/db", platform, None).auth
        if entry.name == "projects-api":
            assert auth.sign and len(auth.signing_keys) == 1 and auth.key_problem("production") is None
        else:
            assert not auth.sign and not auth.signing_keys, entry.name
            assert auth.public_keys == [public_pem], entry.name
    # a service's own AUTH__ variables win over the platform's
    monkeypatch.setenv("MEETINGS_AUTH__JWKS_URL", "http://projects-api:8000/.well-known/jwks.json")
    meetings = next(entry for entry in SERVICES if entry.name == "meetings-api")
    auth = service_settings(meetings, "postgresql+asyncpg://x@127.0.0.1:1/db", platform, None).auth
    assert auth.jwks_url and not auth.public_keys
