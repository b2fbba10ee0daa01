"""A front-end team's first day: a TypeScript client generated from the gateway's one OpenAPI document.

openapi-typescript turns the merged document into types; tsc type-checks usage.ts, which registers a project,
pages through the projects and reads a problem's `errors[]` with openapi-fetch. The tools are pinned in
package-lock.json (integrity hashes, no registry address) and installed here by `npm ci` when missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from gongjian.gateway import Gateway
from gongjian.services import SERVICES

HERE = Path(__file__).parent
NODE_MODULES = HERE / "node_modules"


def _run(*command: str, cwd: Path = HERE, timeout: float = 240) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def node_tools() -> Path:
    if shutil.which("npm") is None or shutil.which("npx") is None:
        pytest.fail("Node.js 20 with npm is needed for the TypeScript client test (see README.md)")
    installed = NODE_MODULES / ".package-lock.json"
    lock = HERE / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        _run("npm", "ci", "--no-audit", "--no-fund", timeout=600)
    return NODE_MODULES


def test_the_lock_names_no_registry_and_pins_every_package() -> None:
    lock = json.loads((HERE / "package-lock.json").read_text())
    packages = {name: entry for name, entry in lock["packages"].items() if name}
    assert packages
    assert all("resolved" not in entry for entry in packages.values())
    assert all(entry.get("integrity", "").startswith("sha512-") for entry in packages.values())
    wanted = json.loads((HERE / "package.json").read_text())["devDependencies"]
    assert {name: packages[f"node_modules/{name}"]["version"] for name in wanted} == wanted


def test_a_typescript_client_generated_from_the_merged_document_type_checks(
    node_tools: Path, tmp_path: Path
) -> None:
    gateway = Gateway({entry.name: entry.create_app(entry.settings_class()) for entry in SERVICES})
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(gateway.openapi))
    types = tmp_path / "api.d.ts"
    # --default-non-nullable false: a request may leave out a field that has a default (the types are shared
    # between requests and responses, and a problem leaves out its empty members).
    _run(
        "npx", "--no-install", "openapi-typescript", str(document),
        "--default-non-nullable", "false", "--output", str(types),
    )  # fmt: skip
    assert '"/api/v1/projects"' in types.read_text()
    config = {
        "compilerOptions": {
            "strict": True,
            "noEmit": True,
            "noUncheckedIndexedAccess": True,
            "target": "es2022",
            "module": "esnext",
            "moduleResolution": "bundler",
            "lib": ["es2022", "dom"],
            "types": [],
            "paths": {"gongjian-api": [str(types)]},
        },
        "files": [str(HERE / "usage.ts")],
    }
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    _run("npx", "--no-install", "tsc", "--project", str(tmp_path / "tsconfig.json"))
