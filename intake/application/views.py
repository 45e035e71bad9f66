"""What intake's queries answer (plain data for the edges to render)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class IntakeStatus:
    """What became of one adapter message."""

    channel: str
    message_id: str
    status: str
    tracking_id: str | None
    reason: str | None
    duplicate_of: str | None = None
    possible_duplicate_of: str | None = None
    notice: str | None = None


@dataclass(frozen=True)
class DeliveryAddress:
    """Where to reach a reporter (never the NIK)."""

    reporter_ref: str
    channel: str
    name: str | None
    phone: str | None
    email: str | None
    handle: str | None
    status_link: str | None = None


@dataclass(frozen=True)
class Decision:
    """What the admin decided about a held report."""

    tracking_id: str
    status: str
    reason: str | None


@dataclass(frozen=True)
class Erasure:
    """A reporter erased for good: the report asked about, and every report of that person."""

    tracking_id: str
    erased_at: datetime
    tracking_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonErasure:
    """Every report of one contact erased at once."""

    channel: str
    tracking_ids: tuple[str, ...]
    erased_at: datetime


@dataclass(frozen=True)
class IdentityRead:
    """What the admin reads of a report's reporter: the identity and the unmasked words."""

    tracking_id: str
    reporter_ref: str
    channel: str
    name: str | None
    phone: str | None
    email: str | None
    handle: str | None
    nik: str | None
    title: str
    text: str
    masked: bool  # whether what left intake was masked (an anonim report with contact details)
