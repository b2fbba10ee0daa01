"""The short soak (issue 15, about 2 minutes; `make soak` runs the long one): the platform on Kafka, each service
its own process, under a steady load of writes from many users while every kind of fault is injected once;
then nothing acknowledged is lost and nothing applied twice. It starts its own PostgreSQL, Kafka broker and
Toxiproxy (`make toxiproxy`), since it kills and restarts them."""

from __future__ import annotations

from pathlib import Path

import pytest

from soak import faults
from soak.__main__ import render
from soak.run import SHORT, soak
from support.reports import report


@pytest.mark.kafka
@pytest.mark.timeout(540)
async def test_nothing_acknowledged_is_lost_or_applied_twice_under_faults(tmp_path: Path) -> None:
    outcome = await soak(SHORT, tmp_path)
    report("Soak (short)", "figures", render(outcome))
    assert outcome.verdict.ok, render(outcome)
    injected = {name for name, _ in outcome.faults.injected}
    assert injected == {fault.__name__ for fault in faults.script(short=True)}, injected
    counts = outcome.verdict.counts
    assert counts["writes acknowledged"] > 100 and counts["events on the broker"] == counts["events"]
    assert counts["deadlines fired"] > 0 and counts["deliveries delivered"] > 0
