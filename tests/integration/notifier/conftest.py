"""Fixtures of the notifier's integration tests: a real SMTP server and a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from integration.notifier.notifier_sinks import HttpSink, SmtpSink


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
async def http_sink() -> AsyncIterator[HttpSink]:
    sink = HttpSink()
    await sink.start()
    yield sink
    await sink.stop()
