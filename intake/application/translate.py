"""Stored domain events -> integration events on `lapor.reports.v1` (never identity)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import Repository

from intake.domain.replies import RATING, REPLY, STATUS_REQUEST, Correspondence
from intake.domain.report import DUPLICATE, Report, Submission
from intake.domain.screening import ACCEPTED, HELD
from shared import topics
from shared.contracts import (
    Actor,
    Location,
    ReportAccepted,
    ReportArchived,
    ReporterRatingReceived,
    ReporterReplyReceived,
    ReporterStatusRequested,
    ReportEvent,
    ReportHeld,
    ReportLinkedAsDuplicate,
)
from shared.messaging.relay import Outgoing
from shared.processing import derived_id


class Translator:
    """Reads a report at an event's version when the event alone does not carry its content."""

    def __init__(self, repository: Repository[UUID]) -> None:
        self._repository = repository

    def __call__(self, domain_event: Any) -> list[Outgoing]:
        """A recorded report: its outcome with its content; a decision; a reporter message."""
        events: list[ReportEvent]
        if isinstance(domain_event, Report.Recorded):
            events = [_outcome(domain_event)]
        elif isinstance(domain_event, Report.Verified | Report.ArchivedByAdmin):
            events = [self._decision(domain_event)]
        elif isinstance(domain_event, Correspondence.Received):
            events = _reporter_message(domain_event)
        else:
            return []
        return [Outgoing(topics.REPORTS, str(e.report_id), e) for e in events]

    def _decision(self, decided: Report.Verified | Report.ArchivedByAdmin) -> ReportEvent:
        """The admin's decision: verified goes on as ReportAccepted, archived as ReportArchived."""
        report: Report = self._repository.get(
            decided.originator_id, version=decided.originator_version
        )
        actor = Actor(**decided.actor) if decided.actor else None
        if isinstance(decided, Report.Verified):
            return _report_content(report, decided, ReportAccepted, actor)
        envelope = _envelope(decided, report.tracking_id, 0)
        return ReportArchived(**envelope, reason=decided.reason, actor=actor)


def _envelope(
    domain_event: Any, tracking_id: str, index: int, report_id: UUID | None = None
) -> dict[str, Any]:
    """Fields every report event shares; the event id is stable across relay re-sends."""
    return {
        "event_id": derived_id(domain_event.originator_id, domain_event.originator_version, index),
        "occurred_at": domain_event.timestamp,
        "report_id": report_id or domain_event.originator_id,
        "tracking_id": tracking_id,
    }


def _fields(sub: Submission, reporter_ref: str) -> dict[str, Any]:
    """The report as routing and tracking may see it: pseudonymous reporter_ref, no identity."""
    return {
        "channel": sub.channel,
        "kind": sub.kind,
        "title": sub.title,
        "text": sub.text,
        "location": Location(**sub.location),
        "reporter_ref": reporter_ref,
        "anonim": sub.anonim,
        "rahasia": sub.rahasia,
        "received_at": sub.received_at,
        "attachments": tuple(sub.attachments),
        "category": sub.category,
        "contact_kinds": tuple(sub.contact_kinds),
    }


def _report_content(
    report: Report, domain_event: Any, cls: type[ReportAccepted], actor: Actor | None
) -> ReportEvent:
    envelope = _envelope(domain_event, report.tracking_id, 0)
    return cls(**envelope, **_fields(report.submission, report.reporter_ref), actor=actor)


def _outcome(recorded: Report.Recorded) -> ReportEvent:
    """The one event a recorded report publishes: its outcome, carrying its content.

    Its index stays 1 (ReportReceived had 0 before F3), so an outcome re-sent across the upgrade
    keeps its event id. Its `actor` is the officer who entered a walk-in report (None when the
    citizen sent it).
    """
    content = {
        **_envelope(recorded, recorded.tracking_id, 1),
        **_fields(Submission(**recorded.submission), recorded.reporter_ref),
        "actor": Actor(**recorded.recorded_by) if recorded.recorded_by else None,
    }
    if recorded.status == ACCEPTED:
        return ReportAccepted(**content)
    if recorded.status == DUPLICATE and recorded.duplicate_of:
        return ReportLinkedAsDuplicate(
            **content,
            duplicate_of_report_id=UUID(recorded.duplicate_of["report_id"]),
            duplicate_of_tracking_id=recorded.duplicate_of["tracking_id"],
        )
    cls = ReportHeld if recorded.status == HELD else ReportArchived
    return cls(**content, reason=recorded.reason or "")


def _reporter_message(received: Correspondence.Received) -> list[ReportEvent]:
    """A reporter's own message about the report; a refused one stays inside intake."""
    if received.refusal or received.report_id is None or received.tracking_id is None:
        return []
    common = {
        **_envelope(received, received.tracking_id, 0, report_id=received.report_id),
        "channel": received.channel,
        "message_id": received.message_id,
        "received_at": received.received_at,
    }
    if received.kind == REPLY:
        return [ReporterReplyReceived(**common, text=received.text)]
    if received.kind == RATING and received.rating is not None:
        return [ReporterRatingReceived(**common, rating=received.rating, comment=received.text)]
    if received.kind == STATUS_REQUEST:
        return [ReporterStatusRequested(**common)]
    return []
