import os
import pwd
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from gongjian.infra.postgres import SERVICE_USER, EmbeddedPostgres, EmbeddedPostgresError

ServerFactory = Callable[..., EmbeddedPostgres]


def postmaster_pids(data_dir: Path) -> list[int]:
    """Pids of the postmasters serving ``data_dir``: the only postgres processes whose argv names it."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if argv[0].endswith(b"/postgres") and str(data_dir).encode() in argv:
            pids.append(int(cmdline.parent.name))
    return pids


def process_uid(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    uid_line = next(line for line in status.splitlines() if line.startswith("Uid:"))
    return int(uid_line.split()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    with EmbeddedPostgres(tmp_path_factory.mktemp("shared") / "data", durable=False) as pg:
        yield pg
    assert postmaster_pids(pg.data_dir) == []


@pytest.fixture
def new_server(tmp_path: Path) -> Iterator[ServerFactory]:
    made: list[EmbeddedPostgres] = []

    def make(data_dir: Path = tmp_path / "data", **options: Any) -> EmbeddedPostgres:
        made.append(EmbeddedPostgres(data_dir, **options))
        return made[-1]

    yield make
    for pg in made:
        pg.stop("immediate")
        assert postmaster_pids(pg.data_dir) == []


async def test_serves_queries_over_tcp(server: EmbeddedPostgres) -> None:
    server.create_database("queries")
    connection = await asyncpg.connect(server.dsn("queries"))
    try:
        version = await connection.fetchval("select version()")
        database = await connection.fetchval("select current_database()")
    finally:
        await connection.close()
    assert "PostgreSQL 18" in version
    assert database == "queries"
    assert server.version.startswith("18.")


async def test_listens_only_on_the_given_host(server: EmbeddedPostgres) -> None:
    connection = await asyncpg.connect(server.dsn("postgres"))
    try:
        assert await connection.fetchval("show listen_addresses") == "127.0.0.1"
    finally:
        await connection.close()


def test_second_manager_reuses_the_running_server(server: EmbeddedPostgres) -> None:
    [postmaster] = postmaster_pids(server.data_dir)

    with EmbeddedPostgres(server.data_dir) as second:
        assert second.port == server.port
        assert not second.started_here
        assert postmaster_pids(server.data_dir) == [postmaster]

    assert server.is_running(), "leaving an adopted server's context must not stop it"


def test_starting_a_running_server_again_keeps_it_ours(server: EmbeddedPostgres) -> None:
    port = server.port

    server.start()

    assert server.port == port
    assert server.started_here


async def test_create_database_is_idempotent_unless_told_otherwise(server: EmbeddedPostgres) -> None:
    server.create_database("twice")
    server.create_database("twice")

    with pytest.raises(EmbeddedPostgresError, match="already exists"):
        server.create_database("twice", exists_ok=False)


async def test_drop_database_ends_open_sessions_and_removes_it(server: EmbeddedPostgres) -> None:
    server.create_database("doomed")
    connection = await asyncpg.connect(server.dsn("doomed"))

    server.drop_database("doomed")
    server.drop_database("doomed")

    with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, ConnectionError)):
        await connection.fetchval("select 1")
    with pytest.raises(asyncpg.InvalidCatalogNameError):
        await asyncpg.connect(server.dsn("doomed"))


async def test_restart_keeps_the_data(new_server: ServerFactory) -> None:
    pg = new_server(password="s3cret/with:odd@chars")
    pg.start()
    pg.create_database("kept")
    connection = await asyncpg.connect(pg.dsn("kept"))
    await connection.execute("create table note (body text); insert into note values ('still here')")
    await connection.close()

    pg.stop()
    assert not pg.is_running()
    assert postmaster_pids(pg.data_dir) == []
    pg.start()

    connection = await asyncpg.connect(pg.dsn("kept"))
    try:
        assert await connection.fetchval("select body from note") == "still here"
    finally:
        await connection.close()


async def test_tcp_connections_need_the_password_when_one_is_set(new_server: ServerFactory) -> None:
    pg = new_server(password="right", durable=False)
    pg.start()

    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(host=pg.host, port=pg.port, user=pg.user, password="wrong", database="postgres")


def test_start_failure_reports_the_server_log(new_server: ServerFactory) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        pg = new_server(port=squatter.getsockname()[1], durable=False)

        with pytest.raises(EmbeddedPostgresError, match="Address already in use"):
            pg.start(timeout=30)

    assert not pg.is_running()


def test_long_data_dir_puts_the_socket_under_tmp(new_server: ServerFactory, tmp_path: Path) -> None:
    pg = new_server(tmp_path / ("deep" * 20) / "data", durable=False)
    pg.start()

    assert pg.socket_dir.parent == Path("/tmp")
    assert (pg.socket_dir / f".s.PGSQL.{pg.port}").is_socket()


def test_the_server_runs_as_the_service_account_under_root_and_as_the_caller_otherwise(
    server: EmbeddedPostgres,
) -> None:
    # PostgreSQL refuses to run as root: root hands the server to its own account, anyone else runs it
    expected = pwd.getpwnam(SERVICE_USER).pw_uid if os.geteuid() == 0 else os.geteuid()
    [postmaster] = postmaster_pids(server.data_dir)

    assert process_uid(postmaster) == expected
    assert server.data_dir.stat().st_uid == expected


def test_url_carries_quoted_credentials() -> None:
    pg = EmbeddedPostgres(Path("/nonexistent"), port=5432, password="p@ss:w/rd")

    assert pg.url("db") == "postgresql+asyncpg://gongjian:p%40ss%3Aw%2Frd@127.0.0.1:5432/db"
    assert pg.dsn("db") == "postgresql://gongjian:p%40ss%3Aw%2Frd@127.0.0.1:5432/db"
