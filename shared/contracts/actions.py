"""What a body sends on `lapor.skpd.<CODE>.actions.v1` about a report disposed to it."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field, model_validator

from shared.contracts.base import Actor, BodyCode, ReportEvent, ReportText, legacy_actor
from shared.text import TextRule


class SkpdAction(ReportEvent):
    """Common fields: which body acts, and who there (`actor`: role and name from the token).

    Version 2 made `actor` an `Actor`; a version-1 string (`"Siti (skpd:PDAM)"`, or a bare name)
    still reads, as a person of that body; a record without one reads as the body's role alone.
    """

    schema_version: ClassVar[int] = 2

    skpd_code: BodyCode
    actor: Actor

    @model_validator(mode="before")
    @classmethod
    def _legacy_actor(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        role = f"skpd:{data.get('skpd_code')}" if data.get("skpd_code") else "skpd"
        actor = legacy_actor(data.get("actor"), role)
        return {**data, "actor": actor if actor is not None else {"role": role}}


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


class Assign(SkpdAction):
    """The body gives the report to one of its officers (by name); a new one reassigns it."""

    event_type: ClassVar[str] = "Assign"
    assignee: Annotated[str, TextRule(max_chars=200, max_bytes=600, not_blank=True)]
