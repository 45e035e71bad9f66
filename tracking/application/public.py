"""The public record: what anyone may list, filter and download, and what the admin reviews.

Public surfaces read the masked (and, when corrected, corrected) title and text, never a hidden
or `rahasia` report, and pins rounded to about 100 m, so that an anonim
report's pin does not point at a house (`pins.rounded`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tracking.application.views import Page
from tracking.domain.status import Status

# Open311's two states: a report is `closed` once resolved or archived.
CLOSED = (Status.SELESAI.value, Status.ARSIP.value)
OPEN = tuple(status.value for status in Status if status.value not in CLOSED)


@dataclass(frozen=True)
class PublicFilter:
    """The public query's filters (all optional); dates bound `received_at`, end excluded."""

    kecamatan: str | None = None
    skpd: str | None = None
    statuses: tuple[str, ...] = ()  # buckets; `open`/`closed` are expanded to theirs
    category: str | None = None
    q: str | None = None
    start: datetime | None = None
    end: datetime | None = None


def statuses_for(status: str | None) -> tuple[str, ...]:
    """The buckets a `status` filter names: a bucket, or `open` / `closed`."""
    if not status:
        return ()
    return {"open": OPEN, "closed": CLOSED}.get(status.strip().lower(), (status,))


@dataclass(frozen=True)
class PublicReport:
    """A public report as anyone may read it: masked words, rounded pin, no identity."""

    tracking_id: str
    title: str
    text: str
    kind: str
    channel: str
    status: str
    received_at: datetime
    updated_at: datetime
    category: str | None = None
    skpd_code: str | None = None
    skpd_name: str | None = None
    kecamatan: str | None = None
    kelurahan: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True)
class BoundingBox:
    """Where the city's pins may fall (degrees); a pin outside is flagged for the admin."""

    south: float
    west: float
    north: float
    east: float

    def holds(self, latitude: float, longitude: float) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east


@dataclass(frozen=True)
class ModerationAct:
    """Who did what to a report's public face (an empty role: the public's flag)."""

    act: str
    at: datetime
    role: str
    name: str
    reason: str
    flags: int


@dataclass(frozen=True)
class ModerationItem:
    """A report for the admin's review: original and public words, why it is here, its acts."""

    tracking_id: str
    title: str
    text: str
    public_title: str
    public_text: str
    status: str
    received_at: datetime
    hidden: bool
    flags: int
    pin_outside_city: bool
    latitude: float | None
    longitude: float | None
    corrected_at: datetime | None
    moderated_at: datetime | None
    acts: tuple[ModerationAct, ...]


class PublicReports(Protocol):
    """Reads of the public record and of the moderation queue."""

    def query(self, query: PublicFilter, page: int, page_size: int) -> Page: ...

    def stream(self, query: PublicFilter, chunk: int) -> Iterator[PublicReport]: ...

    def moderation(self, reason: str | None, page: int, page_size: int) -> Page: ...

    def moderation_item(self, tracking_id: str) -> ModerationItem | None: ...
