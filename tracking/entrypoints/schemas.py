"""What tracking's HTTP API answers (public status, statistics)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from shared.clock import WITA
from tracking.application.views import CaseView, Stats


class BodyPublic(BaseModel):
    """The body a report is disposed to."""

    code: str
    name: str


class TimelineEventPublic(BaseModel):
    """One step of a report's life."""

    type: str
    at: datetime
    description: str


class LocationPublic(BaseModel):
    """Where the problem is (absent for a `rahasia` report)."""

    kecamatan: str | None = None
    kelurahan: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class ReportStatusPublic(BaseModel):
    """A report's status by tracking id: bucket, body, timeline, and the next deadline."""

    tracking_id: str
    status: str
    skpd: BodyPublic | None
    events: list[TimelineEventPublic]
    due_at: datetime | None
    kind: str
    received_at: datetime
    title: str | None = None
    text: str | None = None
    location: LocationPublic | None = None

    @classmethod
    def of(cls, view: CaseView) -> ReportStatusPublic:
        """The public form of a case view (times in WITA)."""
        skpd = None
        if view.skpd_code:
            skpd = BodyPublic(code=view.skpd_code, name=view.skpd_name or view.skpd_code)
        return cls(
            tracking_id=view.tracking_id,
            status=view.status,
            skpd=skpd,
            events=[
                TimelineEventPublic(
                    type=entry.type,
                    at=_wita(entry.at),
                    description=f"{entry.description}: {entry.detail}"
                    if entry.detail
                    else entry.description,
                )
                for entry in view.events
            ],
            due_at=_wita(view.due_at) if view.due_at else None,
            kind=view.kind,
            received_at=_wita(view.received_at),
            title=view.title,
            text=view.text,
            location=LocationPublic(**view.location) if view.location else None,
        )


class BodyStatsPublic(BaseModel):
    """One body's counts."""

    code: str
    name: str
    received: int
    resolved: int
    in_progress: int


class StatsPublic(BaseModel):
    """Counts per status bucket and per body; `received` counts reports disposed to a body."""

    total: int
    by_status: dict[str, int]
    received: int
    resolved: int
    in_progress: int
    by_skpd: list[BodyStatsPublic]

    @classmethod
    def of(cls, stats: Stats) -> StatsPublic:
        """The public form of the statistics."""
        return cls(
            total=stats.total,
            by_status=stats.by_status,
            received=stats.received,
            resolved=stats.resolved,
            in_progress=stats.in_progress,
            by_skpd=[BodyStatsPublic(**vars(body)) for body in stats.by_skpd],
        )


def _wita(moment: datetime) -> datetime:
    return moment.astimezone(WITA)
