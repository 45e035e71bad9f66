"""From integration messages to the domain's inputs, and back from a parked payload."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from uuid import UUID

from shared import contracts as c
from shared.processing import derived_id
from tracking.domain.values import Cause, Person, Report

REPORT_MESSAGES: tuple[type[c.ReportEvent], ...] = (
    c.ReportReceived,
    c.ReportAccepted,
    c.ReportHeld,
    c.ReportArchived,
    c.ReportLinkedAsDuplicate,
)
DISPOSITION_MESSAGES: tuple[type[c.ReportEvent], ...] = (
    c.ReportDisposed,
    c.ReportAwaitingTriage,
    c.ReportRedisposed,
    c.ReportEscalated,
)
ACTION_MESSAGES: tuple[type[c.ReportEvent], ...] = (
    c.Acknowledge,
    c.PostFollowUp,
    c.Resolve,
    c.RejectNotCompetent,
    c.Classify,
    c.Assign,
)
REPORTER_MESSAGES: tuple[type[c.ReportEvent], ...] = (
    c.ReporterReplyReceived,
    c.ReporterRatingReceived,
    c.ReporterStatusRequested,
)
_BY_TYPE = {
    cls.event_type: cls
    for cls in REPORT_MESSAGES + DISPOSITION_MESSAGES + ACTION_MESSAGES + REPORTER_MESSAGES
}


def cause_of(message: c.ReportEvent) -> Cause:
    """The message as the reason for a change: its id and its time."""
    return Cause(event_id=str(message.event_id), at=message.occurred_at)


def report_of(message: c.ReportContent) -> Report:
    """The report content tracking keeps (no identity: only the pseudonymous reporter_ref)."""
    return Report(
        tracking_id=message.tracking_id,
        channel=message.channel.value,
        kind=message.kind.value,
        reporter_ref=message.reporter_ref,
        text=message.text,
        received_at=message.received_at,
        title=message.title,
        anonim=message.anonim,
        rahasia=message.rahasia,
        location=message.location.model_dump(),
        attachments=tuple(str(url) for url in message.attachments),
        category=message.category,
    )


@lru_cache(maxsize=4096)  # asked several times per message (a name-based UUID: costly)
def early_arrivals_id(report_id: UUID) -> UUID:
    """The id of the place where one report's early messages wait."""
    return derived_id("early-arrivals", report_id)


def payload_of(message: c.ReportEvent) -> dict[str, Any]:
    """A message as a JSON-ready dict, to be parked."""
    return message.model_dump(mode="json")


def message_from(event_type: str, payload: dict[str, Any]) -> c.ReportEvent:
    """A parked message rebuilt as its integration event."""
    return _BY_TYPE[event_type].model_validate(payload)


def arrival_rank(message: c.ReportEvent) -> int:
    """Release order of parked messages: intake's, routing's, the bodies', the reporter's."""
    if isinstance(message, REPORT_MESSAGES):
        return 0
    if isinstance(message, DISPOSITION_MESSAGES):
        return 1
    return 2 if isinstance(message, ACTION_MESSAGES) else 3


def person_of(message: Any) -> Person | None:
    """The person a message names as its `actor` (None: nobody, or a contract without one).

    Read with `getattr`: intake's and routing's outcomes gain `actor` in their own versions.
    """
    actor = getattr(message, "actor", None)
    if isinstance(actor, c.Actor):
        return Person(actor.role, actor.name)
    return None
