"""Events of the meetings service."""

from __future__ import annotations
