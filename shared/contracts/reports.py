"""What intake publishes on `lapor.reports.v1`: the report's intake outcome, no identity."""

from __future__ import annotations

from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import AwareDatetime, Field

from shared.contracts.base import (
    FreeText,
    Identifier,
    Location,
    ReportEvent,
    ReportText,
    ShortText,
    TrackingId,
)
from shared.contracts.intake import (
    MAX_ATTACHMENTS,
    AttachmentUrl,
    CategoryCode,
    Channel,
    ContactKind,
    ReportKind,
)
from shared.text import TextRule


class ReportContent(ReportEvent):
    """The report as routing and tracking may see it: a pseudonymous reporter only.

    Version 2 adds `attachments` and `category`; version 3 adds `contact_kinds`, which kinds of
    contact the reporter left (never the contact), so notification chooses a channel without
    asking the vault. All optional: older events still read.
    """

    schema_version: ClassVar[int] = 3

    channel: Channel
    kind: ReportKind
    title: ShortText = ""
    text: ReportText
    location: Location = Field(default_factory=Location)
    reporter_ref: Identifier
    anonim: bool = False
    rahasia: bool = False
    received_at: AwareDatetime
    attachments: tuple[AttachmentUrl, ...] = Field(default=(), max_length=MAX_ATTACHMENTS)
    category: CategoryCode | None = None
    contact_kinds: tuple[ContactKind, ...] = ()


class ReportReceived(ReportContent):
    """Intake recorded a report and gave it a tracking id."""

    event_type: ClassVar[str] = "ReportReceived"


class ReportAccepted(ReportContent):
    """The report passed screening: routing may dispose it."""

    event_type: ClassVar[str] = "ReportAccepted"


class ReportHeld(ReportEvent):
    """Screening held the report for a person to look at (flood, unclear)."""

    event_type: ClassVar[str] = "ReportHeld"
    reason: FreeText


class ReportArchived(ReportEvent):
    """Screening archived the report (spam, abusive, not about government)."""

    event_type: ClassVar[str] = "ReportArchived"
    reason: FreeText


class ReportLinkedAsDuplicate(ReportEvent):
    """The report repeats an open one; it follows that one's fate."""

    event_type: ClassVar[str] = "ReportLinkedAsDuplicate"
    duplicate_of_report_id: UUID
    duplicate_of_tracking_id: TrackingId


class ReporterMessage(ReportEvent):
    """A message from a report's own reporter about it (same contact, same channel).

    `report_id` and `tracking_id` name the report it is about; no identity travels.
    """

    channel: Channel
    message_id: Identifier = ""
    received_at: AwareDatetime


class ReporterReplyReceived(ReporterMessage):
    """The reporter replied (tanggapan) to the body's answer: `BALAS <id> ...` or `<id> ...`."""

    event_type: ClassVar[str] = "ReporterReplyReceived"
    text: ReportText


class ReporterRatingReceived(ReporterMessage):
    """The reporter rated the handling, 1 to 5: `NILAI <id> <1-5>`."""

    event_type: ClassVar[str] = "ReporterRatingReceived"
    rating: int = Field(ge=1, le=5)
    comment: Annotated[str, TextRule(max_chars=500, max_bytes=1500)] = ""


class ReporterStatusRequested(ReporterMessage):
    """The reporter asked where the report stands: `CEK <id>`."""

    event_type: ClassVar[str] = "ReporterStatusRequested"
