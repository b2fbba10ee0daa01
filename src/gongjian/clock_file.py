"""A platform clock moved by a file, for runs that must walk business time forward without restarting anything:
`gongjian dev` with GONGJIAN_DEV_CLOCK_FILE (the web console's browser tests walk a joint meeting from its topic
cut-off to its resolutions) and the soak (`python -m soak`: the scheduler's clock jumping forward in every
service process at once). `gongjian serve` always runs on the system clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path


class FileClock:
    """The file holds an ISO-8601 instant; time runs on from it as the wall clock has run since the file was
    written (its modification time). No file or an empty one: the system's time. Read again whenever the file
    changes, so every process reading the same file moves at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._current_offset()

    def set(self, at: datetime) -> None:
        """Move every reader of the file to `at` (from now on, running with the wall clock)."""
        partial = self.path.with_suffix(".tmp")
        partial.write_text(at.isoformat() + "\n")
        partial.replace(self.path)  # atomic: a reader sees the old instant or the new one, never half of one

    def advance(self, delta: timedelta) -> None:
        self.set(self.now() + delta)

    def _current_offset(self) -> timedelta:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return timedelta(0)
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            text = self.path.read_text().strip()
            written = datetime.fromtimestamp(stat.st_mtime_ns / 1e9, UTC)
            self._offset = datetime.fromisoformat(text) - written if text else timedelta(0)
            self._stamp = stamp
        return self._offset
