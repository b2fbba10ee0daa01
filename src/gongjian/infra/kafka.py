"""A real Apache Kafka broker for development and tests: one KRaft node on 127.0.0.1, run as a plain JVM.

The Kafka release tarball is not reachable from our machines, so the broker's classpath is assembled from
Maven Central jars (``deploy/kafka/pom.xml``) into a cache folder outside git. Run ``python -m
gongjian.infra.kafka`` for a broker in ``./var/kafka``; tests use :class:`KafkaBroker` directly.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import contextlib
import ctypes
import fcntl
import hashlib
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Self

KAFKA_VERSION = "4.1.1"
DEPLOY_DIR = Path(__file__).resolve().parents[3] / "deploy" / "kafka"
CACHE_ENV = "GONGJIAN_KAFKA_CACHE"

_MARKER = ".gongjian-complete"
_API_VERSIONS_KEY = 18
_LOG_NAME = "kafka.log"


class KafkaBrokerError(RuntimeError):
    """The broker could not be assembled, started or reached."""


def default_cache_dir() -> Path:
    if override := os.environ.get(CACHE_ENV):
        return Path(override).expanduser()
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache_home / "gongjian" / f"kafka-{KAFKA_VERSION}" / "libs"


def ensure_classpath(cache_dir: Path | None = None) -> Path:
    """Download the broker's jars once; return the folder to put on the classpath as ``<folder>/*``.

    The marker file is written only after a complete copy, so an interrupted download is redone; it records
    a hash of the POM, so editing the POM also triggers a fresh copy.
    """
    libs = (cache_dir or default_cache_dir()).resolve()
    _require_tool("java")
    pom = DEPLOY_DIR / "pom.xml"
    if not pom.is_file():
        raise KafkaBrokerError(f"{pom} not found: ensure_classpath needs the repository checkout")
    expected = f"kafka {KAFKA_VERSION}\npom sha256 {hashlib.sha256(pom.read_bytes()).hexdigest()}\n"
    if _read_text(libs / _MARKER) == expected:
        return libs

    libs.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock(libs.parent / f".{libs.name}.lock"):
        if _read_text(libs / _MARKER) == expected:  # another process finished while we waited
            return libs
        mvn = _require_tool("mvn")
        staging = libs.parent / f"{libs.name}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        cmd = [
            mvn, "-B", "-q", "-Dstyle.color=never", "-f", str(pom),
            "dependency:copy-dependencies", "-DincludeScope=runtime", f"-DoutputDirectory={staging}",
        ]  # fmt: skip
        result = subprocess.run(
            cmd, cwd=DEPLOY_DIR, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=900
        )
        if result.returncode != 0 or not any(staging.glob("kafka_2.13-*.jar")):
            output = (result.stdout + result.stderr).strip()[-4000:]
            raise KafkaBrokerError(f"mvn copy-dependencies failed (exit {result.returncode}):\n{output}")
        shutil.rmtree(libs, ignore_errors=True)
        staging.rename(libs)
        (libs / _MARKER).write_text(expected)
    return libs


class KafkaBroker:
    """One combined broker+controller KRaft node whose data, config and log live in ``run_dir``.

    ``start()`` formats the storage on first use only, so ``restart()`` (or a later ``start()`` on the same
    ``run_dir``) keeps topics and committed offsets. Ports not given are picked once and kept across restarts.
    """

    def __init__(
        self,
        run_dir: Path,
        *,
        host: str = "127.0.0.1",
        broker_port: int | None = None,
        controller_port: int | None = None,
        heap_mb: int = 512,
    ) -> None:
        self.run_dir = Path(run_dir).resolve()
        self.host = host
        self.broker_port = broker_port
        self.controller_port = controller_port
        self.heap_mb = heap_mb
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._log_offset = 0
        self._version: str | None = None

    @property
    def log_path(self) -> Path:
        return self.run_dir / _LOG_NAME

    @property
    def data_dir(self) -> Path:
        return self.run_dir / "data"

    @property
    def bootstrap_servers(self) -> str:
        if self.broker_port is None:
            raise KafkaBrokerError("the broker port is chosen by start(); call it first")
        return f"{self.host}:{self.broker_port}"

    @property
    def version(self) -> str:
        """The Kafka version of the jars the broker runs from."""
        if self._version is None:
            self._version = _jar_version(ensure_classpath())
        return self._version

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 60) -> None:
        """Start the broker and return once it answers an ApiVersions request on its client port."""
        if self.is_running():
            raise KafkaBrokerError(f"broker already running (pid {self.pid})")
        self._close_process()
        deadline = time.monotonic() + timeout
        libs = ensure_classpath()
        self._version = _jar_version(libs)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self._pick_ports()
        self._check_ports_free()  # else the readiness probe could be answered by another broker
        config = self.run_dir / "server.properties"
        config.write_text(self._server_properties())

        self._log = self.log_path.open("ab")
        self._log_offset = self._log.tell()
        try:
            if not (self.data_dir / "meta.properties").exists():
                self._format(libs, config, deadline)
            self._process = subprocess.Popen(
                [*self._java_command(libs, self.heap_mb), "kafka.Kafka", str(config)],
                cwd=self.run_dir,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent(),
            )
            _LIVE.add(self)
            _register_atexit()
            self._wait_ready(self._process, self.broker_port, deadline)
        except BaseException:  # including Ctrl-C while waiting: leave no broker behind
            self.stop(timeout=10)
            raise

    def wait(self, timeout: float | None = None) -> int:
        """Block until the broker process exits; return its exit code."""
        if self._process is None:
            raise KafkaBrokerError("broker not started")
        return self._process.wait(timeout)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM (a clean, controlled shutdown), then SIGKILL if it takes longer than ``timeout``."""
        process = self._process
        if process is not None and process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                process.wait()
        self._close_process()

    def kill(self) -> None:
        """SIGKILL the broker, as a crash would: for outage tests. ``restart()`` brings it back."""
        process = self._process
        if process is not None and process.poll() is None:
            self._signal(signal.SIGKILL)
            process.wait()
        self._close_process()

    def restart(self, timeout: float = 60) -> None:
        """Stop (if running) and start again on the same ports and data, without reformatting."""
        self.stop()
        self.start(timeout)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines the broker wrote since the latest start()."""
        try:
            with self.log_path.open("rb") as log:
                size = log.seek(0, os.SEEK_END)
                log.seek(max(self._log_offset, size - 16_384))
                text = log.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> Self:
        if not self.is_running():
            self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"KafkaBroker({str(self.run_dir)!r}, bootstrap={self.host}:{self.broker_port}, pid={self.pid})"

    def _pick_ports(self) -> None:
        with contextlib.ExitStack() as held:  # hold both sockets so the two ports differ
            if self.broker_port is None:
                self.broker_port = _bind_free_port(self.host, held)
            if self.controller_port is None:
                self.controller_port = _bind_free_port(self.host, held)

    def _check_ports_free(self) -> None:
        for name, port in (("broker", self.broker_port), ("controller", self.controller_port)):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    sock.bind((self.host, port or 0))
                except OSError as error:
                    raise KafkaBrokerError(f"{name} port {self.host}:{port} is not free: {error}") from None

    def _server_properties(self) -> str:
        listeners = (
            f"PLAINTEXT://{self.host}:{self.broker_port},CONTROLLER://{self.host}:{self.controller_port}"
        )
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{self.host}:{self.controller_port}",
            "listeners": listeners,
            "advertised.listeners": f"PLAINTEXT://{self.host}:{self.broker_port}",
            "inter.broker.listener.name": "PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.data_dir),
            "num.partitions": "3",
            "default.replication.factor": "1",
            "min.insync.replicas": "1",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            # After a kill the restarted controller refuses the broker's new registration until the old
            # session expires (9 s by default): a shorter session makes outage tests recover faster.
            "broker.session.timeout.ms": "5000",
            "broker.heartbeat.interval.ms": "1000",
            "log.cleaner.dedupe.buffer.size": "2097152",
        }
        return "".join(f"{key}={value}\n" for key, value in settings.items())

    def _java_command(self, libs: Path, heap_mb: int) -> list[str]:
        return [
            _require_tool("java"),
            f"-Xms{min(256, heap_mb)}m",
            f"-Xmx{heap_mb}m",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={DEPLOY_DIR / 'log4j2.xml'}",
            "-cp",
            f"{libs}{os.sep}*",
        ]

    def _format(self, libs: Path, config: Path, deadline: float) -> None:
        assert self._log is not None
        command = [
            *self._java_command(libs, 256),
            "kafka.tools.StorageTool", "format", "--ignore-formatted",
            "-t", _new_cluster_id(), "-c", str(config),
        ]  # fmt: skip
        self._log.write(f"$ {' '.join(command)}\n".encode())
        self._log.flush()
        try:
            result = subprocess.run(
                command,
                cwd=self.run_dir,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent(),
                timeout=max(1.0, deadline - time.monotonic()),
            )
        except subprocess.TimeoutExpired:
            raise KafkaBrokerError(f"formatting storage timed out:\n{self.log_tail()}") from None
        if result.returncode != 0:
            raise KafkaBrokerError(
                f"formatting storage failed (exit {result.returncode}):\n{self.log_tail()}"
            )

    def _wait_ready(self, process: subprocess.Popen[bytes], port: int | None, deadline: float) -> None:
        assert port is not None
        while True:
            if (code := process.poll()) is not None:
                raise KafkaBrokerError(
                    f"broker exited with code {code} before it was ready:\n{self.log_tail()}"
                )
            if _api_versions_ok(self.host, port) and process.poll() is None:
                return
            if time.monotonic() > deadline:
                raise KafkaBrokerError(f"broker not ready on {self.host}:{port} in time:\n{self.log_tail()}")
            time.sleep(0.1)

    def _signal(self, sig: signal.Signals) -> None:
        assert self._process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, sig)  # its own process group: start_new_session=True

    def _close_process(self) -> None:
        self._process = None
        _LIVE.discard(self)
        if self._log is not None:
            self._log.close()
            self._log = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gongjian.infra.kafka", description="Run a local Kafka broker until Ctrl-C/SIGTERM."
    )
    parser.add_argument("--run-dir", type=Path, default=Path("var/kafka"), help="config, data and log")
    parser.add_argument("--port", type=int, default=9092, help="client port; 0 picks a free one")
    parser.add_argument("--controller-port", type=int, default=9093, help="KRaft port; 0 picks a free one")
    parser.add_argument("--heap-mb", type=int, default=512)
    args = parser.parse_args(argv)

    broker = KafkaBroker(
        args.run_dir,
        broker_port=args.port or None,
        controller_port=args.controller_port or None,
        heap_mb=args.heap_mb,
    )
    # Explicit SIGINT too: a shell starts background jobs with SIGINT ignored, and Python keeps that.
    previous = {sig: signal.signal(sig, _raise_keyboard_interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        started = time.monotonic()
        broker.start()
        print(f"Kafka {broker.version} ready in {time.monotonic() - started:.1f}s (pid {broker.pid})")
        print(f"bootstrap servers: {broker.bootstrap_servers}")
        print(f"data and log in {broker.run_dir}; Ctrl-C to stop", flush=True)
        code = broker.wait()
        print(f"broker exited unexpectedly with code {code}:\n{broker.log_tail()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopping broker ...", flush=True)
        return 0
    except KafkaBrokerError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        broker.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


_LIVE: set[KafkaBroker] = set()
_atexit_registered = False


def _register_atexit() -> None:
    global _atexit_registered
    if not _atexit_registered:
        atexit.register(_stop_all)
        _atexit_registered = True


def _stop_all() -> None:
    for broker in list(_LIVE):
        broker.stop(timeout=15)


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to SIGTERM the child when its parent dies, even by SIGKILL.

    The signal fires when the *thread* that forked exits, so it is only set for children of the main thread;
    children of other threads rely on the atexit handler.
    """
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    parent = os.getpid()
    pr_set_pdeathsig = 1

    def preexec() -> None:
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def _api_versions_ok(host: str, port: int) -> bool:
    """Send ApiVersions v0 (api key 18) and report whether the broker answered with error code 0."""
    correlation_id = 1
    client_id = b"gongjian-probe"
    header = struct.pack(">hhih", _API_VERSIONS_KEY, 0, correlation_id, len(client_id)) + client_id
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.sendall(struct.pack(">i", len(header)) + header)
            (size,) = struct.unpack(">i", _recv_exactly(sock, 4))
            response = _recv_exactly(sock, size)
    except OSError:
        return False
    if len(response) < 6:
        return False
    received_id, error_code = struct.unpack(">ih", response[:6])
    return bool(received_id == correlation_id and error_code == 0)


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        chunk = sock.recv(min(remaining, 65_536))
        if not chunk:
            raise ConnectionError("connection closed mid-response")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _bind_free_port(host: str, held: contextlib.ExitStack) -> int:
    sock = held.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
    sock.bind((host, 0))
    port: int = sock.getsockname()[1]
    return port


def _new_cluster_id() -> str:
    while True:  # Kafka's own Uuid.randomUuid() also rejects ids starting with '-'
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def _jar_version(libs: Path) -> str:
    for jar in libs.glob("kafka-clients-*.jar"):
        with zipfile.ZipFile(jar) as archive:
            properties = archive.read("kafka/kafka-version.properties").decode()
        for line in properties.splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "version":
                return value.strip()
    raise KafkaBrokerError(f"no kafka-clients jar with a version in {libs}")


def _require_tool(name: str) -> str:
    if name == "java" and (java_home := os.environ.get("JAVA_HOME")):
        candidate = Path(java_home) / "bin" / "java"
        if os.access(candidate, os.X_OK):
            return str(candidate)
    path = shutil.which(name)
    if path is None:
        hint = "a Java 17+ runtime" if name == "java" else "Maven 3.8+"
        raise KafkaBrokerError(f"`{name}` not found on PATH: the local Kafka broker needs {hint}")
    return path


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text()
    except FileNotFoundError:
        return None


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


if __name__ == "__main__":
    raise SystemExit(main())
