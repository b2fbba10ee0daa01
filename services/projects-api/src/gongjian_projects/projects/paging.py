"""Keyset pages of the project list (键集分页): an opaque cursor holding the sort key of a page's last row.

A cursor names a position in one ordering, never a project the caller may not read: the caller's scope and
filters are applied again to every page, so a cursor copied from another account's list shows only what the
bearer may see after that position. The cursor is base64url of `[sort, [key values...], id]`; one made for
another sort, or not made here at all, is refused with a 422 naming `cursor`.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, tuple_

from gongjian_projects.models import Project
from gongjian_shared.errors import InvalidInput, field_error

DEFAULT_SORT = ""  # year, latest first, then name

Decode = Callable[[Any], Any]


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("not text")
    return value


def _year(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("not a year")
    return value


def _decimal(value: Any) -> Decimal:
    return Decimal(_text(value))


def _day(value: Any) -> date:
    return date.fromisoformat(_text(value))


def _instant(value: Any) -> datetime:
    instant = datetime.fromisoformat(_text(value))
    if instant.tzinfo is None:
        raise ValueError("naive instant")
    return instant


# sort key -> (column, how its cursor value is read back, whether the column may be NULL)
_KEYS: dict[str, tuple[Any, Decode, bool]] = {
    "name": (Project.name, _text, False),
    "code": (Project.code, _text, True),
    "planned_investment_10k": (Project.planned_investment_10k, _decimal, False),
    "total_investment_10k": (Project.total_investment_10k, _decimal, False),
    "planned_start": (Project.planned_start, _day, True),
    "created_at": (Project.created_at, _instant, False),
}


def _encode_value(value: Any) -> Any:
    if isinstance(value, Decimal | date | datetime):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


@dataclass(frozen=True)
class Cursor:
    """The position after a row in one ordering: its sort key values and its id."""

    sort: str
    values: tuple[Any, ...]
    id: uuid.UUID

    def encode(self) -> str:
        raw = json.dumps(
            [self.sort, [_encode_value(v) for v in self.values], str(self.id)],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def bad_cursor(detail: str) -> InvalidInput:
    return InvalidInput(
        detail,
        errors=[
            field_error(
                "query.cursor",
                "cursor-invalid",
                "Not a cursor of this list and sort: start again from the first page",
                "分页游标无效（与列表或排序不符），请从第一页重新开始",
            )
        ],
    )


def decode(text: str, sort: str | None) -> Cursor:
    """The cursor in `text`, for the list sorted by `sort`; a 422 naming `cursor` otherwise."""
    wanted = sort or DEFAULT_SORT
    try:
        padded = text + "=" * (-len(text) % 4)
        cursor_sort, values, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if cursor_sort != wanted:
            raise bad_cursor(
                f"The cursor belongs to the sort {cursor_sort or 'default'!r}, not {wanted or 'default'!r}."
            )
        decoders = _decoders(wanted)
        if not isinstance(values, list) or len(values) != len(decoders):
            raise ValueError("wrong number of values")
        read = tuple(
            None if value is None and nullable else decoder(value)
            for (decoder, nullable), value in zip(decoders, values, strict=True)
        )
        return Cursor(wanted, read, uuid.UUID(_text(row_id)))
    except InvalidInput:
        raise
    except (
        ValueError,
        TypeError,
        InvalidOperation,
        binascii.Error,
        UnicodeDecodeError,
        AttributeError,
    ) as exc:
        raise bad_cursor("The cursor cannot be read.") from exc


def _decoders(sort: str) -> list[tuple[Decode, bool]]:
    if sort == DEFAULT_SORT:
        return [(_year, False), (_text, False)]
    _, decoder, nullable = _KEYS[sort.removeprefix("-")]
    return [(decoder, nullable)]


def order_by(sort: str | None) -> list[Any]:
    """The list's ordering for `sort`: the key, then the id, so that every position is one row."""
    if not sort:
        return [Project.year.desc(), Project.name, Project.id]
    column = _KEYS[sort.removeprefix("-")][0]
    key = column.desc().nulls_last() if sort.startswith("-") else column.asc().nulls_last()
    return [key, Project.id]


def key_values(sort: str | None, row: Any) -> tuple[Any, ...]:
    """The sort key values of a listed row (what its cursor holds)."""
    if not sort:
        return (row.year, row.name)
    return (getattr(row, _KEYS[sort.removeprefix("-")][0].key),)


def after(cursor: Cursor, *, year_filter: int | None = None) -> ColumnElement[bool]:
    """The rows that come after the cursor's position in its ordering (NULLs last, ids ascending). With the
    list narrowed to the cursor's year, the default order's condition is the (name, id) row comparison alone,
    which the (year, ..., name, id) indexes answer from the position on."""
    if cursor.sort == DEFAULT_SORT:
        year, name = cursor.values
        if year_filter is not None and year_filter == year:
            return tuple_(Project.name, Project.id) > tuple_(name, cursor.id)
        return or_(
            Project.year < year,
            and_(Project.year == year, tuple_(Project.name, Project.id) > tuple_(name, cursor.id)),
        )
    column = _KEYS[cursor.sort.removeprefix("-")][0]
    (value,) = cursor.values
    if value is None:
        return and_(column.is_(None), Project.id > cursor.id)
    beyond = column < value if cursor.sort.startswith("-") else column > value
    later = or_(beyond, and_(column == value, Project.id > cursor.id))
    nullable = _KEYS[cursor.sort.removeprefix("-")][2]
    return or_(later, column.is_(None)) if nullable else later


def next_cursor(sort: str | None, rows: Sequence[Any], limit: int) -> str | None:
    """The cursor of the page after `rows`; None when the page is the last (not full)."""
    if len(rows) < limit or not rows:
        return None
    last = rows[-1]
    return Cursor(sort or DEFAULT_SORT, key_values(sort, last), last.id).encode()
