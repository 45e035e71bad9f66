"""What routing publishes: where each report went, and the body-facing copy."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import AwareDatetime, Field

from shared.contracts.base import (
    BodyCode,
    Contract,
    FreeText,
    Location,
    ReportEvent,
    ReportText,
    ShortText,
)
from shared.contracts.intake import Channel, ReportKind


class DispositionMethod(StrEnum):
    """How the body was chosen."""

    RULE = "rule"
    MODEL = "model"
    ADMIN = "admin"


class Candidate(Contract):
    """A body routing considered, with its score."""

    code: BodyCode
    score: float


class ReportDisposed(ReportEvent):
    """The report was disposed (disposisi) to one competent body."""

    event_type: ClassVar[str] = "ReportDisposed"
    skpd_code: BodyCode
    skpd_name: FreeText
    method: DispositionMethod
    confidence: float = Field(ge=0, le=1)
    reason: FreeText = ""


class ReportAwaitingTriage(ReportEvent):
    """Routing is unsure: an admin must choose the body."""

    event_type: ClassVar[str] = "ReportAwaitingTriage"
    reason: FreeText
    candidates: tuple[Candidate, ...] = ()


class ReportRedisposed(ReportEvent):
    """A body said "bukan wewenang" and the report went elsewhere."""

    event_type: ClassVar[str] = "ReportRedisposed"
    from_code: BodyCode
    skpd_code: BodyCode
    skpd_name: FreeText
    method: DispositionMethod
    reason: FreeText = ""


class ReportEscalated(ReportEvent):
    """The report was pushed up (overdue, or no body accepts it)."""

    event_type: ClassVar[str] = "ReportEscalated"
    reason: FreeText


class ReportRouted(ReportEvent):
    """What a body receives on `lapor.skpd.<CODE>.v1`: the report without identity."""

    event_type: ClassVar[str] = "ReportRouted"
    skpd_code: BodyCode
    title: ShortText = ""
    text: ReportText
    kind: ReportKind
    channel: Channel
    location: Location = Field(default_factory=Location)
    anonim: bool = False
    disposed_at: AwareDatetime
