"""deploy/docker/Dockerfile, read without a Docker engine: the hashed lock first, the monorepo's packages
without resolving again, a non-root user, a readiness probe, and nothing copied that .dockerignore drops."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_dockerfile_installs_the_lock_with_hashes_then_the_local_packages_without_deps() -> None:
    runs = [args for instruction, args in dockerfile_instructions() if instruction == "RUN"]
    locked = [run for run in runs if "-r /build/requirements/runtime.txt" in run]
    assert len(locked) == 1 and "--require-hashes" in locked[0].split()
    local = [run for run in runs if "--no-deps" in run.split()]
    assert len(local) == 1
    installed = {Path(word).relative_to("/build") for word in local[0].split() if word.startswith("/build")}
    packages = {
        Path("shared"),
        Path("."),
        *(path.parent.relative_to(ROOT) for path in ROOT.glob("services/*/pyproject.toml")),
    }
    assert packages <= installed
    assert runs.index(locked[0]) < runs.index(local[0])


def test_dockerfile_runs_as_a_non_root_user_on_python_311_slim_with_a_readiness_probe() -> None:
    instructions = dockerfile_instructions()
    final_stage = instructions[max(i for i, (name, _) in enumerate(instructions) if name == "FROM") :]
    users = [args for name, args in final_stage if name == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert any(args == "PYTHON_IMAGE=python:3.11-slim" for name, args in instructions if name == "ARG")
    (healthcheck,) = [args for name, args in final_stage if name == "HEALTHCHECK"]
    assert "/readyz" in healthcheck
    for name, args in instructions:
        if name == "COPY" and not args.startswith("--from"):
            *sources, _ = args.split()
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
                assert dockerignore_keeps(source), f"COPY {source}: excluded by .dockerignore"


def dockerignore_keeps(source: str) -> bool:
    kept = [
        line.lstrip("!").rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    ]
    return any(source.rstrip("/") == path or source.startswith(path + "/") for path in kept)
