"""The notifier's typed request context, beside the shared one (`gongjian_shared.deps`).

Routes name what they need (`CurrentScope`, `NotifierUnitOfWorkDep`) and never read `request.app.state`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from gongjian_notifier.models import UNIT_REPLICA
from gongjian_notifier.runtime import NotifierUnitOfWork
from gongjian_shared.access import Scope
from gongjian_shared.deps import UnitOfWorkDep
from gongjian_shared.replica import replica_scope


async def _unit_of_work(uow: UnitOfWorkDep) -> NotifierUnitOfWork:
    if not isinstance(uow, NotifierUnitOfWork):
        raise TypeError(f"the notifier's routes run in a NotifierUnitOfWork, not {type(uow).__name__}")
    return uow


# who the caller is and what the policy lets them reach (the cached unit tree: no database round trip)
CurrentScope = Annotated[Scope, Depends(replica_scope(UNIT_REPLICA))]
# the request's transaction, with the running notifier's settings, templates and channels
NotifierUnitOfWorkDep = Annotated[NotifierUnitOfWork, Depends(_unit_of_work)]
