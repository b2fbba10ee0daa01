"""A pytest plugin (`-p mutants.plugin`) that applies the mutant named by GONGJIAN_MUTANT before any test runs."""

from __future__ import annotations

import os

import pytest

from mutants.catalogue import by_name
from mutants.mutate import apply

ENVIRONMENT = "GONGJIAN_MUTANT"


def pytest_configure(config: pytest.Config) -> None:
    name = os.environ.get(ENVIRONMENT)
    if not name:
        raise pytest.UsageError(f"mutants.plugin needs {ENVIRONMENT}")
    apply(by_name(name))


def pytest_report_header(config: pytest.Config) -> str:
    return f"MUTANT {os.environ.get(ENVIRONMENT)}: the tests below must fail"
