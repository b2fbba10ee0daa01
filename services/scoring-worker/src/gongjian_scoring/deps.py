"""The typed request context of scoring-worker: the shared aliases plus `CurrentScope` (who the caller is and
what the policy lets them reach, with the cached unit tree: no database round trip)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from gongjian_scoring.models import UNIT_REPLICA
from gongjian_shared.access import Scope
from gongjian_shared.replica import replica_scope

__all__ = ["CurrentScope"]


CurrentScope = Annotated[Scope, Depends(replica_scope(UNIT_REPLICA))]
