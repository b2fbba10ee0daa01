"""Request guards that run before any route: body size limits and control characters in the query and forms.

Plain ASGI, so a refused request is answered before its body is parsed. JSON bodies are checked field by field
by the types in :mod:`gongjian_shared.types`; here only what no schema sees: the query string, the path, and
``application/x-www-form-urlencoded`` fields (the sign-in form).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gongjian_shared.errors import (
    PROBLEM_MEDIA_TYPE,
    FieldError,
    InvalidInput,
    ProblemDetails,
    field_error,
    problem_response,
)
from gongjian_shared.settings import HttpSettings

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
MULTIPART_MEDIA_TYPE = "multipart/form-data"


class BodyTooLarge(HTTPException):
    """Raised while a body streams in past its limit; FastAPI re-raises HTTPExceptions met while parsing."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.")
        self.limit = limit


def body_too_large_problem(limit: int, instance: str) -> ProblemDetails:
    return ProblemDetails(
        type="/problems/payload-too-large",
        title="Request body too large",
        title_zh="请求体过大",
        status=413,
        detail=f"The request body is larger than {limit} bytes (请求体超过 {limit} 字节).",
        instance=instance,
    )


def _control_error(field: str, text: str) -> FieldError | None:
    for position, char in enumerate(text):
        if unicodedata.category(char) == "Cc":
            code = f"U+{ord(char):04X}"
            return field_error(
                field,
                "control_character",
                f"{field.rsplit('.', 1)[-1]}: must not contain the control character {code} (at position {position})",
                f"{field.rsplit('.', 1)[-1]}：不能包含控制字符 {code}（第 {position} 个字符）",
            )
    return None


def control_character_errors(pairs: list[tuple[str, str]], location: str) -> list[FieldError]:
    """One error per parameter (named ``location.name``) whose name or value holds a control character."""
    errors = []
    for key, value in pairs:
        error = _control_error(f"{location}.{key}", key) or _control_error(f"{location}.{key}", value)
        if error is not None:
            errors.append(error)
    return errors


def _parse_pairs(raw: bytes) -> list[tuple[str, str]]:
    return parse_qsl(
        raw.decode("utf-8", "replace"), keep_blank_values=True, encoding="utf-8", errors="replace"
    )


class RequestGuardMiddleware:
    """413 for a body over its limit (by Content-Length, or counted as it streams); 422 for a control
    character in the path, a query parameter or a urlencoded form field, naming it."""

    def __init__(self, app: ASGIApp, settings: HttpSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        errors = control_character_errors(_parse_pairs(scope.get("query_string", b"")), "query")
        path_error = _control_error("path", path)
        if path_error is not None:
            errors.insert(0, path_error)
        if errors:
            await self._refuse(
                InvalidInput(_INVALID, errors=errors).problem(instance=path), scope, receive, send
            )
            return

        headers = Headers(scope=scope)
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        limit = (
            self.settings.max_upload_bytes
            if media_type == MULTIPART_MEDIA_TYPE
            else self.settings.max_json_body_bytes
        )
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(body_too_large_problem(limit, path), scope, receive, send)
            return

        if media_type == FORM_MEDIA_TYPE:
            body = await self._read_body(receive, limit)
            if body is None:
                await self._refuse(body_too_large_problem(limit, path), scope, receive, send)
                return
            form_errors = control_character_errors(_parse_pairs(body), "body")
            if form_errors:
                problem = InvalidInput(_INVALID, errors=form_errors).problem(instance=path)
                await self._refuse(problem, scope, receive, send)
                return
            await self.app(scope, _replay(body, receive), send)
            return

        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        response_started = False

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if response_started:
                raise
            await self._refuse(body_too_large_problem(limit, path), scope, receive, send)

    @staticmethod
    async def _read_body(receive: Receive, limit: int) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    @staticmethod
    async def _refuse(problem: ProblemDetails, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(problem)
        assert response.media_type == PROBLEM_MEDIA_TYPE
        await response(scope, receive, send)


_INVALID = "The request did not pass validation; see errors for each field."


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
