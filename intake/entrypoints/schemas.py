"""HTTP request and response bodies of intake."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from shared.contracts.base import ReportText
from shared.contracts.intake import Channel, MessageId
from shared.text import TextRule

Status = Literal[
    "accepted", "held", "archived", "duplicate", "reply", "rating", "status-request", "opt-out",
    "opt-in",
]  # fmt: skip


class IntakeStatusPublic(BaseModel):
    """What became of one adapter message."""

    channel: str
    message_id: str
    status: Status
    tracking_id: str | None
    reason: str | None
    duplicate_of: str | None = None
    possible_duplicate_of: str | None = None
    notice: str | None = Field(
        default=None, description="What the reporter should know, e.g. that without a phone or "
        "e-mail the status page is the only place to follow the report",
    )  # fmt: skip


class DeliveryAddressPublic(BaseModel):
    """Where to reach the reporter behind a reporter_ref (never the NIK)."""

    reporter_ref: str
    channel: str
    name: str | None
    phone: str | None
    email: str | None
    handle: str | None
    status_link: str | None = Field(
        default=None, description="The reporter's personal status page (delivering roles only)"
    )


class LinkRequest(BaseModel):
    """A personal status link's secret (the last part of its URL)."""

    secret: str = Field(min_length=1, max_length=200)


class LinkedReportPublic(BaseModel):
    """The report a status link opens."""

    tracking_id: str


class LinkReplyRequest(LinkRequest):
    """A reply through the link; `message_id` (the client's) makes a repeat harmless."""

    message_id: MessageId
    text: ReportText


class LinkRatingRequest(LinkRequest):
    """A rating through the link, 1 to 5, with an optional comment."""

    message_id: MessageId
    rating: int = Field(ge=1, le=5)
    comment: Annotated[str, TextRule(max_chars=500, max_bytes=1500)] = ""


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
    name: str = Field(default="", description="The person behind the token, where it names one")


class ErasurePublic(BaseModel):
    """The reporter of a report was erased for good, with every report of theirs."""

    tracking_id: str
    erased_at: datetime
    tracking_ids: list[str] = Field(
        default_factory=list, description="Every report of that reporter erased with it"
    )


class ErasureRequest(BaseModel):
    """A person to erase: the contact they reported from, on that channel."""

    channel: Channel
    contact: Annotated[str, TextRule(max_chars=200, max_bytes=400)]


class PersonErasurePublic(BaseModel):
    """Every report of one contact erased at once."""

    channel: str
    tracking_ids: list[str]
    erased_at: datetime


class IdentityPublic(BaseModel):
    """A report's reporter and unmasked words, as the admin reads them (each read logged)."""

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
    masked: bool = Field(description="Whether what left intake was masked (anonim)")
