"""Each service's OpenAPI document against the service itself, by schemathesis with every check on.

The platform runs in this process on a fresh database (seeded, as `make dev` is); each service's app is served
by uvicorn on 127.0.0.1 and `schemathesis run` reads the service's own document from it, in positive and
negative modes and every phase (examples, coverage, fuzzing, stateful), signed in as an administrator made for
the run. Its oracle is `schemathesis.toml` beside this file; `schemathesis_hooks.py` keeps positive cases to the
rules the documents cannot state (judged by the services' own validators). The run must find nothing, and must have reached
the service: enough requests answered 2xx that the checks were not vacuous.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from collections import Counter
from pathlib import Path

import pytest
import uvicorn

from support.platform import Platform
from support.reports import report

HERE = Path(__file__).parent
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
SERVICES = ("projects-api", "meetings-api", "scoring-worker", "notifier")
# Fixed so that a run is repeatable; GONGJIAN_FUZZ_SEED / GONGJIAN_FUZZ_EXAMPLES explore further by hand.
SEED = os.environ.get("GONGJIAN_FUZZ_SEED", "20261206")
EXAMPLES = os.environ.get("GONGJIAN_FUZZ_EXAMPLES", "30")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _administrator(platform: Platform, name: str) -> str:
    """A bearer token of a new administrator who changed the one-time password, as a person would."""
    created = await platform.client.post(
        "/api/v1/accounts",
        json={
            "username": f"fuzz-{name}",
            "display_name": f"契约测试 {name}",
            "unit_id": None,
            "roles": ["admin"],
        },
    )
    assert created.status_code == 201, created.text
    one_time = created.json()["initial_password"]
    password = f"契约测试-{name}-Passw0rd"
    token = await platform.token(f"fuzz-{name}", one_time)
    changed = await platform.client.post(
        "/api/v1/auth/password",
        json={"current_password": one_time, "new_password": password},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert changed.status_code == 204, changed.text
    return await platform.token(f"fuzz-{name}", password)


def _summary(output: str) -> str:
    """schemathesis's own SUMMARY block (failures by code, test cases, warnings)."""
    start = output.find("SUMMARY")
    return output[output.rfind("\n", 0, start) + 1 :].strip() if start != -1 else output[-3000:]


@pytest.mark.fuzz
@pytest.mark.parametrize("service", SERVICES)
async def test_the_service_meets_its_own_document(platform: Platform, service: str, tmp_path: Path) -> None:
    token = await _administrator(platform, service)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(platform.app(service), host="127.0.0.1", port=port, lifespan="off", log_level="error")
    )
    serving = asyncio.create_task(server.serve())
    events = tmp_path / "events.ndjson"
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.05)
        assert server.started, "uvicorn did not start"
        run = await asyncio.create_subprocess_exec(
            str(SCHEMATHESIS),
            "--config-file",
            str(HERE / "schemathesis.toml"),
            "run",
            f"http://127.0.0.1:{port}/openapi/{service}.json",
            "--url",
            f"http://127.0.0.1:{port}",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "all",
            "--mode",
            "all",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--max-examples",
            EXAMPLES,
            "--seed",
            SEED,
            "--generation-database",
            "none",
            "--no-color",
            "--report",
            "ndjson",
            "--report-ndjson-path",
            str(events),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=tmp_path,  # its cache folder (.schemathesis/) goes there, not into the tree
            env={
                **os.environ,
                "NO_COLOR": "1",
                "COLUMNS": "120",
                "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
                "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
            },
        )
        stdout, _ = await asyncio.wait_for(run.communicate(), timeout=600)
    finally:
        server.should_exit = True
        await serving
    output = stdout.decode(errors="replace")
    summary = _summary(output)
    statuses = _statuses(events)
    report(
        "schemathesis: each service against its own document",
        service,
        f"{summary}\nresponses by status: {dict(sorted(statuses.items()))}",
    )

    failures = output[max(0, output.find("= FAILURES =") - 100) :]
    assert run.returncode == 0, f"schemathesis found failures in {service}:\n{failures[:40000]}"
    assert "0 failures" in summary or "passed" in summary, summary
    succeeded = sum(count for status, count in statuses.items() if 200 <= status < 300)
    assert succeeded >= 100, f"only {succeeded} answers were 2xx: the run barely reached {service}"


def _statuses(events: Path) -> Counter[int]:
    """Responses by status code, from the run's NDJSON event log."""
    statuses: Counter[int] = Counter()
    if not events.exists():
        return statuses
    for line in events.read_text().splitlines():
        for status in _response_statuses(json.loads(line)):
            statuses[status] += 1
    return statuses


def _response_statuses(value: object) -> list[int]:
    found: list[int] = []
    if isinstance(value, dict):
        response = value.get("response")
        if isinstance(response, dict) and isinstance(response.get("status_code"), int):
            found.append(response["status_code"])
        for item in value.values():
            found.extend(_response_statuses(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_response_statuses(item))
    return found
