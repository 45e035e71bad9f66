"""What the application needs from the outside: a template renderer and a calendar."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol


@dataclass(frozen=True)
class Rendered:
    """The parts a message template defines; a part the template leaves out is empty.

    `subject` and `body` (plain text: e-mail, WhatsApp, web) always; `short` (SMS) and `public`
    (X: no personal data) for messages to reporters; `html` is the e-mail's HTML part (rendered
    for e-mail only).
    """

    subject: str
    body: str
    short: str = ""
    public: str = ""
    html: str = ""


class Renderer(Protocol):
    """Renders one named message template with the given values."""

    def render(
        self, template: str, context: Mapping[str, object], *, html: bool = False
    ) -> Rendered:
        """The template's parts; its HTML part only when `html` (e-mail alone has one)."""
        ...


class WorkingDays(Protocol):
    """Tells working days from weekends and public holidays."""

    def is_working_day(self, day: date) -> bool: ...
