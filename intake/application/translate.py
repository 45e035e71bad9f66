"""Stored domain events -> integration events on `lapor.reports.v1` (never identity)."""

from __future__ import annotations

from typing import Any

from intake.domain.report import Report
from intake.domain.screening import ACCEPTED, HELD
from shared import topics
from shared.contracts import (
    Location,
    ReportAccepted,
    ReportArchived,
    ReportEvent,
    ReportHeld,
    ReportReceived,
)
from shared.messaging.relay import Outgoing
from shared.processing import derived_id


def translate(domain_event: Any) -> list[Outgoing]:
    """A recorded report becomes ReportReceived then its screening outcome; the rest is private."""
    if not isinstance(domain_event, Report.Recorded):
        return []
    received = _content(domain_event, ReportReceived, index=0)
    outcome = _outcome(domain_event)
    key = str(domain_event.originator_id)
    return [Outgoing(topics.REPORTS, key, received), Outgoing(topics.REPORTS, key, outcome)]


def _envelope(recorded: Report.Recorded, index: int) -> dict[str, Any]:
    """Fields every report event shares; the event id is stable across relay re-sends."""
    return {
        "event_id": derived_id(recorded.originator_id, recorded.originator_version, index),
        "occurred_at": recorded.timestamp,
        "report_id": recorded.originator_id,
        "tracking_id": recorded.tracking_id,
    }


def _content(
    recorded: Report.Recorded, cls: type[ReportReceived | ReportAccepted], index: int
) -> ReportEvent:
    """The report as routing and tracking may see it: pseudonymous reporter_ref, no identity."""
    sub = recorded.submission
    return cls(
        **_envelope(recorded, index),
        channel=sub["channel"],
        kind=sub["kind"],
        title=sub["title"],
        text=sub["text"],
        location=Location(**sub["location"]),
        reporter_ref=recorded.reporter_ref,
        anonim=sub["anonim"],
        rahasia=sub["rahasia"],
        received_at=sub["received_at"],
    )


def _outcome(recorded: Report.Recorded) -> ReportEvent:
    if recorded.status == ACCEPTED:
        return _content(recorded, ReportAccepted, index=1)
    cls = ReportHeld if recorded.status == HELD else ReportArchived
    return cls(**_envelope(recorded, 1), reason=recorded.reason or "")
