"""Recent reports of one reporter contact (phone, e-mail or handle), for flood screening."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate, event


class ReporterActivity(Aggregate):
    """When reports came from one contact key; only the times inside the window are kept."""

    @event("Started")
    def __init__(self, id: UUID) -> None:
        self.times: list[datetime] = []

    @event("ReportNoted")
    def note_report(self, report_id: UUID, at: datetime, window_seconds: float) -> None:
        """Count one more report from this contact."""
        self.times.append(at)
        horizon = max(self.times) - timedelta(seconds=window_seconds)
        self.times = [t for t in self.times if t > horizon]

    def reports_within(self, window: timedelta, until: datetime) -> int:
        """How many noted reports fall in (until - window, until]."""
        return sum(1 for t in self.times if until - window < t <= until)
