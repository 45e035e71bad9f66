"""What a body sends on `lapor.skpd.<CODE>.actions.v1` about a report disposed to it."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from shared.contracts.base import BodyCode, ReportEvent, ReportText
from shared.text import TextRule

Actor = Annotated[str, TextRule(min_chars=1, max_chars=200, max_bytes=600)]


class SkpdAction(ReportEvent):
    """Common fields: which body acts, and who there."""

    skpd_code: BodyCode
    actor: Actor = "admin-penghubung"


class Acknowledge(SkpdAction):
    """The body has seen the report and is working on it."""

    event_type: ClassVar[str] = "Acknowledge"


class PostFollowUp(SkpdAction):
    """The body's answer to the reporter (tindak lanjut)."""

    event_type: ClassVar[str] = "PostFollowUp"
    text: ReportText


class Resolve(SkpdAction):
    """The body says the problem is solved."""

    event_type: ClassVar[str] = "Resolve"
    text: ReportText


class RejectNotCompetent(SkpdAction):
    """The body says "bukan wewenang": not ours, send it elsewhere."""

    event_type: ClassVar[str] = "RejectNotCompetent"
    reason: ReportText
    suggested_code: BodyCode | None = None


class Classify(SkpdAction):
    """The body (or the admin) puts the report in a resolution class, in working days.

    The city's SOPs know 14 (no supervisory examination) and 60 (needs examination); tracking
    accepts the classes its settings list.
    """

    event_type: ClassVar[str] = "Classify"
    resolution_days: int = Field(ge=1, le=365)
    text: Annotated[str, TextRule(max_chars=4000, max_bytes=12_000)] = ""
