"""HTTP response bodies of intake."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class IntakeStatusPublic(BaseModel):
    """What became of one adapter message."""

    channel: str
    message_id: str
    status: Literal["accepted", "held", "archived"]
    tracking_id: str
    reason: str | None


class DeliveryAddressPublic(BaseModel):
    """Where to reach the reporter behind a reporter_ref (never the NIK)."""

    reporter_ref: str
    channel: str
    name: str | None
    phone: str | None
    email: str | None
    handle: str | None
