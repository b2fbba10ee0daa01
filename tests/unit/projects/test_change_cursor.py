"""The change feed's cursor: what a page hands out decodes to the same position; anything else is refused
naming `since`, in English and Chinese."""

from __future__ import annotations

import base64

import pytest

from gongjian_projects.exchange.cursor import START, Position, decode, encode
from gongjian_shared.errors import RuleViolation


@pytest.mark.parametrize("position", [Position(0, 0), Position(1, 2), Position(2**63 - 1, 2**63 - 1)])
def test_a_cursor_decodes_to_the_position_it_was_made_from(position: Position) -> None:
    cursor = encode(position)
    assert cursor.replace("-", "").replace("_", "").isalnum()  # base64url, no padding
    assert decode(cursor) == position


def test_no_cursor_is_the_start_of_the_log() -> None:
    assert decode(None) == START == Position(0, 0)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "a",  # not base64 at all (one character)
        _b64(b"\xff\xfe"),  # not ASCII
        _b64(b"v1:1"),
        _b64(b"v2:1:1"),
        _b64(b"v1:01:1"),  # not the canonical number
        _b64(b"v1:9223372036854775808:1"),  # beyond bigint
        _b64(b"v1:1:2:3"),
    ],
)
def test_anything_else_is_refused_naming_since(cursor: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        decode(cursor)
    [error] = refused.value.errors
    assert error.field == "since" and error.rule == "cursor"
    assert error.message and error.message_zh
