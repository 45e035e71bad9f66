"""The identity vault: a reporter_ref leads to one report; every look-up is recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

LOOKED_UP = "looked-up"
REFUSED = "refused"


@dataclass(frozen=True)
class LookUp:
    """One request for the identity, and what it got."""

    at: datetime
    role: str
    outcome: str
    reason: str | None = None


class VaultEntry(Aggregate):
    """One reporter_ref: which report holds the identity, and who asked for it (append-only)."""

    @event("Opened")
    def __init__(self, id: UUID, reporter_ref: str, report_id: UUID) -> None:
        self.reporter_ref = reporter_ref
        self.report_id = report_id
        self.history: list[LookUp] = []
        self.erased_at: datetime | None = None

    @event("IdentityLookedUp")
    def record_look_up(self, role: str, at: datetime) -> None:
        """A caller received the delivery address."""
        self.history.append(LookUp(at, role, LOOKED_UP))

    @event("LookUpRefused")
    def record_refusal(self, role: str, at: datetime, reason: str) -> None:
        """A caller asked and was refused."""
        self.history.append(LookUp(at, role, REFUSED, reason))

    @event("IdentityErased")
    def record_erasure(self, at: datetime, by: str) -> None:
        """The identity's key was destroyed: nobody can read it again."""
        self.erased_at = at

    @property
    def look_ups(self) -> int:
        """How many callers received the address."""
        return sum(1 for item in self.history if item.outcome == LOOKED_UP)

    @property
    def refusals(self) -> int:
        """How many callers were refused."""
        return sum(1 for item in self.history if item.outcome == REFUSED)
