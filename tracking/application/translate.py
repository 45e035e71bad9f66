"""Stored case events -> what tracking publishes on `lapor.cases.v1` (key: the report id).

Each stored event carries who to tell and where the case stands, so no case is loaded here.
One function per event class builds its contract from the event's own fields.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import singledispatch
from typing import Any, TypeVar

from shared import contracts as c
from shared import topics
from shared.messaging.relay import Outgoing
from shared.processing import derived_id
from shared.text import recorded
from tracking.domain.case import Case

E = TypeVar("E", bound=Case.Event)
# Each domain event class -> the contract it is published as (the timeline names it too).
CONTRACTS: dict[type[Case.Event], type[c.CaseEvent]] = {}


def translate(domain_event: Any) -> list[Outgoing]:
    """The case event to publish for a stored domain event (none for internal ones)."""
    if not isinstance(domain_event, Case.Event):
        return []
    event = _contract(domain_event)
    if event is None:
        return []
    return [Outgoing(topics.CASES, str(domain_event.originator_id), event)]


def common(event: Case.Event) -> dict[str, Any]:
    """The fields every case event publishes: its id, when, who to tell, where it stands."""
    envelope, standing, person = event.envelope, event.standing, event.actor
    return {
        "actor": c.Actor(role=person.role, name=person.name) if person else None,
        "event_id": derived_id(event.originator_id, event.originator_version, 0),
        "occurred_at": event.at,
        "report_id": event.originator_id,
        "tracking_id": envelope.tracking_id,
        "channel": envelope.channel,
        "kind": envelope.kind,
        "reporter_ref": envelope.reporter_ref,
        "anonim": envelope.anonim,
        "rahasia": envelope.rahasia,
        "status": standing.status,
        "skpd_code": standing.skpd_code,
        "skpd_name": standing.skpd_name,
        "due_at": standing.due_at,
    }


@singledispatch
def _contract(event: Case.Event) -> c.CaseEvent | None:
    """Internal case events publish nothing."""
    return None


def _publishes(
    domain: type[E], contract: type[c.CaseEvent]
) -> Callable[[Callable[[E], dict[str, Any]]], None]:
    """Register how a domain event class is published: its contract and its own fields."""

    def register(own_fields: Callable[[E], dict[str, Any]]) -> None:
        CONTRACTS[domain] = contract
        _contract.register(
            domain, lambda event: recorded(contract, **common(event), **own_fields(event))
        )

    return register


def _nothing(event: Case.Event) -> dict[str, Any]:
    return {}


def _reason(event: Any) -> dict[str, Any]:
    return {"reason": event.reason}


def _body(event: Case.BodyMove) -> dict[str, Any]:
    return {"body": event.by.body or None}


def _name_or_body(event: Case.BodyMove) -> str:
    """Version 1's `classified_by`: the person's name, else the body (kept for its readers)."""
    return event.actor.name if event.actor and event.actor.name else event.by.body


def _text_by_body(event: Case.FollowUpPosted | Case.Resolved) -> dict[str, Any]:
    return {"text": event.text, **_body(event)}


def _deadline(event: Case.DeadlineApproaching | Case.DeadlineMissed) -> dict[str, Any]:
    return {"step": event.step, "deadline": event.due_at}


_publishes(Case.Opened, c.CaseOpened)(_nothing)
_publishes(Case.Held, c.CaseHeld)(_reason)
_publishes(Case.Archived, c.CaseArchived)(_reason)
_publishes(Case.LinkedAsDuplicate, c.CaseLinkedAsDuplicate)(
    lambda e: {"duplicate_of_tracking_id": e.duplicate_of_tracking_id}
)
_publishes(Case.AwaitingTriage, c.CaseAwaitingTriage)(_reason)
_publishes(Case.Disposed, c.CaseDisposed)(
    lambda e: {"previous_skpd_code": e.previous_skpd_code, "also": tuple(e.also)}
)
_publishes(Case.Escalated, c.CaseEscalated)(
    lambda e: {
        "reason": e.reason,
        "step": e.overdue_step,
        "previous_skpd_code": e.previous_skpd_code,
    }
)
_publishes(Case.Acknowledged, c.CaseAcknowledged)(_body)
_publishes(Case.FollowUpPosted, c.FollowUpPosted)(_text_by_body)
_publishes(Case.Resolved, c.CaseResolved)(_text_by_body)
_publishes(Case.Returned, c.CaseReturned)(
    lambda e: {
        "rejected_by": e.by.body,
        "reason": e.reason,
        "suggested_code": e.suggested_code,
    }
)
_publishes(Case.Classified, c.CaseClassified)(
    lambda e: {"resolution_days": e.resolution_days, "classified_by": _name_or_body(e)}
)
_publishes(Case.Assigned, c.CaseAssigned)(
    lambda e: {
        "assignee": e.assignee,
        "assignee_email": e.assignee_email,
        "previous_assignee": e.previous_assignee,
        "body": e.by.body,
    }
)
_publishes(Case.ReporterReplied, c.ReporterReplied)(lambda e: {"text": e.text})
_publishes(Case.Rated, c.CaseRated)(lambda e: {"rating": e.rating, "comment": e.comment})
_publishes(Case.StatusRequested, c.CaseStatusRequested)(_nothing)
_publishes(Case.Reopened, c.CaseReopened)(_reason)
_publishes(Case.Closed, c.CaseClosed)(_reason)
_publishes(Case.DeadlineApproaching, c.DeadlineApproaching)(_deadline)
_publishes(Case.DeadlineMissed, c.DeadlineMissed)(_deadline)


def _moderated(event: Case.Moderated) -> dict[str, Any]:
    """Why the public face changed (the actor, None for the public's flags, comes with every
    case event)."""
    return {"reason": event.reason}


_publishes(Case.Hidden, c.CaseHidden)(lambda e: {**_moderated(e), "flags": e.flags})
_publishes(Case.Shown, c.CaseShown)(_moderated)
_publishes(Case.Corrected, c.CaseCorrected)(
    lambda e: {**_moderated(e), "title": e.title, "text": e.text}
)

PUBLISHED: tuple[type[c.CaseEvent], ...] = tuple(CONTRACTS.values())
