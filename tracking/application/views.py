"""What the read model answers (ports the adapters implement, and their plain results)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID


@dataclass(frozen=True)
class TimelineEntry:
    """One step of a case's public timeline."""

    type: str
    at: datetime
    description: str
    detail: str | None = None


@dataclass(frozen=True)
class CaseView:
    """A case as the read model holds it."""

    tracking_id: str
    report_id: UUID
    status: str
    kind: str
    channel: str
    rahasia: bool
    received_at: datetime
    skpd_code: str | None = None
    skpd_name: str | None = None
    due_at: datetime | None = None
    title: str | None = None
    text: str | None = None
    location: dict[str, Any] = field(default_factory=dict)
    events: tuple[TimelineEntry, ...] = ()

    def without_content(self) -> CaseView:
        """The case with its text, place and the bodies' words left out (for `rahasia`)."""
        events = tuple(replace(entry, detail=None) for entry in self.events)
        return replace(self, title=None, text=None, location={}, events=events)


@dataclass(frozen=True)
class BodyStats:
    """One body's counts: cases disposed to it, resolved, still in progress."""

    code: str
    name: str
    received: int
    resolved: int
    in_progress: int


@dataclass(frozen=True)
class Stats:
    """Counts per status bucket and per body ("335 received, 331 resolved, 4 in progress")."""

    total: int
    by_status: dict[str, int]
    received: int
    resolved: int
    in_progress: int
    by_skpd: tuple[BodyStats, ...]


class CaseViews(Protocol):
    """Reads of the case read model."""

    def by_tracking_id(self, tracking_id: str) -> CaseView | None: ...

    def stats(self) -> Stats: ...


class DueCases(Protocol):
    """Cases whose deadline warning or deadline has come and is not yet recorded."""

    def due(self, now: datetime, limit: int) -> list[UUID]: ...


class ReportNotFound(Exception):
    """No report has this tracking id."""

    def __init__(self, tracking_id: str) -> None:
        super().__init__(f"no report with tracking id {tracking_id!r}")
        self.tracking_id = tracking_id


def public_status(views: CaseViews, tracking_id: str) -> CaseView:
    """A report's status by tracking id; a `rahasia` report answers without text or place."""
    view = views.by_tracking_id(tracking_id.strip().upper())
    if view is None:
        raise ReportNotFound(tracking_id)
    return view.without_content() if view.rahasia else view
