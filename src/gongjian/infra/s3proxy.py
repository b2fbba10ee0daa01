"""A real S3-compatible server for development and tests: S3Proxy on jclouds' filesystem provider, a plain JVM.

Assembled from Maven Central jars (``deploy/s3proxy/pom.xml``) into a cache folder outside git, the way the
Kafka broker is (:mod:`gongjian.infra.kafka`); objects are files under ``<run dir>/data/<bucket>/``. It checks
AWS signatures (V2 or V4) against one identity and credential. Run ``python -m gongjian.infra.s3proxy`` for a
server in ``./var/s3proxy``; tests use :class:`S3ProxyServer` directly.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import hashlib
import http.client
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Self

from gongjian.infra.kafka import KafkaBrokerError, _bind_free_port, _die_with_parent, _file_lock, _read_text
from gongjian.infra.kafka import _require_tool as _kafka_require_tool

S3PROXY_VERSION = "2.6.0"
DEPLOY_DIR = Path(__file__).resolve().parents[3] / "deploy" / "s3proxy"
CACHE_ENV = "GONGJIAN_S3PROXY_CACHE"

_MARKER = ".gongjian-complete"
_LOG_NAME = "s3proxy.log"


class S3ProxyError(RuntimeError):
    """The server could not be assembled, started or reached."""


def default_cache_dir() -> Path:
    if override := os.environ.get(CACHE_ENV):
        return Path(override).expanduser()
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache_home / "gongjian" / f"s3proxy-{S3PROXY_VERSION}" / "libs"


def _require_tool(name: str) -> str:
    try:
        return _kafka_require_tool(name)
    except KafkaBrokerError as error:
        raise S3ProxyError(str(error).replace("Kafka broker", "S3 server")) from None


def ensure_classpath(cache_dir: Path | None = None) -> Path:
    """Download the server's jars once; return the folder to put on the classpath as ``<folder>/*``.

    As for Kafka: the marker is written after a complete copy and records the POM's hash."""
    libs = (cache_dir or default_cache_dir()).resolve()
    _require_tool("java")
    pom = DEPLOY_DIR / "pom.xml"
    if not pom.is_file():
        raise S3ProxyError(f"{pom} not found: ensure_classpath needs the repository checkout")
    expected = f"s3proxy {S3PROXY_VERSION}\npom sha256 {hashlib.sha256(pom.read_bytes()).hexdigest()}\n"
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
        if result.returncode != 0 or not any(staging.glob("s3proxy-*.jar")):
            output = (result.stdout + result.stderr).strip()[-4000:]
            raise S3ProxyError(f"mvn copy-dependencies failed (exit {result.returncode}):\n{output}")
        shutil.rmtree(libs, ignore_errors=True)
        staging.rename(libs)
        (libs / _MARKER).write_text(expected)
    return libs


