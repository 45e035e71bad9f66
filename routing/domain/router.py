"""What a router reads and decides: one body for a report, or candidates for the admin.

`Router` is the seam between routing's use cases and the way a body is chosen: keyword rules
today, a trained model later. Both answer with a `RoutingDecision`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class RoutableReport:
    """The parts of a report a router may read."""

    title: str
    text: str
    kecamatan: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A body the router considered, with its share of the evidence (0 to 1)."""

    code: str
    score: float


@dataclass(frozen=True)
class RoutingDecision:
    """A body (`code`), or none when an admin must choose among `candidates`."""

    code: str | None
    confidence: float
    reason: str
    candidates: tuple[Candidate, ...] = ()
    method: str = "rule"

    @property
    def needs_triage(self) -> bool:
        """Whether no body was chosen."""
        return self.code is None


class Router(Protocol):
    """Chooses the competent body for a report."""

    def route(self, report: RoutableReport) -> RoutingDecision: ...
