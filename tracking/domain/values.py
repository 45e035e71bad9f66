"""Value objects the case commands take."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Cause:
    """The incoming message that asks for a change: its id (applied once) and its time."""

    event_id: str
    at: datetime


@dataclass(frozen=True)
class Report:
    """The report as tracking receives it: content and a pseudonymous reporter only."""

    tracking_id: str
    channel: str
    kind: str
    reporter_ref: str
    text: str
    received_at: datetime
    title: str = ""
    anonim: bool = False
    rahasia: bool = False
    location: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[str, ...] = ()
    category: str | None = None


@dataclass(frozen=True)
class Envelope:
    """Who to tell about a case event: the report's reference and its pseudonymous reporter."""

    tracking_id: str
    channel: str
    kind: str
    reporter_ref: str
    anonim: bool
    rahasia: bool


@dataclass(frozen=True)
class Standing:
    """Where a case stands after an event: its bucket, the body holding it, the time it is due."""

    status: str
    skpd_code: str | None = None
    skpd_name: str | None = None
    due_at: datetime | None = None


@dataclass(frozen=True)
class ActedBy:
    """The body that made a move.

    `actor` is the name as events stored it before version 4; reading such an event moves it
    to the event's `actor` (a `Person`), so a case event's person is always `event.actor`.
    """

    body: str
    actor: str = ""


@dataclass(frozen=True)
class Person:
    """Who took a decision: the role and the name bound to their token (name may be empty)."""

    role: str
    name: str = ""
