"""Who writes in a soak: principals with tokens minted by the soak (it holds projects-api's signing key, as
an account's sign-in would get them), on the services' own file clock so they never expire across a jump."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from pydantic import SecretStr

from gongjian.clock_file import FileClock
from gongjian_shared.auth import Principal, TokenIssuer
from gongjian_shared.settings import AuthSettings

TIMEOUT = httpx.Timeout(10.0, connect=3.0)


class Actors:
    def __init__(self, signing_key: str, clock: FileClock) -> None:
        self._issuer = TokenIssuer(AuthSettings(signing_keys=[SecretStr(signing_key)], sign=True), clock)
        self.office_unit: uuid.UUID | None = None

    def principal(self, who: str, unit_id: str | uuid.UUID | None, *roles: str) -> Principal:
        unit = uuid.UUID(str(unit_id)) if unit_id is not None else None
        return Principal(uuid.uuid5(uuid.NAMESPACE_OID, f"soak:{who}"), who, unit, frozenset(roles))

    def office(self) -> Principal:
        return self.principal("office", self.office_unit, "admin", "office")

    def headers(self, principal: Principal) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._issuer.issue(principal)}"}


async def call(
    client: httpx.AsyncClient, actors: Actors, principal: Principal, method: str, url: str, **kwargs: Any
) -> httpx.Response:
    headers = actors.headers(principal) | kwargs.pop("headers", {})
    return await client.request(method, url, headers=headers, timeout=TIMEOUT, **kwargs)


async def expect(response: httpx.Response, *statuses: int) -> Any:
    if response.status_code not in statuses:
        raise RuntimeError(
            f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
        )
    return response.json() if response.content else None
