"""Test session: one real PostgreSQL (embedded wheel) and, on first use, one real Kafka broker and one real
S3-compatible server."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from gongjian.infra.kafka import KafkaBroker
from gongjian.infra.s3proxy import S3ProxyServer
from support.platform import Platform, platform_settings, running_platform
from support.reports import SECTIONS
from support.servers import STARTED, PostgresForTests, start_kafka, start_postgres, start_s3proxy, worker_id


@pytest.fixture(scope="session")
def state_dir() -> Iterator[Path]:
    # Not under pytest's basetemp: another pytest run on this machine rotates those folders away.
    path = Path(tempfile.mkdtemp(prefix="gongjian-test-servers-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres(state_dir: Path) -> Iterator[PostgresForTests]:
    pg = start_postgres(state_dir, worker_id())
    yield pg
    pg.server.stop()


@pytest.fixture(scope="session")
def kafka(state_dir: Path) -> Iterator[KafkaBroker]:
    broker = start_kafka(state_dir)
    yield broker
    broker.stop()


@pytest.fixture(scope="session")
def s3proxy(state_dir: Path) -> Iterator[S3ProxyServer]:
    server = start_s3proxy(state_dir)
    yield server
    server.stop()


@pytest.fixture
def database_url(postgres: PostgresForTests) -> Iterator[str]:
    url = postgres.fresh_database()
    yield url
    postgres.drop(url)


@pytest.fixture
async def platform(database_url: str) -> AsyncIterator[Platform]:
    """The whole platform on the embedded bus, seeded, with the admin logged in."""
    async with running_platform(platform_settings(database_url)) as running:
        await running.login()
        yield running


@pytest.fixture
async def kafka_platform(database_url: str, kafka: KafkaBroker) -> AsyncIterator[Platform]:
    """The whole platform on the real Kafka broker, seeded, with the admin logged in."""
    settings = platform_settings(database_url, bus="kafka", kafka_bootstrap=kafka.bootstrap_servers)
    async with running_platform(settings) as running:
        await running.login()
        yield running


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for title, entries in SECTIONS.items():
        terminalreporter.section(title)
        for name, text in entries.items():
            terminalreporter.write_line(f"[{name}]")
            terminalreporter.write_line(text)
    if STARTED:
        terminalreporter.section("real services started by this test session")
        for name, what in STARTED.items():
            terminalreporter.write_line(f"{name} {what}")
