"""The typed request context of meetings-api: the shared aliases plus `CurrentScope` (who the caller is and
what the policy lets them reach, with the cached unit tree: no database round trip)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from gongjian_meetings.models import UNIT_REPLICA
from gongjian_shared.access import Scope
from gongjian_shared.deps import ClockDep, CurrentPrincipal, UnitOfWork, UnitOfWorkDep
from gongjian_shared.replica import replica_scope

__all__ = ["ClockDep", "CurrentPrincipal", "CurrentScope", "UnitOfWork", "UnitOfWorkDep"]


CurrentScope = Annotated[Scope, Depends(replica_scope(UNIT_REPLICA))]
