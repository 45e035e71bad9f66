"""Time, injected: the system clock in production, a settable one in tests."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

WITA = ZoneInfo("Asia/Makassar")


class Clock(Protocol):
    """Anything that tells the current aware time."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class OffsetClock:
    """Real time moved forward by an offset that tests can change (never backwards)."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward and tell the new time."""
        if delta < timedelta(0):
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += delta
        return self.now()


def clock_for(test_mode: bool) -> Clock:
    """The settable clock in test mode (moved by the test endpoint), the real one otherwise."""
    return OffsetClock() if test_mode else SystemClock()


class FixedClock:
    """A clock that stands still until told to move (tests, replays)."""

    def __init__(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("the clock's time must carry a time zone")
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        """Jump to a moment."""
        self.moment = moment

    def advance(self, delta: timedelta) -> None:
        """Move forward."""
        self.moment += delta
