"""The action log (操作记录): every step of the workflow, with who did it (or the scheduler) and when."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_meetings.audit.repository import ActionRepository
from gongjian_meetings.models import Action
from gongjian_shared.auth import Principal
from gongjian_shared.clock import Clock

SCHEDULER = "scheduler"


def record(
    session: AsyncSession,
    clock: Clock,
    actor: Principal | None,
    action: str,
    *,
    subject_kind: str,
    subject_id: uuid.UUID,
    meeting_id: uuid.UUID | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add the action to the caller's transaction; `actor` None means the deadline scheduler."""
    ActionRepository(session).add(
        Action(
            meeting_id=meeting_id,
            subject_kind=subject_kind,
            subject_id=subject_id,
            action=action,
            actor_id=actor.user_id if actor else None,
            actor_name=actor.username if actor else SCHEDULER,
            actor_roles=sorted(actor.roles) if actor else [],
            at=clock.now(),
            detail=detail or {},
        )
    )
