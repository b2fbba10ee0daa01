"""The scoring tests' platforms wait, at the end, for scoring-worker to finish what the test set off.

A test that ends while scores are still being written stops the platform amid a burst of outbox
notifications, which is when a consumer task can miss its cancellation (see the report on wait_for_wake).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from integration.scoring.scoring_support import settle

from support.platform import Platform


@pytest.fixture
async def platform(platform: Platform) -> AsyncIterator[Platform]:
    yield platform
    with contextlib.suppress(AssertionError):
        await settle(platform, timeout=20)


@pytest.fixture
async def kafka_platform(kafka_platform: Platform) -> AsyncIterator[Platform]:
    yield kafka_platform
    with contextlib.suppress(AssertionError):
        await settle(kafka_platform, timeout=30)
