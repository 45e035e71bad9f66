"""What a body sends on `lapor.skpd.<CODE>.actions.v1` about a report disposed to it."""

from __future__ import annotations

from typing import Annotated, ClassVar

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
