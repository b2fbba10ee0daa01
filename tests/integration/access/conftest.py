"""One platform for the whole access matrix: a fresh database, a frozen clock in May 2019's open reporting
window, the schedulers quiet, and the matrix's units, accounts and objects built once."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import pytest
from integration.access.world import World, build

from gongjian_shared.clock import SHANGHAI, FrozenClock
from gongjian_shared.settings import BaseServiceSettings
from support.platform import platform_settings, running_platform
from support.servers import PostgresForTests

NOW = datetime(2019, 5, 26, 10, tzinfo=SHANGHAI)


def _settings(url: str) -> dict[str, BaseServiceSettings]:
    """The schedulers quiet; the consumers woken by NOTIFY, polling only now and then (the matrix needs
    the replicas built while its world is made, not a busy bus while its cells run)."""
    from gongjian_meetings.settings import SchedulerSettings

    settings = platform_settings(
        url,
        overrides={
            "projects-api": {"scheduler_enabled": False},
            "meetings-api": {"scheduler": SchedulerSettings(enabled=False)},
        },
    )
    return {
        name: entry.model_copy(update={"bus": entry.bus.model_copy(update={"poll_interval_seconds": 2.0})})
        for name, entry in settings.items()
    }


@pytest.fixture(scope="module")
async def world(postgres: PostgresForTests) -> AsyncIterator[World]:
    url = postgres.fresh_database()
    clock = FrozenClock(NOW)
    try:
        async with running_platform(_settings(url), clock=clock) as platform:
            clients = {
                name: httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000"
                )
                for name, app in platform.gateway.apps.items()
            }
            made = World(platform=platform, clock=clock, clients=clients)
            started = time.monotonic()
            await build(made)
            made.notes.insert(0, f"the world was built in {time.monotonic() - started:.0f} s")
            yield made
            for client in clients.values():
                await client.aclose()
    finally:
        postgres.drop(url)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from integration.access.matrix import SUMMARY

    if SUMMARY:
        terminalreporter.section("access matrix")
        for line in SUMMARY:
            terminalreporter.write_line(line)
