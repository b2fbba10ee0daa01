"""Events of the scoring service."""

from __future__ import annotations
