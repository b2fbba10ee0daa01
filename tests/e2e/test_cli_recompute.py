"""`gongjian recompute` rescans every score sheet from the facts, against the real PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

GONGJIAN = Path(sys.executable).parent / "gongjian"


def test_recompute_reports_each_rule_set(database_url: str) -> None:
    result = subprocess.run(
        [str(GONGJIAN), "recompute", "--year", "2019"],
        env=os.environ | {"GONGJIAN_DATABASE__URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "2019-county v" in result.stdout
    assert "2019-department v" in result.stdout
