"""Per-channel rate limits: a token bucket per replica, so rows wait in the table rather than in memory."""

from __future__ import annotations

import time
from collections.abc import Callable


class TokenBucket:
    def __init__(self, rate_per_second: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._rate = rate_per_second
        self._capacity = max(1.0, rate_per_second)
        self._tokens = self._capacity
        self._monotonic = monotonic
        self._last = monotonic()

    def available(self) -> int:
        now = self._monotonic()
        self._tokens = min(self._capacity, self._tokens + (now - self._last) * self._rate)
        self._last = now
        return int(self._tokens)

    def take(self, count: int) -> None:
        self._tokens -= count
