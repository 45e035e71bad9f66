"""What the public record and the moderation queue answer, and what they take."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.clock import WITA
from tracking.application.public import ModerationItem, PublicReport
from tracking.entrypoints.schemas import BodyPublic


class PublicReportPublic(BaseModel):
    """A public report: masked words, a pin rounded to about 100 m, no identity."""

    tracking_id: str
    title: str
    text: str
    kind: str
    channel: str
    category: str | None
    status: str
    skpd: BodyPublic | None
    kecamatan: str | None
    kelurahan: str | None
    latitude: float | None
    longitude: float | None
    attachments: list[str]
    received_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, report: PublicReport) -> PublicReportPublic:
        """The public form of a report (times in WITA)."""
        fields = {k: v for k, v in vars(report).items() if k not in ("skpd_code", "skpd_name")}
        fields.update(
            attachments=list(report.attachments),
            received_at=report.received_at.astimezone(WITA),
            updated_at=report.updated_at.astimezone(WITA),
        )
        return cls(**fields, skpd=body_of(report.skpd_code, report.skpd_name))


def body_of(code: str | None, name: str | None) -> BodyPublic | None:
    """The body a report is disposed to (None before a disposition)."""
    return BodyPublic(code=code, name=name or code) if code else None


class PublicReportPage(BaseModel):
    """One page of the public query, and how many reports match in all."""

    items: list[PublicReportPublic]
    total: int


class FlagRequest(BaseModel):
    """Why a member of the public thinks a report should not be public."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=500)


class FlagAnswer(BaseModel):
    """What the flag did: counted (once per address), how many flags, whether now hidden."""

    tracking_id: str
    counted: bool
    flags: int
    hidden: bool


class ModerationRequest(BaseModel):
    """The admin's reason for hiding or showing a report."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=1000)


class CorrectionRequest(ModerationRequest):
    """The corrected public title and text, and why."""

    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=10_000)


class ModerationAnswer(BaseModel):
    """The act was recorded on the case (the queue shows it once projected)."""

    tracking_id: str
    act: str


class ModerationActPublic(BaseModel):
    """Who did what: `role` and `name` of the admin, or the public (empty role) for a flag."""

    act: str
    at: datetime
    role: str
    name: str
    reason: str
    flags: int


class ModerationItemPublic(BaseModel):
    """A report in the moderation queue: original and public words, why it is there, its acts."""

    tracking_id: str
    title: str
    text: str
    public_title: str
    public_text: str
    status: str
    received_at: datetime
    hidden: bool
    flags: int
    pin_outside_city: bool
    latitude: float | None
    longitude: float | None
    corrected_at: datetime | None
    moderated_at: datetime | None
    acts: list[ModerationActPublic]

    @classmethod
    def of(cls, item: ModerationItem) -> ModerationItemPublic:
        """The admin's form of a queue item."""
        acts = [ModerationActPublic(**vars(act)) for act in item.acts]
        return cls(**{**vars(item), "acts": acts})


class ModerationPage(BaseModel):
    """One page of the moderation queue."""

    items: list[ModerationItemPublic]
    total: int
