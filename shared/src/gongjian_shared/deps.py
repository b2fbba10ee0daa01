"""The typed request context every route of every service uses (the way the full-stack template's deps.py does).

Routes never read `request.app.state`; they name what they need:

- `CurrentPrincipal`: who is calling (from the bearer token; no database round trip);
- `ClockDep`: the service's clock, so deadlines are computed against time the tests can move;
- `UnitOfWorkDep`: the request's transaction (session, outbox and clock together), committed before the
  response is sent and rolled back on any error; service functions take it instead of `(session, outbox, clock)`.
  A GET or HEAD gets a reading session instead (`db.reading_sessionmaker`): no transaction, and any write refused.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

from gongjian_shared.auth import CurrentPrincipal
from gongjian_shared.clock import Clock
from gongjian_shared.db import READ_METHODS, unit_of_work
from gongjian_shared.service import ServiceContext
from gongjian_shared.uow import UnitOfWork

__all__ = [
    "ClockDep",
    "ContextDep",
    "CurrentPrincipal",
    "UnitOfWork",
    "UnitOfWorkDep",
    "WritingUnitOfWorkDep",
]


def _service_context(request: Request) -> ServiceContext:
    context: ServiceContext = request.app.state.context
    return context


# The dependencies are coroutines though they wait for nothing: FastAPI runs a plain function in its thread pool.
async def _context(request: Request) -> ServiceContext:
    return _service_context(request)


async def _clock(request: Request) -> Clock:
    return _service_context(request).clock


async def _unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    context = _service_context(request)
    reads_only = request.method in READ_METHODS
    async with unit_of_work(context.reading_sessionmaker if reads_only else context.sessionmaker) as session:
        yield context.unit_of_work(session)


async def _writing_unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    context = _service_context(request)
    async with unit_of_work(context.sessionmaker) as session:
        yield context.unit_of_work(session)


ContextDep = Annotated[ServiceContext, Depends(_context)]
ClockDep = Annotated[Clock, Depends(_clock)]
# scope="function": committed when the route returns, before the response is sent (a 2xx means committed).
UnitOfWorkDep = Annotated[UnitOfWork, Depends(_unit_of_work, scope="function")]
# A transaction even for a GET: the few reads that create what they show on first use (a reporting month with its
# deadlines, a project's pre-phase procedures) and must commit it, like any write.
WritingUnitOfWorkDep = Annotated[UnitOfWork, Depends(_writing_unit_of_work, scope="function")]
