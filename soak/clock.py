"""The clock of a soak: the system clock plus an offset kept in a file, so the soak moves the business clock of
every service process at once (the scheduler's clock jumping forward) without restarting them."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path


class FileClock:
    """Now = the wall clock + the seconds written in `path` (read again whenever the file changes)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._offset = timedelta()

    def offset(self) -> timedelta:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return self._offset
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            text = self.path.read_text().strip()
            if text:  # a writer's rename is atomic, but be lenient with an empty file
                self._offset = timedelta(seconds=float(text))
                self._stamp = stamp
        return self._offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset()

    def set(self, at: datetime) -> None:
        """Move every reader of the file to `at` (from now on, running with the wall clock)."""
        self.write((at - datetime.now(UTC)).total_seconds())

    def advance(self, delta: timedelta) -> None:
        self.write((self.offset() + delta).total_seconds())

    def write(self, seconds: float) -> None:
        partial = self.path.with_suffix(".tmp")
        partial.write_text(f"{seconds:.6f}\n")
        partial.replace(self.path)
        self.offset()
