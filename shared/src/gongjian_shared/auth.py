"""The auth seam: argon2 password hashes, EdDSA-signed bearer tokens, and the principal every route checks.

- Only projects-api signs (`TokenIssuer`, Ed25519, `kid` in the header); it publishes its public keys as JWKS at
  `/.well-known/jwks.json`. The first configured signing key signs; the others still verify (key rotation).
- Every service verifies (`TokenVerifier`) with public keys it is given, or fetches the JWKS (cached; an unknown
  `kid` refetches, at most once per `AuthSettings.jwks_refresh_seconds`).
- Revocation costs no round trip: `AccountStates` keeps each account's token version and whether it is active,
  fed by the account events (`account_states_subscription`); a token below the known version, or of an inactive
  account, is refused. Accounts the service has not heard of pass.
- `CurrentPrincipal` refuses a missing or bad token (401), an account that must change its password (403
  `password-change-required`, except on routes taking `PasswordChangePrincipal`) and a service account calling
  an operation none of its scopes grants (403 `scope-missing`, see `SCOPE_GRANTS`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal, get_args

import httpx
import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from gongjian_shared.bus.consumer import Event, Remember, Subscription
from gongjian_shared.clock import Clock
from gongjian_shared.errors import Forbidden, NotAuthenticated
from gongjian_shared.events.accounts import AccountCreated, AccountDisabled, AccountState, AccountUpdated
from gongjian_shared.events.envelope import EventPayload
from gongjian_shared.observability.context import user_id_var
from gongjian_shared.settings import AuthSettings
from gongjian_shared.uow import UnitOfWork

logger = logging.getLogger("gongjian.auth")

TOKEN_URL = "/api/v1/auth/token"
JWKS_PATH = "/.well-known/jwks.json"
ALGORITHM = "EdDSA"
ACCESS_TOKEN_TYPE = "access"
ACCOUNT_EVENTS: tuple[type[AccountState], ...] = (AccountCreated, AccountUpdated, AccountDisabled)


class Role(StrEnum):
    ADMIN = "admin"
    OFFICE = "office"  # 联席会议办公室 / 重点项目中心
    CONVENER = "convener"  # 召集人
    REVIEWER = "reviewer"  # county or department reviewer of monthly reports
    REPORTER = "reporter"  # a unit's reporter
    LEADER = "leader"  # 包抓领导
    LIAISON = "liaison"  # 联络员
    UNIT_ADMIN = "unit-admin"  # administers the accounts of its unit and the units under it (单位管理员)
    SERVICE = "service"  # a machine client (service account); only service accounts carry it


PERSON = "person"
SERVICE_ACCOUNT = "service"


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    username: str
    unit_id: uuid.UUID | None
    roles: frozenset[str]
    token_version: int = 0
    password_change_required: bool = False
    scopes: frozenset[str] = frozenset()
    kind: str = PERSON  # "person" | "service"

    def has(self, *roles: Role) -> bool:
        return any(role.value in self.roles for role in roles)

    @property
    def is_office(self) -> bool:
        return self.has(Role.OFFICE, Role.ADMIN)

    @property
    def is_service(self) -> bool:
        return self.kind == SERVICE_ACCOUNT


# --- problems ------------------------------------------------------------------------------------------------


class TokenRevoked(NotAuthenticated):
    slug = "token-revoked"
    title = "The token was revoked: sign in again"
    title_zh = "令牌已失效，请重新登录"


class PasswordChangeRequired(Forbidden):
    slug = "password-change-required"
    title = "Change your password first"
    title_zh = "请先修改密码"


class ScopeMissing(Forbidden):
    slug = "scope-missing"
    title = "None of the service account's scopes grants this operation"
    title_zh = "服务账号无此操作的授权范围"


# --- passwords -----------------------------------------------------------------------------------------------

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- keys ----------------------------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_private_key_pem() -> str:
    """A new Ed25519 private key, PKCS#8 PEM (what `AuthSettings.signing_keys` holds)."""
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def load_private_key(pem: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem.strip().encode("ascii"), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("a signing key must be an Ed25519 private key (PEM)")
    return key


def load_public_key(pem: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.strip().encode("ascii"))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("a public key must be an Ed25519 public key (PEM)")
    return key


def public_key_pem(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """The public key (SubjectPublicKeyInfo PEM) of a key; what `AuthSettings.public_keys` holds."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key: stable, derived, never configured."""
    members = {"crv": "Ed25519", "kty": "OKP", "x": _b64url(_raw(key))}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode("ascii")
    return _b64url(hashlib.sha256(canonical).digest())


def public_jwk(key: Ed25519PublicKey) -> dict[str, str]:
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64url(_raw(key)),
        "kid": key_id(key),
        "alg": ALGORITHM,
        "use": "sig",
    }


def keys_from_jwks(document: Mapping[str, Any]) -> dict[str, Ed25519PublicKey]:
    """kid -> key for every Ed25519 signing key of a JWKS document; other keys are skipped."""
    found: dict[str, Ed25519PublicKey] = {}
    for jwk in document.get("keys", []):
        if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            continue
        try:
            key = Ed25519PublicKey.from_public_bytes(_b64url_decode(str(jwk["x"])))
        except (KeyError, ValueError):
            continue
        found[key_id(key)] = key  # the kid is recomputed, never trusted from the document
    return found


# --- issuing -------------------------------------------------------------------------------------------------


class TokenIssuer:
    """Signs access tokens; only the service that owns accounts (projects-api) holds one."""

    def __init__(self, settings: AuthSettings, clock: Clock, *, environment: str = "development") -> None:
        self._settings = settings
        self._clock = clock
        pems = [key.get_secret_value() for key in settings.signing_keys]
        if not pems:
            if environment != "development":
                raise ValueError("AUTH__SIGNING_KEYS: a service that signs tokens needs an Ed25519 key")
            logger.warning("no AUTH__SIGNING_KEYS: signing with a key generated for this process only")
            pems = [generate_private_key_pem()]
        self._keys = [load_private_key(pem) for pem in pems]
        self._kids = [key_id(key.public_key()) for key in self._keys]

    @property
    def ttl(self) -> timedelta:
        return timedelta(minutes=self._settings.access_token_ttl_minutes)

    @property
    def kid(self) -> str:
        """The kid of the key that signs now."""
        return self._kids[0]

    def public_keys(self) -> dict[str, Ed25519PublicKey]:
        return {kid: key.public_key() for kid, key in zip(self._kids, self._keys, strict=True)}

    def jwks(self) -> dict[str, Any]:
        """Every configured key's public half: the first signs, the others still verify (rotation)."""
        return {"keys": [public_jwk(key.public_key()) for key in self._keys]}

    def claims(self, principal: Principal, *, now: datetime | None = None) -> dict[str, Any]:
        now = now or self._clock.now()
        claims: dict[str, Any] = {
            "sub": str(principal.user_id),
            "name": principal.username,
            "unit": str(principal.unit_id) if principal.unit_id else None,
            "roles": sorted(principal.roles),
            "ver": principal.token_version,
            "pcr": principal.password_change_required,
            "kind": principal.kind,
            "iss": self._settings.issuer,
            "aud": self._settings.audience,
            "iat": int(now.timestamp()),
            "exp": int((now + self.ttl).timestamp()),
            "jti": uuid.uuid4().hex,
            "typ": ACCESS_TOKEN_TYPE,
        }
        if principal.scopes:
            claims["scope"] = " ".join(sorted(principal.scopes))
        return claims

    def issue(self, principal: Principal) -> str:
        return jwt.encode(
            self.claims(principal), self._keys[0], algorithm=ALGORITHM, headers={"kid": self._kids[0]}
        )


# --- revocation ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountStatus:
    token_version: int
    active: bool


class AccountStates:
    """What this process knows of each account's token version and whether it is active (in memory).

    Fed by the account events (every service) and, in projects-api, by its own users table at start and after
    each account change. A service that keeps no replica of the accounts learns them again from the log when it
    restarts (its consumer group replays it); until then it forgets revocations, for at most one access-token
    TTL, since an older token has expired by then anyway.
    """

    def __init__(self) -> None:
        self._states: dict[uuid.UUID, AccountStatus] = {}

    def apply(self, account_id: uuid.UUID, token_version: int, active: bool) -> None:
        """Idempotent; an older version than the one known is ignored (a late or replayed event)."""
        current = self._states.get(account_id)
        if current is not None and token_version < current.token_version:
            return
        self._states[account_id] = AccountStatus(token_version, active)

    def get(self, account_id: uuid.UUID) -> AccountStatus | None:
        return self._states.get(account_id)

    def __len__(self) -> int:
        return len(self._states)

    def check(self, principal: Principal) -> None:
        """Raise TokenRevoked when the token is below the account's version or the account is disabled."""
        status = self._states.get(principal.user_id)
        if status is None:
            return
        if not status.active:
            raise TokenRevoked("The account is disabled.")
        if principal.token_version < status.token_version:
            raise TokenRevoked(
                "The account changed since this token was issued (password, roles, unit or sign-out)."
            )


async def account_event_changes_no_row(uow: UnitOfWork, event: Event[Any]) -> None:
    """The events of a process's own group change no row; the process remembers them (below) once they commit."""


def account_states_subscription(
    states: AccountStates, group_id: str, also: Mapping[type[EventPayload], Remember] | None = None
) -> Subscription:
    """The subscription every service process runs so its `AccountStates` stays current (idempotent).

    `also`: what else the process keeps in memory from events (caches to drop, by payload class). The group is
    the process's own, so every process (each worker of `gongjian serve --workers N`, each replica) hears every
    event, which a group shared by the service's processes would split between them.
    """

    def remember(event: AccountState) -> None:
        states.apply(event.account_id, event.token_version, event.active)

    after_commit: dict[type[EventPayload], Remember] = dict.fromkeys(ACCOUNT_EVENTS, remember)
    for payload, more in (also or {}).items():
        first = after_commit.get(payload)
        after_commit[payload] = more if first is None else _both(first, more)
    return Subscription(
        group_id=group_id,
        handlers=dict.fromkeys(after_commit, account_event_changes_no_row),
        after_commit=after_commit,
    )


def _both(first: Remember, second: Remember) -> Remember:
    def remember(event: Any) -> None:
        first(event)
        second(event)

    return remember


# --- verifying -----------------------------------------------------------------------------------------------


@dataclass
class _Jwks:
    keys: dict[str, Ed25519PublicKey] = field(default_factory=dict)
    fetched_at: float | None = None  # monotonic seconds
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


VERIFIED_TOKENS_KEPT = 10_000


class TokenVerifier:
    """Verifies access tokens in every service: signature (by kid), issuer, audience, expiry, revocation."""

    def __init__(
        self,
        settings: AuthSettings,
        clock: Clock,
        states: AccountStates | None = None,
        *,
        keys: Mapping[str, Ed25519PublicKey] | None = None,
        http: httpx.AsyncClient | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self.states = states if states is not None else AccountStates()
        self._static: dict[str, Ed25519PublicKey] = dict(keys or {})
        for pem in settings.public_keys:
            public = load_public_key(pem)
            self._static[key_id(public)] = public
        for secret in settings.signing_keys:
            public = load_private_key(secret.get_secret_value()).public_key()
            self._static[key_id(public)] = public
        self._jwks = _Jwks()
        # token -> (principal, exp): a client sends the same token with every request for its lifetime, so the
        # signature (an Ed25519 verification, ~0.25 ms) is checked once; expiry and revocation every time
        self._verified: dict[str, tuple[Principal, int]] = {}
        self._http = http
        self._monotonic = monotonic  # the refetch limit runs on real time, not the business clock tests move

    @property
    def kids(self) -> set[str]:
        """Every kid this verifier accepts now."""
        return set(self._static) | set(self._jwks.keys)

    def _key(self, kid: str) -> Ed25519PublicKey | None:
        return self._static.get(kid) or self._jwks.keys.get(kid)

    async def verify(self, token: str) -> Principal:
        """The token's principal, fetching the JWKS first when its kid is unknown (rate-limited)."""
        if self._settings.jwks_url:
            kid = _kid_of(token)
            if kid is not None and self._key(kid) is None:
                await self.refresh_jwks()
        return self.decode(token)

    async def refresh_jwks(self, *, force: bool = False) -> bool:
        """Fetch the JWKS again unless it was fetched less than `jwks_refresh_seconds` ago; True if fetched."""
        url = self._settings.jwks_url
        if not url:
            return False
        async with self._jwks.lock:
            now = self._monotonic()
            last = self._jwks.fetched_at
            if not force and last is not None and now - last < self._settings.jwks_refresh_seconds:
                return False
            self._jwks.fetched_at = now
            try:
                if self._http is not None:
                    response = await self._http.get(url)
                else:
                    async with httpx.AsyncClient(timeout=self._settings.jwks_timeout_seconds) as client:
                        response = await client.get(url)
                response.raise_for_status()
                self._jwks.keys = keys_from_jwks(response.json())
                self._verified.clear()  # a key may have gone: verify every token again
            except (httpx.HTTPError, ValueError) as exc:
                logger.warning("cannot fetch the JWKS from %s: %s", url, exc)
                return False
            return True

    def decode(self, token: str) -> Principal:
        """Verify with the keys known now (no fetch); raise NotAuthenticated / TokenRevoked."""
        known = self._verified.get(token)
        if known is not None:
            principal, expires = known
            if expires <= int(self._clock.now().timestamp()):
                del self._verified[token]
                raise NotAuthenticated("Invalid bearer token: token expired")
            self.states.check(principal)
            return principal
        try:
            kid = _kid_of(token)
            key = self._key(kid) if kid else None
            if key is None:
                raise jwt.InvalidKeyError("the token was not signed by a known key")
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self._settings.audience,
                issuer=self._settings.issuer,
                options={"require": ["exp", "iss", "aud", "sub"], "verify_iat": False, "verify_exp": False},
                leeway=0,
            )
            if claims.get("typ") != ACCESS_TOKEN_TYPE:
                raise jwt.InvalidTokenError("not an access token")
            # expiry against the injected clock, so tests can move time
            if int(claims["exp"]) <= int(self._clock.now().timestamp()):
                raise jwt.ExpiredSignatureError("token expired")
            principal = _principal(claims)
        except (jwt.PyJWTError, ValueError, KeyError, TypeError) as exc:
            raise NotAuthenticated(f"Invalid bearer token: {exc}") from None
        self.states.check(principal)
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            del self._verified[next(iter(self._verified))]  # the oldest
        self._verified[token] = (principal, int(claims["exp"]))
        return principal


def _kid_of(token: str) -> str | None:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        return None
    return kid if isinstance(kid, str) else None


def _principal(claims: Mapping[str, Any]) -> Principal:
    scope = claims.get("scope") or ""
    kind = str(claims.get("kind") or PERSON)
    if kind not in (PERSON, SERVICE_ACCOUNT):
        raise ValueError(f"unknown account kind {kind!r}")
    return Principal(
        user_id=uuid.UUID(claims["sub"]),
        username=str(claims.get("name", "")),
        unit_id=uuid.UUID(claims["unit"]) if claims.get("unit") else None,
        roles=frozenset(str(role) for role in claims.get("roles", [])),
        token_version=int(claims.get("ver", 0)),
        password_change_required=bool(claims.get("pcr", False)),
        scopes=frozenset(str(scope).split()),
        kind=kind,
    )


# --- service-account scopes ----------------------------------------------------------------------------------

# scope -> the (method, path template prefix) operations it grants. For an operation, the most specific
# (longest) matching prefix of the whole table decides: `/api/v1/projects/{project_id}/progress-reports` needs
# `progress:read` even though `projects:read` grants GET under `/api/v1/projects`.
ServiceScope = Literal["projects:read", "progress:read", "statistics:read", "events:read"]
SCOPE_GRANTS: dict[str, tuple[tuple[str, str], ...]] = {
    "projects:read": (
        ("GET", "/api/v1/projects"),
        ("GET", "/api/v1/units"),
        ("GET", "/api/v1/plans/{year}/export"),
    ),
    "progress:read": (
        ("GET", "/api/v1/progress-reports"),
        ("GET", "/api/v1/projects/{project_id}/progress-reports"),
    ),
    "statistics:read": (("GET", "/api/v1/statistics"),),
    "events:read": (("GET", "/api/v1/changes"),),  # the change feed (省库对接, other systems)
}
assert set(get_args(ServiceScope)) == set(SCOPE_GRANTS), "ServiceScope names every scope SCOPE_GRANTS grants"
# operations every service account may call whatever its scopes
SERVICE_ACCOUNT_OPERATIONS: tuple[tuple[str, str], ...] = (("GET", "/api/v1/auth/me"),)


def _under(template: str, prefix: str) -> bool:
    return template == prefix or template.startswith(prefix.rstrip("/") + "/")


def scopes_granting(method: str, template: str) -> set[str]:
    """The scopes that grant (method, path template); empty when none does."""
    method = method.upper()
    matches = [
        (len(prefix), scope)
        for scope, grants in SCOPE_GRANTS.items()
        for grant_method, prefix in grants
        if grant_method == method and _under(template, prefix)
    ]
    if not matches:
        return set()
    longest = max(length for length, _ in matches)
    return {scope for length, scope in matches if length == longest}


def scope_allows(principal: Principal, method: str, template: str) -> bool:
    if not principal.is_service:
        return True
    if (method.upper(), template) in SERVICE_ACCOUNT_OPERATIONS:
        return True
    return bool(scopes_granting(method, template) & principal.scopes)


def _route_template(request: Request) -> str:
    route = request.scope.get("route")
    # path_format: the template without its convertors (`/projects/{project_id}`, not `{project_id:uuid}`)
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(path) if path else request.url.path


# --- dependencies --------------------------------------------------------------------------------------------

_bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


async def _verified(request: Request, token: str | None) -> Principal:
    if not token:
        raise NotAuthenticated("A bearer token is required: POST /api/v1/auth/token to get one.")
    verifier: TokenVerifier = request.app.state.context.tokens
    principal = await verifier.verify(token)
    user_id_var.set(principal.user_id)  # for the request's log lines (reset by the request middleware)
    if not scope_allows(principal, request.method, _route_template(request)):
        raise ScopeMissing(
            f"{request.method} {_route_template(request)} needs one of the scopes: "
            f"{', '.join(sorted(scopes_granting(request.method, _route_template(request)))) or 'none grants it'}."
        )
    return principal


async def _current_principal(request: Request, token: Annotated[str | None, Depends(_bearer)]) -> Principal:
    principal = await _verified(request, token)
    if principal.password_change_required:
        raise PasswordChangeRequired(
            "This account must change its password first: POST /api/v1/auth/password."
        )
    return principal


async def _password_change_principal(
    request: Request, token: Annotated[str | None, Depends(_bearer)]
) -> Principal:
    return await _verified(request, token)


CurrentPrincipal = Annotated[Principal, Depends(_current_principal)]
# For the few routes an account that must change its password may call: /auth/me, /auth/password, /auth/logout.
PasswordChangePrincipal = Annotated[Principal, Depends(_password_change_principal)]


def require_roles(*roles: Role) -> Any:
    """A dependency that lets only callers holding one of the roles through."""

    async def _check(principal: CurrentPrincipal) -> Principal:
        if not principal.has(*roles):
            raise Forbidden(f"This action needs one of the roles: {', '.join(r.value for r in roles)}.")
        return principal

    return Depends(_check)
