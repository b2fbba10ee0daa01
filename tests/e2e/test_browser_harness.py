"""The browser journeys' own helpers (web/e2e/browser.mjs), checked in Chromium on a page of their own.

The axe-core check of a page reads it with its transitions at their end: in stop 27's CI, the check of the
annual plan ran while the message "计划已发布" was still fading in, and axe-core measured the contrast of its
half-transparent text. The journey here holds a message mid-fade; axe-core on the page as it is reports the
contrast, the journeys' check does not.
"""

from __future__ import annotations

from pathlib import Path

from e2e import test_web_console as web_console
from e2e.test_web_console import run_journey

chromium = web_console.chromium


def test_the_axe_check_reads_a_message_fading_in_at_its_end(chromium: Path) -> None:
    result = run_journey(
        "journey-harness.mjs", "axe-reads-a-message-fading-in-at-rest", {"base": "about:blank"}
    )
    assert 0 < float(result["opacity_before"]) < 0.5, result["opacity_before"]
    assert [v["id"] for v in result["mid_fade"]] == ["color-contrast"], result["mid_fade"]
    assert result["axe"] == {"at-rest": []}
