"""A leader's account linked after their alerts were planned: the alerts reach it then (迟到的账号关联).

projects-api's `account-updated` (the link, kept by the `directory` consumer group) and its
`project-behind-schedule` (planned by the `notifications` group) are read by two consumer groups, each at its
own pace: under the embedded bus each group keeps its own position in projects-api's log; under Kafka each
group has its own offsets, and the two events are keyed by different aggregates (the account, the project),
so they sit on different partitions too. Moving both into one group or one key would not help either: the
link may come after the alert (a leader given an account later). No order can be had from the bus, so a red
alert may be planned before the link that names its leader is stored, even when the office linked the
account first. Either way the leader must not lose it.

So both sides meet in the notifier's own database: the planner of an event for leaders and the replica of an
account linked to a leader take the same transaction-scoped advisory lock before they read or write. Whichever
commits second sees the other's rows (read committed: each statement sees what was committed before it
began): the planner finds the account, or the link finds the notification and adds the account's deliveries
to it. It is one lock for all leaders, not one per leader: a consumer applies a batch of events in one
transaction, so per-leader locks taken event by event could be taken in opposite orders by the two groups
and deadlock; both kinds of event are rare, so one lock costs nothing. A catch-up reaches the notifications
of the last `leader_catch_up_days`, each recipient once (the deliveries' unique key).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gongjian_notifier.delivery.timing import release_time
from gongjian_notifier.notifications.audiences import leaders
from gongjian_notifier.notifications.drafts import delivery_rows
from gongjian_notifier.notifications.recipients import RecipientResolver
from gongjian_notifier.notifications.repository import NotificationRepository
from gongjian_notifier.runtime import NotifierUnitOfWork
from gongjian_notifier.settings import Urgency

LEADER_LINKS_LOCK = "notifier.leader-links"


async def lock_leaders(session: AsyncSession, leader_ids: Iterable[uuid.UUID]) -> None:
    """Hold the leaders' lock until the transaction ends, when any leader is concerned (re-entrant)."""
    if any(True for _ in leader_ids):
        await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(LEADER_LINKS_LOCK))))


async def catch_up_leader(uow: NotifierUnitOfWork, leader_id: uuid.UUID) -> int:
    """Deliver to the leader's accounts what was written to the leader before they were linked.

    The caller holds the leaders' lock (`lock_leaders`) and has stored the link. Returns how many
    notifications reach someone new.
    """
    settings = uow.notifier.settings
    now = uow.clock.now()
    repository = NotificationRepository(uow.session)
    written = await repository.to_leader(leader_id, now - timedelta(days=settings.leader_catch_up_days))
    if not written:
        return 0
    resolver = RecipientResolver(uow.session, settings)
    resolution = await resolver.resolve(leaders((leader_id,)), None, level=0)
    reached = await repository.recipient_keys([n.id for n in written])
    rows: list[dict[str, Any]] = []
    routed: list[uuid.UUID] = []
    for notification in written:
        new = [r for r in resolution.recipients if r.key not in reached[notification.id]]
        if new:
            release = release_time(now, cast(Urgency, notification.urgency), settings.schedule)
            rows += delivery_rows(uow.notifier, notification.id, notification.urgency, new, now, release)
            routed.append(notification.id)
    await repository.insert_deliveries(rows)
    await repository.mark_routed(routed)
    return len(routed)
