"""HTTP conventions of the registry for front ends: Idempotency-Key on POST (ETag / If-Match are the shared
`gongjian_shared.concurrency`, re-exported here for the registry's routes).

A POST with an `Idempotency-Key` claims the key in the request's own transaction and stores the response
in it too, so a retried request (a mobile client on a bad network) gets the first answer back, never a
second write; the same key with a different request is refused.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.routing import APIRoute

from gongjian_projects.idempotency.repository import IdempotencyRepository
from gongjian_shared.concurrency import etag, require_if_match
from gongjian_shared.deps import CurrentPrincipal, UnitOfWorkDep
from gongjian_shared.errors import Conflict, field_error

__all__ = ["IDEMPOTENT", "IdempotentRoute", "etag", "require_if_match"]

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEPT_HEADERS = ("content-type", "etag", "location")


class IdempotencyKeyReused(Conflict):
    """409: the key already names another request of this caller. (The IETF idempotency-key draft suggests
    422; the request itself is valid, it is what the server already holds under the key that conflicts.)"""

    slug = "idempotency-key-reused"
    title = "The Idempotency-Key names another request"
    title_zh = "幂等键已用于其他请求"


class IdempotencyKeyInFlight(Conflict):
    """409: the first request with this key has not completed; retry."""

    slug = "idempotency-key-in-flight"
    title = "The first request with this Idempotency-Key is still in progress"
    title_zh = "使用该幂等键的请求仍在处理中"


class IdempotentReplay(Exception):
    def __init__(self, status_code: int, body: bytes, headers: dict[str, str]) -> None:
        super().__init__("replay")
        self.response = Response(
            content=body, status_code=status_code, headers=headers | {REPLAYED_HEADER: "true"}
        )


async def _fingerprint(request: Request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.url.path}?{request.url.query}\n".encode())
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        for name, value in sorted(form.multi_items(), key=lambda item: item[0]):
            digest.update(name.encode())
            if isinstance(value, str):
                digest.update(value.encode())
            else:
                digest.update(await value.read())
                await value.seek(0)
    else:
        digest.update(await request.body())
    return digest.hexdigest()


async def _claim_idempotency_key(
    request: Request,
    uow: UnitOfWorkDep,
    principal: CurrentPrincipal,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias=IDEMPOTENCY_HEADER,
            min_length=1,
            max_length=200,
            description="Retry-safe POST: the same key returns the first response (幂等键).",
        ),
    ] = None,
) -> None:
    if idempotency_key is None:
        return
    repository = IdempotencyRepository(uow.session)
    fingerprint = await _fingerprint(request)
    if await repository.claim(principal.user_id, idempotency_key, fingerprint):
        request.state.idempotency = (repository, principal.user_id, idempotency_key)
        return
    stored = await repository.get(principal.user_id, idempotency_key)
    if stored is None or stored.status_code is None or stored.body is None:
        # the first request rolled back between our insert attempt and this read: let the client retry
        raise IdempotencyKeyInFlight(
            "The first request with this key did not complete; retry.",
            errors=[field_error(IDEMPOTENCY_HEADER, "in-flight", "Retry the request", "请重试")],
        )
    if stored.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used for a different request.",
            errors=[
                field_error(
                    IDEMPOTENCY_HEADER,
                    "reused",
                    "Key already used for another request",
                    "幂等键已用于其他请求",
                )
            ],
        )
    raise IdempotentReplay(stored.status_code, stored.body, dict(stored.headers or {}))


IDEMPOTENT = Depends(_claim_idempotency_key)


class IdempotentRoute(APIRoute):
    """Stores a claimed key's response before the request's transaction commits; replays stored ones."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                response = await handler(request)
            except IdempotentReplay as replay:
                return replay.response
            claimed: tuple[IdempotencyRepository, uuid.UUID, str] | None = getattr(
                request.state, "idempotency", None
            )
            body = getattr(response, "body", None)
            if claimed is not None and isinstance(body, bytes | memoryview):
                repository, user_id, key = claimed
                headers = {name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers}
                await repository.save_response(user_id, key, response.status_code, bytes(body), headers)
            return response

        return route
