"""Database engine and sessions: the entry point owns the transaction, nothing commits below it.

A request that only reads (GET, HEAD) runs in a `reading` session: each statement on its own, with no BEGIN and
COMMIT round trips around it (PostgreSQL's READ COMMITTED gives every statement its own snapshot inside a
transaction too), and any write through it refused, so that nothing is ever written outside a transaction.
The pool does not ping a connection on every checkout: it drops, at no cost, one whose socket the server
closed (`_refuse_closed`), and a read that still meets a lost connection is answered again once
(`service.CorrelationMiddleware`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import ORMExecuteState, Session

from gongjian_shared.settings import DatabaseSettings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata(schema: str) -> MetaData:
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


# the methods whose requests only read: their sessions run without a transaction (`reading_sessionmaker`)
READ_METHODS = frozenset({"GET", "HEAD"})


def create_engine(settings: DatabaseSettings) -> AsyncEngine:
    engine = create_async_engine(
        settings.url.get_secret_value(),
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_recycle=settings.pool_recycle_seconds,
        echo=settings.echo,
    )
    event.listen(engine.sync_engine, "checkout", _refuse_closed)
    return engine


def _refuse_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """The pool's liveness check, without `pool_pre_ping`'s round trip on every checkout: asyncpg knows a
    connection whose socket the server closed (a restart, a terminated backend). The pool then replaces it, and
    every connection pooled before it, since they most likely went the same way."""
    driver = getattr(dbapi_connection, "driver_connection", None)
    if driver is not None and driver.is_closed():
        error = DisconnectionError("the server closed this pooled connection")
        error.invalidate_pool = True
        raise error


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


class WriteInReadingSession(RuntimeError):
    """Code answering a read (GET, HEAD) tried to write: a bug, since nothing would hold the write and its
    event together."""


class ReadingSession(Session):
    """The session of a request that only reads: no transaction, and no write (`WriteInReadingSession`)."""


@event.listens_for(ReadingSession, "do_orm_execute")
def _no_write_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise WriteInReadingSession(f"a read request may not run {type(state.statement).__name__}")


@event.listens_for(ReadingSession, "before_flush")
def _no_flushed_change(session: Session, *_: Any) -> None:
    if session.new or session.deleted or any(session.is_modified(row) for row in session.dirty):
        raise WriteInReadingSession("a read request may not add, change or delete rows")


def reading_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for requests that only read: each statement in autocommit mode, so no BEGIN or COMMIT goes to
    the server (the pool's connections are shared with the writers; the mode is set and reset without a round
    trip)."""
    return async_sessionmaker(
        engine.execution_options(isolation_level="AUTOCOMMIT"),
        sync_session_class=ReadingSession,
        expire_on_commit=False,
        autoflush=False,
    )


@asynccontextmanager
async def unit_of_work(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """Commit on success, roll back on error: for consumers, schedulers and commands."""
    async with sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
