"""What the application needs from the outside: a template renderer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Rendered:
    """The three parts every message template defines."""

    subject: str
    body: str
    short: str


class Renderer(Protocol):
    """Renders one named message template with the given values."""

    def render(self, template: str, context: Mapping[str, object]) -> Rendered: ...
