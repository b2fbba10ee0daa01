"""`python -m soak [--short] [--workdir DIR]`: the soak of issue 15 (make soak). Prints its figures; exits 1 on
any loss or duplicate, 2 when it could not run."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

from soak.run import FULL, SHORT, Outcome, soak

TIMEOUT_SECONDS = 600  # the whole run, servers included


def render(outcome: Outcome) -> str:
    lines = ["", "soak figures:"]
    lines += [f"  {line}" for line in outcome.verdict.summary().splitlines()]
    faults = ", ".join(f"{name} ({seconds:.0f} s)" for name, seconds in outcome.faults.injected)
    lines.append(f"  faults (recovery): {faults}")
    lines.append(f"  writes refused (no 2xx): {sum(outcome.refused.values())} {outcome.refused}")
    lines.append(f"  writes unanswered: {sum(outcome.failed.values())} {outcome.failed}")
    lines.append(f"  duration: {outcome.seconds:.0f} s")
    lines.append("soak: PASSED" if outcome.verdict.ok else "soak: FAILED")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m soak", description=__doc__)
    parser.add_argument("--short", action="store_true", help="about 2 minutes, each kind of fault once")
    parser.add_argument("--workdir", type=Path, help="keep the servers' data and logs here")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gongjian-soak-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        outcome = asyncio.run(asyncio.wait_for(soak(SHORT if args.short else FULL, workdir), TIMEOUT_SECONDS))
    except Exception:
        traceback.print_exc()
        print(f"soak: could not run (logs in {workdir})")
        return 2
    print(render(outcome), flush=True)
    if outcome.verdict.ok and args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if outcome.verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
