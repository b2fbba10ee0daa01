"""The change feed's cursor: an opaque position in the registry's log.

A cursor is the base64url text (no padding) of `v1:<txid>:<id>`, the (writing transaction, row id) of the last
change a page handed out. Clients treat it as opaque: they pass back what they were given and never build one.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from gongjian_shared.errors import RuleViolation, field_error

PREFIX = "v1"
# what the document states of `since`: the base64url alphabet, no padding
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,200}$"
_BODY = re.compile(r"^v1:(0|[1-9][0-9]{0,18}):(0|[1-9][0-9]{0,18})$")
_MAX = 2**63 - 1


@dataclass(frozen=True, order=True)
class Position:
    """Where a reader is in the log: past every row up to (txid, id), in (txid, id) order."""

    txid: int = 0
    id: int = 0


START = Position()


def encode(position: Position) -> str:
    raw = f"{PREFIX}:{position.txid}:{position.id}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def malformed(detail: str) -> RuleViolation:
    return RuleViolation(
        detail,
        errors=[
            field_error(
                "since",
                "cursor",
                "Not a cursor of this feed: pass back the next_cursor of a page, or omit since to start",
                "不是本接口返回的游标：请原样传回上一页的 next_cursor，或不带 since 从头读取",
            )
        ],
    )


def decode(cursor: str | None) -> Position:
    """The position a cursor names; the start of the log without one; 422 naming `since` for anything else."""
    if cursor is None:
        return START
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        raise malformed("The cursor is not base64url text.") from None
    match = _BODY.match(text)
    if match is None:
        raise malformed("The cursor names no position of the log.")
    position = Position(int(match.group(1)), int(match.group(2)))
    if position.txid > _MAX or position.id > _MAX:
        raise malformed("The cursor names no position of the log.")
    return position
