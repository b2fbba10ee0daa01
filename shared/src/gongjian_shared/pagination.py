"""One page shape for every list of every service: `{"items", "total", "limit", "offset"}`.

A route takes `PagingDep` (the `limit` and `offset` query parameters, bounded by `types.Limit` and `Offset`) and answers a subclass of
`Page` named for its items (`class MeetingPage(Page[MeetingOut])`), so each list has its own schema name in
OpenAPI. Repositories page in SQL with `fetch_page`; a list that is already small and whole in memory (one
meeting's deadlines) is cut with `Paging.slice`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, Self, TypeVar, TypeVarTuple

from fastapi import Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_shared.types import Limit, Offset

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

DEFAULT_LIMIT = 50


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(ge=0, description="how many match, on every page")
    limit: Limit
    offset: Offset

    @classmethod
    def of(cls, items: Sequence[T], total: int, paging: Paging) -> Self:
        """A page of rows already cut in SQL."""
        return cls(items=list(items), total=total, limit=paging.limit, offset=paging.offset)

    @classmethod
    def cut(cls, items: Sequence[T], paging: Paging) -> Self:
        """A page cut from a short list that is whole in memory."""
        return cls(items=paging.slice(items), total=len(items), limit=paging.limit, offset=paging.offset)


@dataclass(frozen=True)
class Paging:
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    def slice(self, rows: Sequence[T]) -> list[T]:
        return list(rows[self.offset : self.offset + self.limit])


async def _paging(
    limit: Annotated[Limit, Query(description="page size (每页条数)")] = DEFAULT_LIMIT,
    offset: Annotated[Offset, Query(description="rows to skip (跳过条数)")] = 0,
) -> Paging:
    return Paging(limit=limit, offset=offset)


PagingDep = Annotated[Paging, Depends(_paging)]


async def fetch_page(
    session: AsyncSession, query: Select[*Ts], paging: Paging
) -> tuple[Sequence[Row[*Ts]], int]:
    """The rows of one page of `query` (already ordered) and how many rows the whole query has."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = (await session.execute(query.limit(paging.limit).offset(paging.offset))).all()
    return rows, int(total or 0)
