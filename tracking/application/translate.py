"""Stored case events -> what tracking publishes on `lapor.cases.v1` (key: the report id)."""

from __future__ import annotations

from typing import Any

from shared import contracts as c
from shared import topics
from shared.messaging.relay import Outgoing
from shared.processing import derived_id
from tracking.domain.case import Case

COMMON_FIELDS = (
    "tracking_id",
    "channel",
    "kind",
    "reporter_ref",
    "anonim",
    "rahasia",
    "status",
    "skpd_code",
    "skpd_name",
    "due_at",
)

# Domain event name -> the integration event and the fields it takes from the domain event.
CASE_EVENTS: dict[str, tuple[type[c.CaseEvent], tuple[str, ...]]] = {
    "Opened": (c.CaseOpened, ()),
    "Held": (c.CaseHeld, ("reason",)),
    "Archived": (c.CaseArchived, ("reason",)),
    "LinkedAsDuplicate": (c.CaseLinkedAsDuplicate, ("duplicate_of_tracking_id",)),
    "AwaitingTriage": (c.CaseAwaitingTriage, ("reason",)),
    "Disposed": (c.CaseDisposed, ("previous_skpd_code",)),
    "Escalated": (c.CaseEscalated, ("reason",)),
    "Acknowledged": (c.CaseAcknowledged, ()),
    "FollowUpPosted": (c.FollowUpPosted, ("text",)),
    "Resolved": (c.CaseResolved, ("text",)),
    "Returned": (c.CaseReturned, ("rejected_by", "reason", "suggested_code")),
    "DeadlineApproaching": (c.DeadlineApproaching, ("step", "deadline")),
    "DeadlineMissed": (c.DeadlineMissed, ("step", "deadline")),
}

PUBLISHED: tuple[type[c.CaseEvent], ...] = tuple(cls for cls, _ in CASE_EVENTS.values())


def translate(domain_event: Any) -> list[Outgoing]:
    """The case event to publish for a stored domain event (none for internal ones)."""
    found = CASE_EVENTS.get(type(domain_event).__name__)
    if found is None or not isinstance(domain_event, Case.Event):
        return []
    cls, specific = found
    standing = domain_event.standing  # type: ignore[attr-defined]
    fields = {name: standing[name] for name in COMMON_FIELDS}
    fields.update({name: getattr(domain_event, name) for name in specific})
    event = cls(
        event_id=derived_id(domain_event.originator_id, domain_event.originator_version, 0),
        occurred_at=domain_event.at,  # type: ignore[attr-defined]
        report_id=domain_event.originator_id,
        **fields,
    )
    return [Outgoing(topics.CASES, str(domain_event.originator_id), event)]
