"""What intake's queries answer (plain data for the edges to render)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IntakeStatus:
    """What became of one adapter message."""

    channel: str
    message_id: str
    status: str
    tracking_id: str
    reason: str | None


@dataclass(frozen=True)
class DeliveryAddress:
    """Where to reach a reporter (never the NIK)."""

    reporter_ref: str
    channel: str
    name: str | None
    phone: str | None
    email: str | None
    handle: str | None
