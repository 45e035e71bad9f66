"""What tracking's HTTP API answers (public status, statistics)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.clock import WITA
from tracking.application.case_file import CaseFile
from tracking.application.figures import Stats
from tracking.application.views import CaseView


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
    attachments: list[str] = []
    closed: bool = False  # the dialogue is over (Open311 `closed`); the bucket stays as it was
    closed_at: datetime | None = None
    rahasia: bool = False
    channel: str | None = None
    category: str | None = None
    updated_at: datetime | None = None
    hidden: bool = False  # moderated off public surfaces: no title, text, place or photos

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
            attachments=list(view.attachments),
            closed=view.closed_at is not None,
            closed_at=_wita(view.closed_at) if view.closed_at else None,
            rahasia=view.rahasia,
            channel=view.channel,
            category=view.category,
            updated_at=_wita(view.updated_at) if view.updated_at else None,
            hidden=view.hidden,
        )


class BodyStatsPublic(BaseModel):
    """One body's figures (its primary dispositions only, so the list adds up)."""

    code: str
    name: str
    received: int
    resolved: int
    in_progress: int
    overdue: int
    escalated: int
    median_hours_to_first_follow_up: float | None
    resolved_within_deadline_pct: float | None


class StatsPublic(BaseModel):
    """Counts per status bucket, body, channel, kind, kecamatan and ISO week."""

    total: int
    by_status: dict[str, int]
    received: int
    resolved: int
    in_progress: int
    overdue: int
    escalated: int
    by_skpd: list[BodyStatsPublic]
    by_channel: dict[str, int]
    by_kind: dict[str, int]
    by_kecamatan: dict[str, int]
    by_week: dict[str, int]
    as_of: datetime | None = None

    @classmethod
    def of(cls, stats: Stats, as_of: datetime | None = None) -> StatsPublic:
        """The public form of the statistics."""
        return cls(
            total=stats.total,
            by_status=stats.by_status,
            received=stats.received,
            resolved=stats.resolved,
            in_progress=stats.in_progress,
            overdue=stats.overdue,
            escalated=stats.escalated,
            by_skpd=[BodyStatsPublic(**vars(body)) for body in stats.by_skpd],
            by_channel=stats.by_channel or {},
            by_kind=stats.by_kind or {},
            by_kecamatan=stats.by_kecamatan or {},
            by_week=stats.by_week or {},
            as_of=as_of,
        )


class DeskItemPublic(BaseModel):
    """A report on a body's desk."""

    tracking_id: str
    status: str
    title: str
    text: str
    kind: str
    channel: str
    received_at: datetime
    primary: bool
    kecamatan: str | None
    kelurahan: str | None
    address: str | None
    disposed_at: datetime | None
    deadline_step: str | None
    due_at: datetime | None
    overdue: bool
    attachments: list[str]
    assignee: str | None = None
    category: str | None = None


class DeskPage(BaseModel):
    """One page of a body's desk."""

    items: list[DeskItemPublic]
    total: int


class FeedItemPublic(BaseModel):
    """A public report in the feed (no identity)."""

    tracking_id: str
    status: str
    title: str
    text: str
    kind: str
    received_at: datetime
    category: str | None
    skpd: BodyPublic | None
    kecamatan: str | None
    kelurahan: str | None
    attachments: list[str]
    due_at: datetime | None = None
    updated_at: datetime | None = None
    channel: str | None = None


class FeedPage(BaseModel):
    """One page of the public feed."""

    items: list[FeedItemPublic]
    total: int


class DeskAction(BaseModel):
    """A body's move on a report disposed to it."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["acknowledge", "follow-up", "resolve", "not-competent", "classify", "assign"]
    text: str | None = Field(default=None, max_length=4000)
    assignee: str | None = Field(default=None, max_length=200)  # an officer's name (assign)
    suggested_code: str | None = Field(default=None, pattern=r"^[A-Z0-9][A-Z0-9-]{1,39}$")
    resolution_days: int | None = Field(default=None, ge=1, le=365)


class ActionAccepted(BaseModel):
    """The action was checked against the case and sent to the body's actions topic."""

    tracking_id: str
    action: str
    event_id: str
    topic: str


class ActorPublic(BaseModel):
    """The person who took a step: the role and the name bound to their token."""

    role: str
    name: str


class StaffStepPublic(BaseModel):
    """One step of a case's life as staff see it: who took it, for which body."""

    type: str
    at: datetime
    description: str
    detail: str | None
    body: str | None
    actor: ActorPublic | None


class CaseFilePublic(BaseModel):
    """A case with its whole timeline, each step naming the person (staff only)."""

    tracking_id: str
    status: str
    skpd: BodyPublic | None
    also: list[str]
    assignee: str | None
    kind: str
    channel: str
    category: str | None
    title: str | None
    text: str | None
    location: LocationPublic | None
    received_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    timeline: list[StaffStepPublic]

    @classmethod
    def of(cls, found: CaseFile) -> CaseFilePublic:
        """The staff form of a case file (times in WITA)."""
        view = found.view
        skpd = BodyPublic(code=view.skpd_code, name=view.skpd_name or view.skpd_code) if (
            view.skpd_code
        ) else None  # fmt: skip
        steps = [
            StaffStepPublic(
                type=step.type,
                at=_wita(step.at),
                description=step.description,
                detail=step.detail,
                body=step.body,
                actor=ActorPublic(role=step.actor.role, name=step.actor.name)
                if step.actor
                else None,
            )
            for step in found.timeline
        ]
        return cls(
            tracking_id=view.tracking_id, status=view.status, skpd=skpd, also=list(found.also),
            assignee=found.assignee, kind=view.kind, channel=view.channel,
            category=view.category, title=view.title, text=view.text,
            location=LocationPublic(**view.location) if view.location else None,
            received_at=_wita(view.received_at),
            due_at=_wita(view.due_at) if view.due_at else None,
            closed_at=_wita(view.closed_at) if view.closed_at else None, timeline=steps,
        )  # fmt: skip


class EscalatedPublic(BaseModel):
    """An open case escalated at least once."""

    tracking_id: str
    status: str
    title: str
    skpd_code: str | None
    skpd_name: str | None
    due_at: datetime | None
    escalations: int
    assignee: str | None


class EscalatedPage(BaseModel):
    """One page of the admin's escalated queue."""

    items: list[EscalatedPublic]
    total: int


def _wita(moment: datetime) -> datetime:
    return moment.astimezone(WITA)
