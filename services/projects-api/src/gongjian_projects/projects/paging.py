"""Keyset pages of the project list (键集分页): an opaque cursor holding the sort key of a page's last row.

A cursor names a position in one ordering, never a project the caller may not read: the caller's scope and
filters are applied again to every page, so a cursor copied from another account's list shows only what the
bearer may see after that position. The cursor is base64url of `[sort, [key values...], id, total]`; one made
for another sort, or not made here at all, is refused with a 422 naming `cursor`.

The cursor also carries the list's total as counted for the page that handed it out, with the key of the list
it was counted for (`list_key`: the caller and the filters). A later page of the same list answers that total
instead of counting again (a count can cost more than the page itself, e.g. a search's count scans), so every
page of one walk shows the total as of its first page; a cursor used by another caller or with other filters is
counted again, so nobody is shown a total counted under someone else's scope. The total is only a number shown
beside the page: one edited into a cursor changes what its own bearer is told, never what it may read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, tuple_

from gongjian_projects.models import Project
from gongjian_projects.projects.schemas import ProjectFilter
from gongjian_shared.errors import InvalidInput, field_error

DEFAULT_SORT = ""  # year, latest first, then name
MAX_TOTAL = 2**31 - 1  # a total a cursor may carry (the list's own counts stay far below)
_LIST_KEY = re.compile(r"[0-9a-f]{16}")

Decode = Callable[[Any], Any]


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("not text")
    return value


def _year(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("not a year")
    return value


def _total(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_TOTAL:
        raise ValueError("not a total")
    return value


def _list_key(value: Any) -> str:
    if _LIST_KEY.fullmatch(_text(value)) is None:
        raise ValueError("not a list key")
    return _text(value)


def list_key(where: ProjectFilter) -> str:
    """Which list a total is counted for: the caller (its account, roles and unit, which make its scope) and
    the filters; the sort is the cursor's own."""
    principal = None if where.scope is None else where.scope.principal
    caller = None if principal is None else [principal.user_id, sorted(principal.roles), principal.unit_id]
    filters: list[Any] = [where.year, where.kind, sorted(map(str, where.unit_ids)), where.plan_category]
    filters += [where.status, where.leader_id, where.warning_colour, where.search]
    text = json.dumps([caller, filters], ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _decimal(value: Any) -> Decimal:
    return Decimal(_text(value))


def _day(value: Any) -> date:
    return date.fromisoformat(_text(value))


def _instant(value: Any) -> datetime:
    instant = datetime.fromisoformat(_text(value))
    if instant.tzinfo is None:
        raise ValueError("naive instant")
    return instant


_PROJECT = Project.__table__.c  # the table's own columns (cheaper to build conditions from than the ORM's)

# sort key -> (column, how its cursor value is read back, whether the column may be NULL)
_KEYS: dict[str, tuple[Any, Decode, bool]] = {
    "name": (_PROJECT.name, _text, False),
    "code": (_PROJECT.code, _text, True),
    "planned_investment_10k": (_PROJECT.planned_investment_10k, _decimal, False),
    "total_investment_10k": (_PROJECT.total_investment_10k, _decimal, False),
    "planned_start": (_PROJECT.planned_start, _day, True),
    "created_at": (_PROJECT.created_at, _instant, False),
}


def _encode_value(value: Any) -> Any:
    if isinstance(value, Decimal | date | datetime):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


@dataclass(frozen=True)
class Cursor:
    """The position after a row in one ordering: its sort key values and its id; and the list's total as
    counted for the first page of the walk, with the `list_key` of the list it was counted for."""

    sort: str
    values: tuple[Any, ...]
    id: uuid.UUID
    total: int
    counted_for: str

    def encode(self) -> str:
        raw = json.dumps(
            [self.sort, [_encode_value(v) for v in self.values], str(self.id), self.total, self.counted_for],
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
        cursor_sort, values, row_id, total, counted_for = json.loads(
            base64.urlsafe_b64decode(padded.encode()).decode()
        )
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
        return Cursor(wanted, read, uuid.UUID(_text(row_id)), _total(total), _list_key(counted_for))
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
        return [_PROJECT.year.desc(), _PROJECT.name, _PROJECT.id]
    column = _KEYS[sort.removeprefix("-")][0]
    key = column.desc().nulls_last() if sort.startswith("-") else column.asc().nulls_last()
    return [key, _PROJECT.id]


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
            return tuple_(_PROJECT.name, _PROJECT.id) > tuple_(name, cursor.id)
        return or_(
            _PROJECT.year < year,
            and_(_PROJECT.year == year, tuple_(_PROJECT.name, _PROJECT.id) > tuple_(name, cursor.id)),
        )
    column = _KEYS[cursor.sort.removeprefix("-")][0]
    (value,) = cursor.values
    if value is None:
        return and_(column.is_(None), _PROJECT.id > cursor.id)
    beyond = column < value if cursor.sort.startswith("-") else column > value
    later = or_(beyond, and_(column == value, _PROJECT.id > cursor.id))
    nullable = _KEYS[cursor.sort.removeprefix("-")][2]
    return or_(later, column.is_(None)) if nullable else later


def total_of(cursor: Cursor | None, where: ProjectFilter) -> int | None:
    """The total a page after `cursor` answers without counting: the cursor's, when it was counted for this
    list (`list_key`); None when the page must count."""
    if cursor is None or cursor.counted_for != list_key(where):
        return None
    return cursor.total


def next_cursor(
    sort: str | None, rows: Sequence[Any], limit: int, total: int, where: ProjectFilter
) -> str | None:
    """The cursor of the page after `rows`, carrying the `total` of the list `where`; None when the page is
    the last (not full)."""
    if len(rows) < limit or not rows:
        return None
    last = rows[-1]
    return Cursor(sort or DEFAULT_SORT, key_values(sort, last), last.id, total, list_key(where)).encode()
