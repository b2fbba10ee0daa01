"""End to end: `gongjian dev` from the repo's .venv, black box over HTTP on 127.0.0.1."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
GONGJIAN = Path(sys.executable).parent / "gongjian"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class DevServer:
    def __init__(self, state_dir: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = state_dir / "dev.log"
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            [str(GONGJIAN), "dev", "--port", str(self.port)],
            cwd=REPO,
            env={k: v for k, v in os.environ.items() if k != "GONGJIAN_ADMIN_PASSWORD"}
            | {"GONGJIAN_STATE_DIR": str(state_dir)}
            | env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def wait_healthy(self, timeout: float = 120) -> httpx.Response:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text(errors="replace")[-3000:]
            try:
                response = httpx.get(f"{self.base}/healthz", timeout=2)
                if response.status_code == 200:
                    return response
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError(
            "gongjian dev never became healthy:\n" + self.log.read_text(errors="replace")[-3000:]
        )

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        finally:
            self._log_file.close()


@pytest.fixture
def dev_server(tmp_path: Path) -> Iterator[DevServer]:
    server = DevServer(tmp_path, {"GONGJIAN_ADMIN_PASSWORD": "e2e-admin-password"})
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.stop()


def test_make_dev_serves_the_platform_on_the_embedded_default(dev_server: DevServer) -> None:
    health = dev_server.wait_healthy()
    assert set(health.json()["services"]) == {"projects-api", "meetings-api", "scoring-worker", "notifier"}
    token = httpx.post(
        f"{dev_server.base}/api/v1/auth/token", data={"username": "admin", "password": "e2e-admin-password"}
    )
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    units = httpx.get(f"{dev_server.base}/api/v1/units", params={"limit": 500}, headers=headers)
    assert units.status_code == 200
    assert units.json()["total"] >= 36
    docs = httpx.get(f"{dev_server.base}/docs")
    assert "/docs/projects-api" in docs.text
    assert httpx.get(f"{dev_server.base}/openapi/projects-api.json").json()["info"]["title"]
    assert dev_server.stop() == 0
    output = dev_server.log.read_text()
    assert "PostgreSQL 18" in output
    assert "Seed data loaded: 36 units" in output


def test_a_generated_admin_password_is_printed_once(tmp_path: Path) -> None:
    server = DevServer(tmp_path, {})
    try:
        server.wait_healthy()
        match = re.search(r"generated password: (\S+)", server.log.read_text())
        assert match, server.log.read_text()
        token = httpx.post(
            f"{server.base}/api/v1/auth/token", data={"username": "admin", "password": match[1]}
        )
        assert token.status_code == 200
    finally:
        assert server.stop() == 0
    assert not _postgres_running(tmp_path)
    again = DevServer(tmp_path, {})
    try:
        again.wait_healthy()
        assert "generated password" not in again.log.read_text()
    finally:
        again.stop()


def _postgres_running(state_dir: Path) -> bool:
    """True while a postgres process serves this state folder (the dev server must stop its own)."""
    for cmdline in Path("/proc").glob("*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "postgres" in text and str(state_dir) in text:
            return True
    return False
