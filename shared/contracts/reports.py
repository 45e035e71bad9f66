"""What intake publishes on `lapor.reports.v1`: the report's intake outcome, no identity."""

from __future__ import annotations

from typing import ClassVar
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
from shared.contracts.intake import Channel, ReportKind


class ReportContent(ReportEvent):
    """The report as routing and tracking may see it: a pseudonymous reporter only."""

    channel: Channel
    kind: ReportKind
    title: ShortText = ""
    text: ReportText
    location: Location = Field(default_factory=Location)
    reporter_ref: Identifier
    anonim: bool = False
    rahasia: bool = False
    received_at: AwareDatetime


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