class S3ProxyServer:
    """One S3Proxy whose objects, config and log live in `run_dir`; the port, if not given, is picked once."""

    def __init__(
        self,
        run_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        identity: str = "gongjian-local",
        credential: str | None = None,
        heap_mb: int = 256,
    ) -> None:
        self.run_dir = Path(run_dir).resolve()
        self.host = host
        self.port = port
        self.identity = identity
        self.credential = credential or secrets.token_urlsafe(24)
        self.heap_mb = heap_mb
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._log_offset = 0

    @property
    def log_path(self) -> Path:
        return self.run_dir / _LOG_NAME

    @property
    def data_dir(self) -> Path:
        return self.run_dir / "data"

    @property
    def endpoint_url(self) -> str:
        if self.port is None:
            raise S3ProxyError("the port is chosen by start(); call it first")
        return f"http://{self.host}:{self.port}"

    @property
    def version(self) -> str:
        return _jar_version(ensure_classpath())

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 60) -> None:
        """Start the server and return once it answers HTTP on its port."""
        if self.is_running():
            raise S3ProxyError(f"S3Proxy already running (pid {self.pid})")
        self._close_process()
        deadline = time.monotonic() + timeout
        libs = ensure_classpath()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.port is None:
            with contextlib.ExitStack() as held:
                self.port = _bind_free_port(self.host, held)
        config = self.run_dir / "s3proxy.properties"
        config.write_text(self._properties())
        config.chmod(0o600)  # it holds the credential
        self._log = self.log_path.open("ab")
        self._log_offset = self._log.tell()
        try:
            self._process = subprocess.Popen(
                [*self._java_command(libs), "org.gaul.s3proxy.Main", "--properties", str(config)],
                cwd=self.run_dir,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent(),
            )
            _LIVE.add(self)
            _register_atexit()
            self._wait_ready(self._process, deadline)
        except BaseException:  # Ctrl-C while waiting included: leave no server behind
            self.stop(timeout=10)
            raise

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM, then SIGKILL if it takes longer than `timeout`."""
        process = self._process
        if process is not None and process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                process.wait()
        self._close_process()

    def wait(self, timeout: float | None = None) -> int:
        if self._process is None:
            raise S3ProxyError("S3Proxy not started")
        return self._process.wait(timeout)

    def log_tail(self, lines: int = 40) -> str:
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
        return f"S3ProxyServer({str(self.run_dir)!r}, endpoint={self.host}:{self.port}, pid={self.pid})"

    def _properties(self) -> str:
        settings = {
            "s3proxy.endpoint": f"http://{self.host}:{self.port}",
            "s3proxy.authorization": "aws-v2-or-v4",
            "s3proxy.identity": self.identity,
            "s3proxy.credential": self.credential,
            "jclouds.provider": "filesystem-nio2",  # the filesystem provider, rewritten on java.nio
            "jclouds.filesystem.basedir": str(self.data_dir),
            # the provider's own login, unused by a local folder but required by filesystem-nio2
            "jclouds.identity": "local",
            "jclouds.credential": "local",
        }
        return "".join(f"{key}={value}\n" for key, value in settings.items())

    def _java_command(self, libs: Path) -> list[str]:
        return [
            _require_tool("java"),
            f"-Xmx{self.heap_mb}m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",  # starts in half the time; throughput is not what tests need
            "-Djava.awt.headless=true",
            f"-Dlogback.configurationFile={DEPLOY_DIR / 'logback.xml'}",
            "-cp",
            f"{libs}{os.sep}*",
        ]

    def _wait_ready(self, process: subprocess.Popen[bytes], deadline: float) -> None:
        while True:
            if (code := process.poll()) is not None:
                raise S3ProxyError(f"S3Proxy exited with code {code} before it was ready:\n{self.log_tail()}")
            if _answers_http(self.host, self.port or 0) and process.poll() is None:
                return
            if time.monotonic() > deadline:
                raise S3ProxyError(f"S3Proxy not ready on {self.endpoint_url} in time:\n{self.log_tail()}")
            time.sleep(0.1)

    def _signal(self, sig: signal.Signals) -> None:
        assert self._process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, sig)

    def _close_process(self) -> None:
        self._process = None
        _LIVE.discard(self)
        if self._log is not None:
            self._log.close()
            self._log = None


def _answers_http(host: str, port: int) -> bool:
    """Any HTTP answer (an anonymous request gets 403) means the server is serving."""
    connection = http.client.HTTPConnection(host, port, timeout=2)
    try:
        connection.request("GET", "/")
        return connection.getresponse().status > 0
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def _jar_version(libs: Path) -> str:
    for jar in libs.glob("s3proxy-*.jar"):
        with zipfile.ZipFile(jar) as archive:
            properties = archive.read("META-INF/maven/org.gaul/s3proxy/pom.properties").decode()
        for line in properties.splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "version":
                return value.strip()
    raise S3ProxyError(f"no s3proxy jar with a version in {libs}")


_LIVE: set[S3ProxyServer] = set()
_atexit_registered = False


def _register_atexit() -> None:
    global _atexit_registered
    if not _atexit_registered:
        atexit.register(_stop_all)
        _atexit_registered = True


def _stop_all() -> None:
    for server in list(_LIVE):
        server.stop(timeout=10)


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gongjian.infra.s3proxy", description="Run a local S3-compatible server until Ctrl-C."
    )
    parser.add_argument("--run-dir", type=Path, default=Path("var/s3proxy"), help="config, objects and log")
    parser.add_argument("--port", type=int, default=9000, help="0 picks a free one")
    parser.add_argument("--identity", default="gongjian-local", help="the access key id")
    parser.add_argument("--credential", default=None, help="the secret key (default: a random one, printed)")
    args = parser.parse_args(argv)
    server = S3ProxyServer(
        args.run_dir, port=args.port or None, identity=args.identity, credential=args.credential
    )
    previous = {sig: signal.signal(sig, _raise_keyboard_interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        started = time.monotonic()
        server.start()
        print(f"S3Proxy {server.version} ready in {time.monotonic() - started:.1f}s (pid {server.pid})")
        print(f"endpoint {server.endpoint_url}, access key {server.identity}, secret key {server.credential}")
        print(f"objects and log in {server.run_dir}; Ctrl-C to stop", flush=True)
        code = server.wait()
        print(f"S3Proxy exited unexpectedly with code {code}:\n{server.log_tail()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except S3ProxyError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    raise SystemExit(main())
