"""The callers of the access matrix: one per principal kind, as bearer headers.

Person principals are real accounts of 汉滨区 (the leader is linked to a 包抓领导 record, the office and the
convener have no unit); the service account carries the read scopes. Tokens are minted by projects-api's own
issuer (`mint_token`), so the matrix does not depend on sign-in.
The expired token is minted with the frozen clock moved back a day; the forged one carries the same claims and
`kid` but is signed by a key the platform never saw.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from gongjian_shared.auth import Principal
from gongjian_shared.clock import FrozenClock
from support.platform import Platform, mint_token

#: every principal kind of the matrix, in the order the cells are run and reported
SIGNED_IN = ("office", "unit-admin", "reporter", "liaison", "reviewer", "leader", "convener", "service")
UNSIGNED = ("no-token", "expired", "forged")
KINDS = SIGNED_IN + UNSIGNED

#: the roles each person kind holds (all but the office and the convener in the own unit)
ROLES: dict[str, frozenset[str]] = {
    "office": frozenset({"office"}),
    "unit-admin": frozenset({"unit-admin"}),
    "reporter": frozenset({"reporter"}),
    "liaison": frozenset({"liaison"}),
    "reviewer": frozenset({"reviewer"}),
    "leader": frozenset({"leader"}),
    "convener": frozenset({"convener"}),
    "service": frozenset({"service"}),
}
WITHOUT_UNIT = {"office", "convener", "leader", "service"}
SERVICE_SCOPES = frozenset({"projects:read", "progress:read"})


def principal(kind: str, user_id: uuid.UUID, unit_id: uuid.UUID | None) -> Principal:
    """The matrix's principal of a kind (`unit_id` is the own unit; some kinds have none)."""
    service = kind == "service"
    return Principal(
        user_id=user_id,
        username=f"matrix-{kind}",
        unit_id=None if kind in WITHOUT_UNIT else unit_id,
        roles=ROLES[kind],
        scopes=SERVICE_SCOPES if service else frozenset(),
        kind="service" if service else "person",
    )


def mint(platform: Platform, who: Principal) -> str:
    """A token from projects-api's issuer, like a signed-in account's."""
    return mint_token(platform, who)


def expired(platform: Platform, clock: FrozenClock, who: Principal) -> str:
    """A token that was valid a day ago."""
    now = clock.now()
    clock.set(now - timedelta(days=1))
    try:
        return mint(platform, who)
    finally:
        clock.set(now)


def _segment(part: str) -> dict[str, Any]:
    padded = part + "=" * (-len(part) % 4)
    value: dict[str, Any] = json.loads(base64.urlsafe_b64decode(padded))
    return value


def forged(genuine: str) -> str:
    """The genuine token's header and claims, signed by another key of the same algorithm."""
    header_part, claims_part, _ = genuine.split(".")
    header, claims = _segment(header_part), _segment(claims_part)
    algorithm = header.get("alg", "HS256")
    extra = {key: value for key, value in header.items() if key not in ("alg", "typ")}
    key: Any
    if algorithm == "EdDSA":
        key = ed25519.Ed25519PrivateKey.generate()
    elif algorithm.startswith(("RS", "PS")):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        key = "another-secret-" + uuid.uuid4().hex * 2
    return jwt.encode(claims, key, algorithm=algorithm, headers=extra)


def headers_for(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}
