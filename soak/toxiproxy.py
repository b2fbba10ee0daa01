"""Toxiproxy (built from its Go module into var/tools/bin by `make toxiproxy`): a TCP proxy between a service
and the broker whose connections the soak slows down (latency) or cuts (the proxy disabled: every open
connection dropped, new ones refused) through its HTTP API."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
BINARY = REPO_ROOT / "var" / "tools" / "bin" / "toxiproxy-server"


def binary() -> Path:
    if BINARY.exists():
        return BINARY
    found = shutil.which("toxiproxy-server")
    if found is None:
        raise FileNotFoundError(f"{BINARY} is missing: run `make toxiproxy` (go install, pinned version)")
    return Path(found)


class Toxiproxy:
    def __init__(self, api_port: int, log: Path) -> None:
        self.api = f"http://127.0.0.1:{api_port}"
        self._log = log.open("ab")
        self._process = subprocess.Popen(
            [str(binary()), "-host", "127.0.0.1", "-port", str(api_port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self._client = httpx.Client(base_url=self.api, timeout=5, trust_env=False)
        for _ in range(100):
            try:
                if self._client.get("/version").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("toxiproxy-server did not answer within 10 s")

    def proxy(self, name: str, listen_port: int, upstream: str) -> None:
        body = {"name": name, "listen": f"127.0.0.1:{listen_port}", "upstream": upstream, "enabled": True}
        self._client.post("/proxies", json=body).raise_for_status()

    def latency(self, name: str, milliseconds: int, jitter: int = 0) -> None:
        toxic = {
            "name": "latency",
            "type": "latency",
            "attributes": {"latency": milliseconds, "jitter": jitter},
        }
        self._client.post(f"/proxies/{name}/toxics", json=toxic).raise_for_status()

    def clear(self, name: str) -> None:
        for toxic in self._client.get(f"/proxies/{name}/toxics").json():
            self._client.delete(f"/proxies/{name}/toxics/{toxic['name']}").raise_for_status()

    def enabled(self, name: str, enabled: bool) -> None:
        """Disabled: the open connections are dropped and new ones refused, as a broken link would."""
        self._client.post(f"/proxies/{name}", json={"enabled": enabled}).raise_for_status()

    def stop(self) -> None:
        self._client.close()
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
        self._log.close()
