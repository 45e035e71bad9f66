"""When a message may go: quiet hours (WITA) and the backoff between delivery attempts."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from shared.clock import WITA


@dataclass(frozen=True)
class QuietHours:
    """No SMS or WhatsApp between `start` and `end` (WITA), unless the reporter just wrote."""

    start: time
    end: time
    channels: Collection[str]

    def release(self, channel: str, at: datetime) -> datetime | None:
        """When a message due `at` may go: None if now, else the end of the quiet hours."""
        if channel not in self.channels or self.start == self.end:
            return None
        local = at.astimezone(WITA)
        now = local.time()
        overnight = self.start > self.end
        quiet = (now >= self.start or now < self.end) if overnight else self.start <= now < self.end
        if not quiet:
            return None
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff: `base`, doubled each attempt, at most `cap`."""

    max_attempts: int
    base: timedelta
    cap: timedelta

    def retry_at(self, attempt: int, at: datetime) -> datetime | None:
        """When to try again after attempt `attempt` failed at `at`; None: give up."""
        if attempt >= self.max_attempts:
            return None
        return at + min(self.base * (2 ** (attempt - 1)), self.cap)
