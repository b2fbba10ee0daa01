"""Optimistic concurrency for updates, the registry's way: a read answers `ETag`, an update needs `If-Match`.

An update route takes `IfMatchDep` and passes it with the row's current tag to `require_if_match` before it
changes anything: no header is a 428, a stale tag a 412, `*` matches anything. The route declares the header
as required in OpenAPI with `openapi_extra=IF_MATCH_REQUIRED` (FastAPI itself would answer a missing required
header with a 422, not the 428 clients expect), its statuses with `problem_responses(..., 412, 428)`, and the
`ETag` it answers with `etag_header()`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response
from pydantic import BaseModel

from gongjian_shared.errors import InvalidInput, PreconditionFailed, PreconditionRequired, field_error

IF_MATCH = "If-Match"
IF_MATCH_MAX_LENGTH = 200

IF_MATCH_REQUIRED: dict[str, Any] = {
    "parameters": [
        {
            "name": IF_MATCH,
            "in": "header",
            "required": True,
            "description": 'The ETag of the copy being changed (`"*"` for any); 428 without it, 412 when stale.',
            "schema": {"type": "string", "minLength": 1, "maxLength": IF_MATCH_MAX_LENGTH},
        }
    ]
}


def etag(tag: int | str) -> str:
    return f'"{tag}"'


def model_json(model: BaseModel) -> Response:
    """A read's answer: the model's JSON bytes made once by pydantic's serializer. Returned from a route, it
    skips FastAPI's second validation of the model against the response model and its dict-then-JSON
    encoding; the route still names its `response_model` for the OpenAPI document."""
    return Response(model.__pydantic_serializer__.to_json(model), media_type="application/json")


def tagged_json(model: BaseModel, tag: int | str) -> Response:
    """A read's answer (`model_json`) with its `ETag`."""
    response = model_json(model)
    set_etag(response, tag)
    return response


def etag_header(status_code: int = 200) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` entry declaring the `ETag` header on a successful answer."""
    return {
        status_code: {
            "headers": {
                "ETag": {
                    "description": "The revision of what is returned; send it back as If-Match to change it.",
                    "schema": {"type": "string"},
                }
            }
        }
    }


def set_etag(response: Response, tag: int | str) -> None:
    response.headers["ETag"] = etag(tag)


async def _if_match(request: Request) -> str | None:
    value = request.headers.get(IF_MATCH)
    if value is not None and len(value) > IF_MATCH_MAX_LENGTH:
        raise InvalidInput(
            "If-Match is longer than any ETag this service gives.",
            errors=[
                field_error(
                    IF_MATCH,
                    "string_too_long",
                    f"At most {IF_MATCH_MAX_LENGTH} characters",
                    f"最多 {IF_MATCH_MAX_LENGTH} 个字符",
                )
            ],
        )
    return value


IfMatchDep = Annotated[str | None, Depends(_if_match)]


def require_if_match(if_match: str | None, tag: int | str) -> None:
    """412 when the caller's copy is stale; 428 when it sent no If-Match at all."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            "Send the ETag you read as If-Match.",
            errors=[
                field_error(IF_MATCH, "required", "If-Match header is required", "须提供 If-Match 请求头")
            ],
        )
    tags = {part.strip().removeprefix("W/") for part in if_match.split(",")}
    if "*" not in tags and etag(tag) not in tags:
        raise PreconditionFailed(
            f"The resource is at revision {tag}; reload it and apply your change again.",
            errors=[field_error(IF_MATCH, "stale", "The resource changed since you read it", "数据已被修改")],
        )
