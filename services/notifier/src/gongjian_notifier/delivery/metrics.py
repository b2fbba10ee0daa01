"""The notifier's metrics: pushes recorded, by channel and outcome (delivered, retry, failed)."""

from __future__ import annotations

from gongjian_shared.observability.metrics import counter

SERVICE = "notifier"

DELIVERIES = counter(
    "gongjian_notifier_deliveries",
    "Pushes the notifier recorded, by channel and outcome (delivered, retry: to be sent again, failed)",
    ("channel", "outcome"),
)


def count_delivery(channel: str, status: str) -> None:
    outcome = status if status in ("delivered", "failed") else "retry"
    DELIVERIES.labels(SERVICE, channel, outcome).inc()
