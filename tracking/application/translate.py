"""Stored case events -> what tracking publishes on `lapor.cases.v1` (key: the report id).

Each stored event carries who to tell and where the case stands, so no case is loaded here.
"""

from __future__ import annotations

from typing import Any

from shared import contracts as c
from shared import topics
from shared.messaging.relay import Outgoing
from shared.processing import derived_id
from tracking.domain.case import ENVELOPE, POSITION, Case

COMMON_FIELDS = (*ENVELOPE, *POSITION)
ACTION = ("body", "actor")

# Domain event name -> the integration event, and its own fields ("attribute:field" renames).
CASE_EVENTS: dict[str, tuple[type[c.CaseEvent], tuple[str, ...]]] = {
    "Opened": (c.CaseOpened, ()),
    "Held": (c.CaseHeld, ("reason",)),
    "Archived": (c.CaseArchived, ("reason",)),
    "LinkedAsDuplicate": (c.CaseLinkedAsDuplicate, ("duplicate_of_tracking_id",)),
    "AwaitingTriage": (c.CaseAwaitingTriage, ("reason",)),
    "Disposed": (c.CaseDisposed, ("previous_skpd_code", "also")),
    "Escalated": (c.CaseEscalated, ("reason", "overdue_step:step", "previous_skpd_code")),
    "Acknowledged": (c.CaseAcknowledged, ACTION),
    "FollowUpPosted": (c.FollowUpPosted, ("text", *ACTION)),
    "Resolved": (c.CaseResolved, ("text", *ACTION)),
    "Returned": (c.CaseReturned, ("rejected_by", "reason", "suggested_code", "actor")),
    "Classified": (c.CaseClassified, ("resolution_days", "classified_by")),
    "ReporterReplied": (c.ReporterReplied, ("text",)),
    "Rated": (c.CaseRated, ("rating", "comment")),
    "StatusRequested": (c.CaseStatusRequested, ()),
    "Reopened": (c.CaseReopened, ("reason",)),
    "Closed": (c.CaseClosed, ("reason",)),
    "DeadlineApproaching": (c.DeadlineApproaching, ("step", "deadline")),
    "DeadlineMissed": (c.DeadlineMissed, ("step", "deadline")),
}

PUBLISHED: tuple[type[c.CaseEvent], ...] = tuple(cls for cls, _ in CASE_EVENTS.values())


def _own_fields(domain_event: Any, specific: tuple[str, ...]) -> dict[str, Any]:
    """The event's own fields; ones an older stored event lacks keep the contract's default."""
    fields: dict[str, Any] = {}
    for spec in specific:
        attribute, _, name = spec.partition(":")
        value = getattr(domain_event, attribute, None)
        if value is not None:
            fields[name or attribute] = value
    return fields


def translate(domain_event: Any) -> list[Outgoing]:
    """The case event to publish for a stored domain event (none for internal ones)."""
    found = CASE_EVENTS.get(type(domain_event).__name__)
    if found is None or not isinstance(domain_event, Case.Event):
        return []
    cls, specific = found
    fields = {name: getattr(domain_event, name) for name in COMMON_FIELDS}
    fields.update(_own_fields(domain_event, specific))
    event = cls(
        event_id=derived_id(domain_event.originator_id, domain_event.originator_version, 0),
        occurred_at=domain_event.at,  # type: ignore[attr-defined]
        report_id=domain_event.originator_id,
        **fields,
    )
    return [Outgoing(topics.CASES, str(domain_event.originator_id), event)]
