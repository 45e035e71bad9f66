"""What a router reads and decides: one body for a report, or candidates for the admin.

`Router` is the seam between routing's use cases and the way a body is chosen: keyword rules,
a trained model, or both. Both answer with a `RoutingDecision`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class RoutableReport:
    """The parts of a report a router may read."""

    title: str
    text: str
    kecamatan: str | None = None
    kelurahan: str | None = None
    category: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A body the router considered, with its share of the evidence (0 to 1)."""

    code: str
    score: float


@dataclass(frozen=True)
class RoutingDecision:
    """A body (`code`), or none when an admin must choose among `candidates`.

    `triage` marks a best guess below the confidence threshold: `code` names it, the admin decides.
    `also` names further bodies a cross-sector report needs.
    """

    code: str | None
    confidence: float
    reason: str
    candidates: tuple[Candidate, ...] = ()
    method: str = "rule"
    also: tuple[str, ...] = ()
    triage: bool = False

    @property
    def needs_triage(self) -> bool:
        """Whether the admin must choose: no body, or one the router is not sure enough of."""
        return self.code is None or self.triage


class Router(Protocol):
    """Chooses the competent body for a report."""

    def route(self, report: RoutableReport) -> RoutingDecision: ...

    def route_many(self, reports: Sequence[RoutableReport]) -> list[RoutingDecision]: ...
