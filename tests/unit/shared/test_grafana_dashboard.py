"""The Grafana dashboard (deploy/grafana/) queries only metrics the services register, and shows each of them:
it cannot drift from the code."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from prometheus_client import REGISTRY

import gongjian.services  # noqa: F401  (imports every service, which registers its metrics)

DASHBOARD = Path(__file__).resolve().parents[3] / "deploy" / "grafana" / "gongjian-dashboard.json"
METRIC = re.compile(r"\bgongjian_[a-z0-9_]+")
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}


def exprs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["expr"]] if isinstance(node.get("expr"), str) else []
        return found + [expr for value in node.values() for expr in exprs(value)]
    if isinstance(node, list):
        return [expr for value in node for expr in exprs(value)]
    return []


def registered() -> dict[str, set[str]]:
    """Family name -> the series names Prometheus stores for it."""
    return {
        family.name: {family.name + suffix for suffix in SUFFIXES[family.type]}
        for family in REGISTRY.collect()
        if family.name.startswith("gongjian_")
    }


def test_every_metric_the_dashboard_queries_is_registered() -> None:
    queried = {name for expr in exprs(json.loads(DASHBOARD.read_text())) for name in METRIC.findall(expr)}
    known = set().union(*registered().values())
    assert queried, "the dashboard queries nothing"
    assert not queried - known, f"queried but not registered: {sorted(queried - known)}"


def test_every_registered_metric_has_a_panel() -> None:
    queried = {name for expr in exprs(json.loads(DASHBOARD.read_text())) for name in METRIC.findall(expr)}
    unused = [family for family, series in registered().items() if not series & queried]
    assert not unused, f"registered but on no panel: {unused}"


def test_a_renamed_metric_would_be_caught() -> None:
    known = set().union(*registered().values())
    assert "gongjian_http_requests_total" in known
    assert "gongjian_http_request_total" not in known
