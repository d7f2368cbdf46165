"""A clock several processes share: the test or simulation that drives them writes the
time to a file, and every process reads it from there."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path


class SharedClock:
    """Time read from a file another process writes (an ISO timestamp, timezone-aware)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def now(self) -> datetime:
        moment = datetime.fromisoformat(self.path.read_text(encoding="utf-8").strip())
        if moment.tzinfo is None:
            raise ValueError(f"{self.path} should hold a timezone-aware time")
        return moment.astimezone(UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class ClockFile(SharedClock):
    """The writing end: `set` replaces the whole timestamp at once, never half of one."""

    def __init__(self, path: str | Path, start: datetime) -> None:
        super().__init__(path)
        self.set(start)

    def set(self, moment: datetime) -> None:
        partial = self.path.with_suffix(".next")
        partial.write_text(moment.isoformat(), encoding="utf-8")
        partial.replace(self.path)
