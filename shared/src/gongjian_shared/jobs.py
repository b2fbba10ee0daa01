"""Background work: periodic jobs on one helper, and stopping them within a bound.

A job is one `step` run again and again: at once while it reports more work waiting, at the time the next
known piece of work falls due when it says when, otherwise after its interval (with jitter, so replicas
started together do not poll together), and after a failure with a doubling backoff. Each run is logged at
debug level with its duration; a failure at error level with the attempt. Deadlines stay rows claimed with FOR UPDATE SKIP LOCKED: a job only decides when to look.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

logger = logging.getLogger("gongjian.jobs")

STOP_TIMEOUT_SECONDS = 10.0

# One run of a job: True when more work is known to be waiting (run again at once); a number of seconds when
# the next piece of work is known to fall due that soon (wait that long, never longer than the interval);
# False or None to wait the interval.
Step = Callable[[], Awaitable[bool | float | None]]
# Waits until the next run is due: `timeout` seconds, or less when something wakes the job.
Wait = Callable[[float], Awaitable[None]]


@dataclass
class JobStats:
    runs: int = 0
    failures: int = 0
    consecutive_failures: int = 0
    last_duration_seconds: float | None = None
    last_error: str | None = None


@dataclass
class PeriodicJob:
    """A named step, its interval, and how it backs off; calling it runs it until cancelled."""

    name: str
    step: Step
    interval_seconds: float
    jitter: float = 0.1  # a share of the interval, added at random to each wait
    backoff_seconds: float = 1.0  # the first wait after a failure; doubled per failure in a row
    max_backoff_seconds: float = 60.0
    wait: Wait | None = None
    on_failure: Callable[[Exception], None] | None = None
    stats: JobStats = field(default_factory=JobStats)

    async def __call__(self) -> None:
        while True:
            started = time.perf_counter()
            try:
                more = await self.step()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._failed(exc)
                await asyncio.sleep(self.next_backoff())
                continue
            self.stats.runs += 1
            self.stats.consecutive_failures = 0
            self.stats.last_duration_seconds = time.perf_counter() - started
            logger.debug("job %s ran in %.3fs", self.name, self.stats.last_duration_seconds)
            if more is True:
                continue
            interval = self.next_interval()
            if isinstance(more, float | int) and not isinstance(more, bool):
                interval = min(interval, max(float(more), 0.0))
            await self._wait(interval)

    def next_interval(self) -> float:
        return self.interval_seconds * (1 + random.uniform(0, self.jitter))

    def next_backoff(self) -> float:
        doubled = self.backoff_seconds * 2.0 ** max(self.stats.consecutive_failures - 1, 0)
        return min(doubled, self.max_backoff_seconds)

    def _failed(self, exc: Exception) -> None:
        self.stats.failures += 1
        self.stats.consecutive_failures += 1
        self.stats.last_error = f"{type(exc).__name__}: {exc}"[:4000]
        if self.on_failure is not None:
            self.on_failure(exc)
        # the first failure in a row with its traceback; the retries of the same outage in one line each
        logger.log(
            logging.ERROR if self.stats.consecutive_failures == 1 else logging.WARNING,
            "job %s failed (attempt %d): %s; retrying in %.1fs",
            self.name,
            self.stats.consecutive_failures,
            self.stats.last_error,
            self.next_backoff(),
            exc_info=self.stats.consecutive_failures == 1,
        )

    async def _wait(self, seconds: float) -> None:
        if self.wait is None:
            await asyncio.sleep(seconds)
        else:
            await self.wait(seconds)


async def cancel_and_wait(tasks: Sequence[asyncio.Task[None]], timeout: float = STOP_TIMEOUT_SECONDS) -> None:
    """Cancel the tasks and wait for them at most `timeout`; a stuck one is named in the log, not waited for."""
    for task in tasks:
        task.cancel()
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        logger.error(
            "task %s did not stop within %.0fs of being cancelled; leaving it", task.get_name(), timeout
        )


async def bounded(step: Awaitable[None], what: str, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
    try:
        async with asyncio.timeout(timeout):
            await step
    except TimeoutError:
        logger.error("%s did not finish within %.0fs; going on", what, timeout)
