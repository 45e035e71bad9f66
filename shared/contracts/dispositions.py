"""What routing publishes: where each report went, and the body-facing copy."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import AwareDatetime, Field

from shared.contracts.base import (
    Actor,
    BodyCode,
    Contract,
    FreeText,
    Location,
    ReportEvent,
    ReportText,
    ShortText,
)
from shared.contracts.intake import MAX_ATTACHMENTS, AttachmentUrl, Channel, ReportKind


class DispositionMethod(StrEnum):
    """How the body was chosen."""

    RULE = "rule"
    MODEL = "model"
    LOCATION = "location"
    ADMIN = "admin"


class Candidate(Contract):
    """A body routing considered, with its score."""

    code: BodyCode
    score: float


class ReportDisposed(ReportEvent):
    """The report was disposed (disposisi) to one competent body.

    Version 2: `method` may be `location`; `also` names further bodies of a cross-sector report
    (each told on its own topic; they may acknowledge and follow up, only the primary resolves or
    returns it). Version 3: `actor` names the admin who disposed by hand (None: the router).
    """

    event_type: ClassVar[str] = "ReportDisposed"
    schema_version: ClassVar[int] = 3
    skpd_code: BodyCode
    skpd_name: FreeText
    method: DispositionMethod
    confidence: float = Field(ge=0, le=1)
    reason: FreeText = ""
    also: tuple[BodyCode, ...] = ()
    actor: Actor | None = None


class ReportAwaitingTriage(ReportEvent):
    """Routing is unsure: an admin must choose the body."""

    event_type: ClassVar[str] = "ReportAwaitingTriage"
    reason: FreeText
    candidates: tuple[Candidate, ...] = ()


class ReportRedisposed(ReportEvent):
    """The report went from one body to another ("bukan wewenang", or the admin by hand).

    Version 2: `actor` names the admin who re-disposed by hand (None: routing itself).
    """

    event_type: ClassVar[str] = "ReportRedisposed"
    schema_version: ClassVar[int] = 2
    from_code: BodyCode
    skpd_code: BodyCode
    skpd_name: FreeText
    method: DispositionMethod
    reason: FreeText = ""
    actor: Actor | None = None


class ReportEscalated(ReportEvent):
    """The report was pushed up after repeated "bukan wewenang" returns.

    Version 2 names where it went (the parent body in the directory, else the city admin) and
    who refused it, in order.
    """

    event_type: ClassVar[str] = "ReportEscalated"
    schema_version: ClassVar[int] = 2
    reason: FreeText
    skpd_code: BodyCode | None = None
    skpd_name: FreeText = ""
    rejected_by: tuple[BodyCode, ...] = ()


class ReportRouted(ReportEvent):
    """What a body receives on `lapor.skpd.<CODE>.v1`: the report without identity.

    Version 2 adds `attachments` (photo and document links, optional).
    """

    event_type: ClassVar[str] = "ReportRouted"
    schema_version: ClassVar[int] = 2
    skpd_code: BodyCode
    title: ShortText = ""
    text: ReportText
    kind: ReportKind
    channel: Channel
    location: Location = Field(default_factory=Location)
    anonim: bool = False
    disposed_at: AwareDatetime
    attachments: tuple[AttachmentUrl, ...] = Field(default=(), max_length=MAX_ATTACHMENTS)
