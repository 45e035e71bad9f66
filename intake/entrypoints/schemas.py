"""HTTP request and response bodies of intake."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["accepted", "held", "archived", "duplicate", "reply", "rating", "status-request"]


class IntakeStatusPublic(BaseModel):
    """What became of one adapter message."""

    channel: str
    message_id: str
    status: Status
    tracking_id: str | None
    reason: str | None
    duplicate_of: str | None = None
    possible_duplicate_of: str | None = None


class DeliveryAddressPublic(BaseModel):
    """Where to reach the reporter behind a reporter_ref (never the NIK)."""

    reporter_ref: str
    channel: str
    name: str | None
    phone: str | None
    email: str | None
    handle: str | None


class HeldPublic(BaseModel):
    """A held report waiting for the admin."""

    tracking_id: str
    report_id: str
    since: datetime
    reason: str
    possible_duplicate_of: str | None
    flag: str | None = Field(description="`kemungkinan duplikat` when it may repeat a report")


class VerifyRequest(BaseModel):
    """An optional note with the verification."""

    note: str = Field(default="", max_length=500)


class ArchiveRequest(BaseModel):
    """Why the admin archives a held report (the reporter is told)."""

    reason: str = Field(min_length=3, max_length=500, pattern=r"\S")


class DecisionPublic(BaseModel):
    """The report's status after the admin's decision."""

    tracking_id: str
    status: Status
    reason: str | None


class LookUpPublic(BaseModel):
    """One request for a reporter's identity."""

    at: datetime
    role: str
    outcome: Literal["looked-up", "refused"]
    reason: str | None


class ErasurePublic(BaseModel):
    """The identity behind a report was erased for good."""

    tracking_id: str
    erased_at: datetime
