"""The identity vault: a reporter_ref leads to one report, and every look-up is recorded."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event


class VaultEntry(Aggregate):
    """One reporter_ref: which report holds the identity, and who asked for it (append-only)."""

    @event("Opened")
    def __init__(self, id: UUID, reporter_ref: str, report_id: UUID) -> None:
        self.reporter_ref = reporter_ref
        self.report_id = report_id
        self.look_ups = 0
        self.refusals = 0

    @event("IdentityLookedUp")
    def record_look_up(self, role: str, at: datetime) -> None:
        """A caller received the delivery address."""
        self.look_ups += 1

    @event("LookUpRefused")
    def record_refusal(self, role: str, at: datetime, reason: str) -> None:
        """A caller asked and was refused."""
        self.refusals += 1
