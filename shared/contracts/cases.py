"""What tracking publishes on `lapor.cases.v1`: the one ordered life of each report."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import AwareDatetime

from shared.contracts.base import FreeText, Identifier, ReportEvent, ShortText, TrackingId
from shared.contracts.intake import Channel, ReportKind


class StatusBucket(StrEnum):
    """The status buckets LAPOR! agencies publish."""

    BELUM_TERVERIFIKASI = "Belum Terverifikasi"
    BELUM_DITINDAKLANJUTI = "Terdisposisi: Belum Ditindaklanjuti"
    SEDANG_DIPROSES = "Terdisposisi: Sedang Diproses"
    SELESAI = "Terdisposisi: Selesai"
    TERTUNDA = "Tertunda"
    ARSIP = "Arsip"


class CaseEvent(ReportEvent):
    """Every case event says who to tell and where the case stands now."""

    channel: Channel
    kind: ReportKind
    reporter_ref: Identifier
    anonim: bool = False
    rahasia: bool = False
    status: StatusBucket
    skpd_code: Identifier | None = None
    skpd_name: FreeText | None = None
    due_at: AwareDatetime | None = None


class CaseOpened(CaseEvent):
    """A case exists for a received report."""

    event_type: ClassVar[str] = "CaseOpened"


class CaseHeld(CaseEvent):
    """The report is on hold (Tertunda)."""

    event_type: ClassVar[str] = "CaseHeld"
    reason: FreeText


class CaseArchived(CaseEvent):
    """The report was archived (Arsip)."""

    event_type: ClassVar[str] = "CaseArchived"
    reason: FreeText


class CaseLinkedAsDuplicate(CaseEvent):
    """The report repeats another open report."""

    event_type: ClassVar[str] = "CaseLinkedAsDuplicate"
    duplicate_of_tracking_id: TrackingId


class CaseAwaitingTriage(CaseEvent):
    """An admin must choose the body."""

    event_type: ClassVar[str] = "CaseAwaitingTriage"
    reason: FreeText


class CaseDisposed(CaseEvent):
    """The case went to a body (first disposition or a re-disposition)."""

    event_type: ClassVar[str] = "CaseDisposed"
    previous_skpd_code: Identifier | None = None
    # cross-sector: further bodies that may acknowledge and follow up
    also: tuple[Identifier, ...] = ()


class CaseEscalated(CaseEvent):
    """The case was pushed up."""

    event_type: ClassVar[str] = "CaseEscalated"
    reason: FreeText
    step: Identifier | None = None  # the deadline whose miss escalated it (None: routing escalated)
    previous_skpd_code: Identifier | None = None  # set when the escalation moved the case


class CaseAcknowledged(CaseEvent):
    """The body started work."""

    event_type: ClassVar[str] = "CaseAcknowledged"
    body: Identifier | None = None  # the acting body (a cross-sector `also` body may acknowledge)
    actor: FreeText = ""  # who at the body


class FollowUpPosted(CaseEvent):
    """The body answered (tindak lanjut)."""

    event_type: ClassVar[str] = "FollowUpPosted"
    text: FreeText
    body: Identifier | None = None
    actor: FreeText = ""


class CaseResolved(CaseEvent):
    """The body resolved the case."""

    event_type: ClassVar[str] = "CaseResolved"
    text: FreeText
    body: Identifier | None = None
    actor: FreeText = ""


class ReporterReplied(CaseEvent):
    """The reporter answered a follow-up (tanggapan)."""

    event_type: ClassVar[str] = "ReporterReplied"
    text: FreeText


class CaseRated(CaseEvent):
    """The reporter rated the handling."""

    event_type: ClassVar[str] = "CaseRated"
    rating: int
    comment: FreeText = ""


class CaseStatusRequested(CaseEvent):
    """The reporter asked for the status (`CEK`); `status` and `skpd_*` say where it stands."""

    event_type: ClassVar[str] = "CaseStatusRequested"


class CaseClassified(CaseEvent):
    """The body or the admin put the case in a resolution class (working days)."""

    event_type: ClassVar[str] = "CaseClassified"
    resolution_days: int
    classified_by: FreeText = ""


class CaseReopened(CaseEvent):
    """The dialogue was reopened."""

    event_type: ClassVar[str] = "CaseReopened"
    reason: FreeText


class CaseClosed(CaseEvent):
    """The case closed (no reply within the window, or resolved and accepted)."""

    event_type: ClassVar[str] = "CaseClosed"
    reason: FreeText


class CaseReturned(CaseEvent):
    """A body said "bukan wewenang": routing must re-dispose."""

    event_type: ClassVar[str] = "CaseReturned"
    rejected_by: Identifier
    reason: FreeText
    suggested_code: Identifier | None = None
    actor: FreeText = ""


class DeadlineApproaching(CaseEvent):
    """A deadline falls within the warning window."""

    event_type: ClassVar[str] = "DeadlineApproaching"
    step: Identifier
    deadline: datetime


class DeadlineMissed(CaseEvent):
    """A deadline passed."""

    event_type: ClassVar[str] = "DeadlineMissed"
    step: Identifier
    deadline: datetime


class CaseAssigned(CaseEvent):
    """An officer at the body was given the case."""

    event_type: ClassVar[str] = "CaseAssigned"
    assignee: ShortText
    assignee_email: str | None = None  # the officer's e-mail when tracking knows it
    previous_assignee: ShortText | None = None


class CaseHidden(CaseEvent):
    """The report no longer shows on public surfaces."""

    event_type: ClassVar[str] = "CaseHidden"
    reason: FreeText
    flags: int = 0  # public flags that led to it (0: the admin hid it)


class CaseShown(CaseEvent):
    """A hidden report shows on public surfaces again."""

    event_type: ClassVar[str] = "CaseShown"
    reason: FreeText


class CaseCorrected(CaseEvent):
    """The admin corrected the report's public title and text."""

    event_type: ClassVar[str] = "CaseCorrected"
    title: FreeText
    text: FreeText
    reason: FreeText
