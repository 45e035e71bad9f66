"""What intake publishes on `lapor.reports.v1`: the report's intake outcome, no identity."""

from __future__ import annotations

from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import AwareDatetime, Field

from shared.contracts.base import (
    Actor,
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
    asking the vault; version 4 adds `actor`, the admin (`role`, `name` from their token) who
    verified a held report, or the officer who entered a walk-in report for a citizen (None when
    screening decided on a citizen's own message). All optional: older events still read.
    An anonim report's `title` and `text` carry contact details masked (`shared/masking.py`).
    """

    schema_version: ClassVar[int] = 4
    header_fields: ClassVar[tuple[str, ...]] = ("channel",)  # a `channel` header: web, sms, ...

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
    actor: Actor | None = None


class ReportReceived(ReportContent):
    """Intake recorded a report and gave it a tracking id (no longer published: its outcome
    carries the content; still read from older topics)."""

    event_type: ClassVar[str] = "ReportReceived"


class ReportAccepted(ReportContent):
    """The report passed screening: routing may dispose it."""

    event_type: ClassVar[str] = "ReportAccepted"


class ReportOutcome(ReportContent):
    """An outcome of screening that carries the report's content (version 5).

    Since version 4 intake publishes one event per recorded report, the outcome, with the
    content; `ReportReceived` is no longer published. Older outcome events carried no content:
    its fields are optional here, and `has_content` tells which kind was read. Version 5 adds
    `actor`: the admin who archived a held report (None when screening decided).
    """

    schema_version: ClassVar[int] = 5

    channel: Channel | None = None  # type: ignore[assignment]
    kind: ReportKind | None = None  # type: ignore[assignment]
    text: ReportText | None = None  # type: ignore[assignment]
    reporter_ref: Identifier | None = None  # type: ignore[assignment]
    received_at: AwareDatetime | None = None  # type: ignore[assignment]

    @property
    def has_content(self) -> bool:
        """Whether the event carries the report (version 4 and later)."""
        return None not in (self.channel, self.kind, self.text, self.reporter_ref, self.received_at)


class ReportHeld(ReportOutcome):
    """Screening held the report for a person to look at (flood, unclear)."""

    event_type: ClassVar[str] = "ReportHeld"
    reason: FreeText


class ReportArchived(ReportOutcome):
    """Screening (with the content) or the admin (without) archived the report."""

    event_type: ClassVar[str] = "ReportArchived"
    reason: FreeText


class ReportLinkedAsDuplicate(ReportOutcome):
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
