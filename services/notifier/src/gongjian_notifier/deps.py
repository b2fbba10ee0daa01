"""The notifier's typed request context, beside the shared one (`gongjian_shared.deps`).

Routes name what they need (`CurrentScope`, `SettingsDep`, `RuntimeDep`, `NotificationsDep`) and never read
`request.app.state`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from gongjian_notifier.models import UNIT_REPLICA
from gongjian_notifier.notifications.service import NotificationService
from gongjian_notifier.runtime import NotifierRuntime, notifier_runtime, notifier_settings
from gongjian_notifier.settings import NotifierSettings
from gongjian_shared.access import Scope
from gongjian_shared.deps import ContextDep, UnitOfWorkDep
from gongjian_shared.replica import replica_scope


def _settings(context: ContextDep) -> NotifierSettings:
    return notifier_settings(context)


def _runtime(context: ContextDep) -> NotifierRuntime:
    return notifier_runtime(context)


def _notifications(
    runtime: Annotated[NotifierRuntime, Depends(_runtime)], uow: UnitOfWorkDep
) -> NotificationService:
    return runtime.notifications_in(uow)


# who the caller is and what the policy lets them reach (the cached unit tree: no database round trip)
CurrentScope = Annotated[Scope, Depends(replica_scope(UNIT_REPLICA))]
SettingsDep = Annotated[NotifierSettings, Depends(_settings)]
RuntimeDep = Annotated[NotifierRuntime, Depends(_runtime)]
# the request's notification service: templates and channels of the running notifier, in the request's transaction
NotificationsDep = Annotated[NotificationService, Depends(_notifications)]
