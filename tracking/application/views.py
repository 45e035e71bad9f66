"""What the read model answers (ports the adapters implement, and their plain results)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from shared.masking import mask_contacts
from tracking.application.figures import Stats, StatsFilter
from tracking.application.pins import rounded


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
    attachments: tuple[str, ...] = ()
    closed_at: datetime | None = None
    category: str | None = None
    updated_at: datetime | None = None
    anonim: bool = False
    hidden: bool = False  # moderated off the public surfaces
    public_title: str | None = None  # masked, corrected when the admin corrected it
    public_text: str | None = None

    def without_content(self) -> CaseView:
        """The case with its text, place and the bodies' words left out (for `rahasia`)."""
        events = tuple(replace(entry, detail=None) for entry in self.events)
        return replace(self, title=None, text=None, location={}, events=events, attachments=())

    def for_public(self) -> CaseView:
        """The case as the public reads it: masked (or corrected) words, every timeline detail
        masked, the pin rounded, no address of an anonim report; no content when hidden."""
        if self.rahasia or self.hidden:
            return self.without_content()
        location = {k: v for k, v in self.location.items() if k != "address" or not self.anonim}
        for key in ("latitude", "longitude"):
            if key in location:
                location[key] = rounded(location[key])
        if "address" in location:
            location["address"] = mask_contacts(location["address"])
        events = tuple(
            replace(entry, detail=mask_contacts(entry.detail)) if entry.detail else entry
            for entry in self.events
        )
        title = self.public_title if self.public_title is not None else self.title
        text = self.public_text if self.public_text is not None else self.text
        return replace(
            self, title=title and mask_contacts(title), text=text and mask_contacts(text),
            location=location, events=events,
        )  # fmt: skip


@dataclass(frozen=True)
class DeskItem:
    """A report on a body's desk (no identity)."""

    tracking_id: str
    status: str
    title: str
    text: str
    kind: str
    channel: str
    received_at: datetime
    primary: bool
    kecamatan: str | None = None
    kelurahan: str | None = None
    address: str | None = None
    disposed_at: datetime | None = None
    deadline_step: str | None = None
    due_at: datetime | None = None
    overdue: bool = False
    attachments: tuple[str, ...] = ()
    assignee: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class DeskFilter:
    """Which of a body's reports the desk lists (every field optional; all must hold).

    `status`: a bucket, or `open` / `closed`; `assignee`: an officer's name (the route reads
    `mine` as the caller's); `q`: words in the title or text, or a tracking id.
    """

    status: str | None = None
    overdue: bool | None = None
    assignee: str | None = None
    kecamatan: str | None = None
    category: str | None = None
    q: str | None = None


@dataclass(frozen=True)
class EscalatedItem:
    """An open case escalated for a missed deadline or by routing (the admin's queue)."""

    tracking_id: str
    status: str
    title: str
    skpd_code: str | None
    skpd_name: str | None
    due_at: datetime | None
    escalations: int
    assignee: str | None = None


@dataclass(frozen=True)
class Page:
    """One page of a listing, and how many there are in all."""

    items: tuple[Any, ...]
    total: int


@dataclass(frozen=True)
class FeedItem:
    """A non-`rahasia` report as the public may see it (no identity)."""

    tracking_id: str
    status: str
    title: str
    text: str
    kind: str
    received_at: datetime
    category: str | None = None
    skpd_code: str | None = None
    skpd_name: str | None = None
    kecamatan: str | None = None
    kelurahan: str | None = None
    attachments: tuple[str, ...] = ()
    due_at: datetime | None = None
    updated_at: datetime | None = None
    channel: str | None = None


class CaseViews(Protocol):
    """Reads of the case read model."""

    def by_tracking_id(self, tracking_id: str) -> CaseView | None: ...

    def stats(self, query: StatsFilter, now: datetime) -> Stats: ...

    def report_rows(self, query: StatsFilter, now: datetime) -> list[dict[str, Any]]: ...

    def desk(
        self, code: str, query: DeskFilter, now: datetime, limit: int, offset: int
    ) -> Page: ...

    def escalated(self, limit: int, offset: int) -> Page: ...

    def feed(self, limit: int, offset: int) -> Page: ...


class DueCases(Protocol):
    """Cases whose deadline warning or deadline has come and is not yet recorded."""

    def due(self, now: datetime, limit: int) -> list[UUID]: ...


class ReportNotFound(Exception):
    """No report has this tracking id."""

    def __init__(self, tracking_id: str) -> None:
        super().__init__(f"no report with tracking id {tracking_id!r}")
        self.tracking_id = tracking_id


def public_status(views: CaseViews, tracking_id: str) -> CaseView:
    """A report's status by tracking id, as the public reads it (`CaseView.for_public`)."""
    view = views.by_tracking_id(tracking_id.strip().upper())
    if view is None:
        raise ReportNotFound(tracking_id)
    return view.for_public()
