"""The delivery worker's periodic job: a pass at once while rows keep coming or when deliveries written in this
process have committed, else one every poll interval; escalations and digests (minutes-grained) at most every
`schedule_interval_seconds`.

A stopping job finishes the pass in flight (bounded by the channels' timeouts) before it exits, so the rows it
claimed are recorded and a restart sends nothing twice.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from gongjian_notifier.delivery.worker import DeliveryWorker
from gongjian_notifier.runtime import notifier_runtime
from gongjian_notifier.settings import DeliverySettings
from gongjian_shared.bus.listener import wait_for_wake
from gongjian_shared.jobs import PeriodicJob
from gongjian_shared.service import ServiceContext

WORKER_KEY = "notifier.delivery-worker"
MAX_ERROR_BACKOFF_SECONDS = 30.0


def delivery_worker(context: ServiceContext) -> DeliveryWorker:
    """The running notifier's one worker (built once, then shared): its id names the rows it claims."""
    existing = context.extras.get(WORKER_KEY)
    if isinstance(existing, DeliveryWorker):
        return existing
    worker = DeliveryWorker(context, notifier_runtime(context))
    context.extras[WORKER_KEY] = worker
    return worker


@dataclass
class DeliveryPass:
    """The job's step: one pass of the worker, with escalations and digests when their interval has passed."""

    worker: DeliveryWorker
    schedule_interval_seconds: float
    last_scheduled: float = -math.inf

    async def __call__(self) -> bool:
        monotonic = self.worker.monotonic
        scheduled = monotonic() - self.last_scheduled >= self.schedule_interval_seconds
        if scheduled:
            self.last_scheduled = monotonic()
        work = asyncio.ensure_future(self.worker.run_once(scheduled=scheduled))
        try:
            handled = await asyncio.shield(work)
        except asyncio.CancelledError:
            # finish the batch in flight, then stop
            await asyncio.wait([work])
            raise
        return handled > 0


def delivery_job(
    worker: DeliveryWorker, settings: DeliverySettings, wake: asyncio.Event | None = None
) -> PeriodicJob:
    """Passes at once while rows keep coming; otherwise after the poll interval, or sooner when `wake` is set
    (deliveries this replica just wrote have committed)."""
    return PeriodicJob(
        name="notifier-delivery",
        step=DeliveryPass(worker, settings.schedule_interval_seconds),
        interval_seconds=settings.poll_interval_seconds,
        jitter=0.0,  # the lease, not the timing, keeps replicas apart
        backoff_seconds=settings.poll_interval_seconds,
        max_backoff_seconds=MAX_ERROR_BACKOFF_SECONDS,
        wait=None if wake is None else (lambda seconds: wait_for_wake(wake, seconds)),
    )


def delivery_background(context: ServiceContext) -> Callable[[], Coroutine[Any, Any, None]]:
    """The delivery job, unless the settings leave delivery to other replicas (or to a test); either way the
    channels close when the service stops."""
    runtime = notifier_runtime(context)
    settings = runtime.settings.delivery
    wake = runtime.deliveries_written
    job = delivery_job(delivery_worker(context), settings, wake) if settings.run_worker else None

    async def delivery() -> None:
        try:
            if job is not None:
                await job()
            else:
                await asyncio.Event().wait()
        finally:
            await runtime.channels.close()

    return delivery
