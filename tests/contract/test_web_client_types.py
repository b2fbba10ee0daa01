"""The web console's typed client matches the API: the checked-in OpenAPI document and its TypeScript types.

`npm run gen:api` (or `make web-api`) writes web/src/api/openapi.json from the four services and turns it into
web/src/api/schema.d.ts with openapi-typescript; a route or schema changed without regenerating fails here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from gongjian.web_api import render, web_document

REPO = Path(__file__).resolve().parents[2]
WEB = REPO / "web"
API = WEB / "src" / "api"
REGENERATE = "regenerate with `make web-api` (npm run gen:api in web/)"


def _ensure_node_modules() -> None:
    if shutil.which("npm") is None:
        pytest.fail("Node.js 20 with npm is needed for the web console (see README.md)")
    installed = WEB / "node_modules" / ".package-lock.json"
    lock = WEB / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=WEB, capture_output=True, text=True, timeout=900
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_checked_in_document_is_the_services_document() -> None:
    checked_in = (API / "openapi.json").read_text(encoding="utf-8")
    assert checked_in == render(web_document()), f"web/src/api/openapi.json is stale: {REGENERATE}"


def test_the_checked_in_types_are_generated_from_the_document(tmp_path: Path) -> None:
    _ensure_node_modules()
    types = tmp_path / "schema.d.ts"
    done = subprocess.run(
        [
            str(WEB / "node_modules" / ".bin" / "openapi-typescript"),
            str(API / "openapi.json"),
            "--default-non-nullable",
            "false",
            "--output",
            str(types),
        ],
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (API / "schema.d.ts").read_text() == types.read_text(), f"schema.d.ts is stale: {REGENERATE}"


def test_the_web_lock_names_no_registry_and_pins_every_package() -> None:
    text = (WEB / "package-lock.json").read_text()
    assert "registry" not in text
    lock = json.loads(text)
    packages = {name: entry for name, entry in lock["packages"].items() if name}
    assert packages
    assert all("resolved" not in entry for entry in packages.values())
    assert all(entry.get("integrity", "").startswith("sha512-") for entry in packages.values())
