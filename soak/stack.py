"""What a soak runs, all on 127.0.0.1: one PostgreSQL, one Kafka broker, Toxiproxy between scoring-worker and
the broker, and the platform as docker-compose runs it: one process per service (`python -m soak.serve`, the
service on the soak's file clock), a second scoring-worker as a consumer replica, one relay per outbox."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx

from gongjian.clock_file import FileClock
from gongjian.infra.kafka import KafkaBroker
from gongjian.infra.postgres import EmbeddedPostgres
from gongjian.services import SERVICES, service
from gongjian_shared.auth import generate_private_key_pem
from soak.toxiproxy import REPO_ROOT, Toxiproxy

# `gongjian ...` run by this interpreter (so the checkout's packages, not an installed copy's, serve)
GONGJIAN = [sys.executable, "-m", "gongjian.cli"]
ADMIN_PASSWORD = "soak-admin-password"
PROXIED = "scoring-worker"  # the service whose every broker connection goes through Toxiproxy
PROXY = "kafka-scoring"
PREFIXES = (*(entry.env_prefix for entry in SERVICES), "GONGJIAN_")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class ProxiedKafkaBroker(KafkaBroker):
    """The broker with a second listener whose advertised address is Toxiproxy's: a client that bootstraps
    through the proxy is told to reach the broker through the proxy too (else only its first connection
    would pass it)."""

    def __init__(self, run_dir: Path) -> None:
        super().__init__(run_dir)
        self.proxied_port, self.proxy_port = free_port(), free_port()

    def _server_properties(self) -> str:
        lines = []
        for line in super()._server_properties().splitlines():
            key, _, value = line.partition("=")
            if key == "listeners":
                value += f",PROXIED://{self.host}:{self.proxied_port}"
            elif key == "advertised.listeners":
                value += f",PROXIED://{self.host}:{self.proxy_port}"
            elif key == "listener.security.protocol.map":
                value += ",PROXIED:PLAINTEXT"
            lines.append(f"{key}={value}")
        return "".join(f"{line}\n" for line in lines)


@dataclass
class Proc:
    """One platform process: started, killed with SIGKILL (a crash), started again on the same port."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    url: str | None = None
    popen: subprocess.Popen[bytes] | None = None
    kills: int = 0

    def start(self) -> None:
        with self.log.open("ab") as sink:
            self.popen = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=REPO_ROOT,
                stdout=sink,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def kill9(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(10)
            self.kills += 1

    def stop(self) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        self.popen.terminate()
        try:
            self.popen.wait(20)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(5)

    def wait_ready(self, timeout: float = 90) -> None:
        if self.url is None:
            return
        deadline = time.monotonic() + timeout
        with httpx.Client(trust_env=False, timeout=3) as client:
            while time.monotonic() < deadline:
                if self.popen is not None and self.popen.poll() is not None:
                    raise RuntimeError(f"{self.name} exited ({self.popen.returncode}); see {self.log}")
                try:
                    if client.get(f"{self.url}/readyz").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready within {timeout}s; see {self.log}")


@dataclass
class Stack:
    workdir: Path
    postgres: EmbeddedPostgres
    kafka: ProxiedKafkaBroker
    toxiproxy: Toxiproxy
    clock: FileClock
    signing_key: str
    topic_prefix: str
    procs: dict[str, Proc] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return self.postgres.url("gongjian")

    def url(self, name: str) -> str:
        url = self.procs[name].url
        assert url is not None
        return url

    def service_env(self, name: str) -> dict[str, str]:
        entry = service(name)
        p = entry.env_prefix
        bootstrap = f"127.0.0.1:{self.kafka.proxy_port}" if name == PROXIED else self.kafka.bootstrap_servers
        values = {
            "ENVIRONMENT": "production",
            "DATABASE__URL": self.database_url,
            "BUS__KIND": "kafka",
            "BUS__RUN_RELAY": "false",
            "BUS__POLL_INTERVAL_SECONDS": "0.2",
            "BUS__RETRY_BACKOFF_SECONDS": "0.2",
            "KAFKA__BOOTSTRAP": bootstrap,
            "KAFKA__TOPIC_PREFIX": self.topic_prefix,
            "KAFKA__GROUP_PREFIX": self.topic_prefix,
            "KAFKA__CLIENT_ID": name,
        }
        if name == "projects-api":
            values["AUTH__SIGNING_KEYS"] = self.signing_key
        else:
            values["AUTH__JWKS_URL"] = f"{self.url('projects-api')}/.well-known/jwks.json"
        if name == "meetings-api":
            values["SCHEDULER__POLL_INTERVAL_SECONDS"] = "0.5"
        if name == "notifier":
            values |= {
                "DELIVERY__LEASE_SECONDS": "5",
                "DELIVERY__BACKOFF_BASE_SECONDS": "0.5",
                "DELIVERY__BACKOFF_MAX_SECONDS": "2",
            }
        clean = {key: value for key, value in os.environ.items() if not key.startswith(PREFIXES)}
        return clean | {"PYTHONUNBUFFERED": "1"} | {p + key: value for key, value in values.items()}

    def add_service(self, name: str, replica: str = "") -> Proc:
        port = free_port()
        argv = [
            sys.executable,
            "-m",
            "soak.serve",
            name,
            "--port",
            str(port),
            "--clock-file",
            str(self.clock.path),
        ]
        label = name + replica
        proc = Proc(
            label, argv, self.service_env(name), self.workdir / f"{label}.log", f"http://127.0.0.1:{port}"
        )
        self.procs[label] = proc
        return proc

    def add_relay(self, name: str) -> Proc:
        label = f"{name}-relay"
        proc = Proc(label, [*GONGJIAN, "relay", name], self.service_env(name), self.workdir / f"{label}.log")
        self.procs[label] = proc
        return proc

    def stop(self) -> None:
        for proc in reversed(list(self.procs.values())):
            proc.stop()


@contextmanager
def running_stack(workdir: Path, start: datetime) -> Iterator[Stack]:
    """Bring everything up (seeded, every process ready, the clock at `start`); stop it all on the way out."""
    postgres = EmbeddedPostgres(workdir / "postgres", port=free_port())  # a restart binds the same port
    kafka = ProxiedKafkaBroker(workdir / "kafka")
    toxiproxy: Toxiproxy | None = None
    stack: Stack | None = None
    try:
        postgres.start()
        postgres.create_database("gongjian")
        kafka.start(timeout=120)
        toxiproxy = Toxiproxy(free_port(), workdir / "toxiproxy.log")
        toxiproxy.proxy(PROXY, kafka.proxy_port, f"127.0.0.1:{kafka.proxied_port}")
        clock = FileClock(workdir / "clock-offset")
        clock.set(start)
        prefix = f"soak{uuid.uuid4().hex[:8]}."
        stack = Stack(workdir, postgres, kafka, toxiproxy, clock, generate_private_key_pem(), prefix)
        seed(stack)
        stack.add_service("projects-api").start()
        stack.procs["projects-api"].wait_ready()
        for entry in SERVICES[1:]:
            stack.add_service(entry.name)
        stack.add_service(PROXIED, replica="#2")
        for entry in SERVICES:
            stack.add_relay(entry.name)
        for proc in list(stack.procs.values())[1:]:
            proc.start()
        for proc in stack.procs.values():
            proc.wait_ready()
        yield stack
    finally:
        if stack is not None:
            stack.stop()
        if toxiproxy is not None:
            toxiproxy.stop()
        kafka.stop()
        postgres.stop()


def seed(stack: Stack) -> None:
    """`gongjian seed` on the soak's database: every schema migrated, the units, `admin`."""
    urls = {f"{entry.env_prefix}DATABASE__URL": stack.database_url for entry in SERVICES}
    env = {key: value for key, value in os.environ.items() if not key.startswith(PREFIXES)} | urls
    env |= {"GONGJIAN_ADMIN_PASSWORD": ADMIN_PASSWORD, "GONGJIAN_STATE_DIR": str(stack.workdir / "state")}
    done = subprocess.run(
        [*GONGJIAN, "seed"], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        raise RuntimeError(f"gongjian seed failed:\n{done.stdout}{done.stderr}")
