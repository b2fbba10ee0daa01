"""Run each mutant against the tests that must catch it, each in a pytest subprocess of its own (so no mutation
leaks into another run), and fail unless every mutant is caught.

    python tests/mutants/run.py                # every mutant (`make test` runs this after the suite)
    python tests/mutants/run.py consumer-without-inbox relay-reads-by-id

A mutant is caught when its run exits 1 with at least one of its tests failing (not erroring in set-up: a
server that did not start proves nothing). It prints one line per mutant and `mutants: N run, M caught`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
sys.path.insert(0, str(TESTS))

from mutants.catalogue import MUTANTS, Mutant  # noqa: E402
from mutants.plugin import ENVIRONMENT  # noqa: E402

TIMEOUT_SECONDS = 300  # one mutant's whole run, servers included


@dataclass
class Verdict:
    mutant: Mutant
    caught_by: list[str]
    seconds: float
    problem: str = ""
    reason: str = ""

    @property
    def caught(self) -> bool:
        return bool(self.caught_by) and not self.problem


def failed_tests(junit: Path) -> tuple[list[str], list[str]]:
    """(tests that failed, tests that errored) in a JUnit report."""
    failed, errored = [], []
    if not junit.exists():
        return failed, errored
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        if case.find("failure") is not None:
            failed.append(name)
        elif case.find("error") is not None:
            errored.append(name)
    return failed, errored


def first_assertion(output: str) -> str:
    """The first failure line pytest printed (`E   AssertionError: ...`), to show why the mutant was caught."""
    for line in output.splitlines():
        text = line[1:].strip()
        if line.startswith("E ") and (text.startswith("assert") or "Error" in text.split(" ", 1)[0]):
            return text[:160]
    return ""


def run_one(mutant: Mutant, every_test: bool) -> Verdict:
    with tempfile.TemporaryDirectory(prefix="gongjian-mutant-") as folder:
        junit = Path(folder) / "junit.xml"
        command = [
            sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "mutants.plugin", "-q",
            "-o", "timeout=150", f"--junitxml={junit}", *([] if every_test else ["-x"]), *mutant.tests,
        ]  # fmt: skip
        environment = os.environ | {
            ENVIRONMENT: mutant.name,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")])),
        }
        started = time.monotonic()
        try:
            done = subprocess.run(
                command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=TIMEOUT_SECONDS
            )
        except subprocess.TimeoutExpired:
            return Verdict(mutant, [], time.monotonic() - started, f"no result in {TIMEOUT_SECONDS}s")
        seconds = time.monotonic() - started
        failed, errored = failed_tests(junit)
        problem = ""
        if done.returncode == 0:
            problem = "SURVIVED: every test passed"
        elif done.returncode != 1 or not failed:
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
            problem = f"no test failed (exit {done.returncode}, errors: {errored or 'none'})\n{tail}"
        return Verdict(mutant, failed, seconds, problem, first_assertion(done.stdout))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help="mutants to run (default: all)")
    parser.add_argument(
        "--every-test", action="store_true", help="run all of a mutant's tests, not up to one"
    )
    options = parser.parse_args(argv)
    chosen = [m for m in MUTANTS if not options.names or m.name in options.names]
    unknown = set(options.names) - {m.name for m in MUTANTS}
    if unknown:
        parser.error(f"unknown mutants: {', '.join(sorted(unknown))}")
    started = time.monotonic()
    verdicts = []
    for mutant in chosen:
        verdict = run_one(mutant, options.every_test)
        verdicts.append(verdict)
        if verdict.caught:
            tests = ", ".join(name.rsplit("::", 1)[-1] for name in verdict.caught_by)
            print(f"mutant {mutant.name}: caught in {verdict.seconds:.0f}s by {tests}", flush=True)
            print(f"    {verdict.reason}", flush=True)
        else:
            print(
                f"mutant {mutant.name}: NOT CAUGHT in {verdict.seconds:.0f}s: {verdict.problem}", flush=True
            )
    caught = sum(v.caught for v in verdicts)
    print(f"mutants: {len(verdicts)} run, {caught} caught ({time.monotonic() - started:.0f}s)", flush=True)
    return 0 if caught == len(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
