"""The unit of work: one transaction, what it writes its events to, and the time it runs at.

Built by the request's dependency (`deps.UnitOfWorkDep`), by a consumer for each event it applies, and by a
job for each run. Services take it as their first argument; they never commit, the entry point does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from gongjian_shared.clock import Clock
from gongjian_shared.outbox import Outbox

# the session's callbacks waiting for its transaction's commit (`UnitOfWork.after_commit`), in its `info`
_AFTER_COMMIT = "gongjian.after_commit"


@dataclass(frozen=True)
class UnitOfWork:
    """One transaction: what it reads and writes (`session`), the events it records (`outbox`), and `clock`."""

    session: AsyncSession
    outbox: Outbox
    clock: Clock

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once this transaction has committed (never if it rolls back): for memory that
        mirrors the rows just written, such as a cached unit tree, or a worker to wake that reads them.

        A released savepoint is no commit, though SQLAlchemy reports it as one: a consumer applies each event
        in a savepoint, and its rows are seen by others only when the transaction around it commits. The
        session has one listener, whatever the number of callbacks (a consumer's batch adds one per event)."""
        info = self.session.sync_session.info
        if _AFTER_COMMIT not in info:
            info[_AFTER_COMMIT] = []
            event.listen(self.session.sync_session, "after_commit", _run_after_commit)
        info[_AFTER_COMMIT].append(callback)


def _run_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released, not the transaction committed
        return
    callbacks, session.info[_AFTER_COMMIT] = session.info[_AFTER_COMMIT], []
    for callback in callbacks:
        callback()
