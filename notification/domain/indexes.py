"""What notification's index tables hold: a report waiting for the admin, what is known of a
report, a duplicate's link to its original (values; the tables are in the adapters)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class WaitingCase:
    """A report waiting for the admin in a queue (triage or held)."""

    tracking_id: str
    report_id: UUID
    queue: str
    reason: str
    since: datetime
    alerted: bool = False


@dataclass(frozen=True)
class ReportRow:
    """What notification knows of a report: whether its event came (`heard`), the kinds of
    contact it said were left (None: it did not say), and the row's version."""

    tracking_id: str
    report_id: UUID
    heard: bool = False
    contact_kinds: list[str] | None = None
    version: int = 0


@dataclass(frozen=True)
class Link:
    """A report linked to an original as its duplicate: its reporter hears when it moves."""

    tracking_id: str
    report_id: UUID
    channel: str
    reporter_ref: str
