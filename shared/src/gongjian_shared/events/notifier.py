"""Events of the notifier service."""

from __future__ import annotations
