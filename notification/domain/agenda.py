"""The Agenda aggregate: notifications waiting for their time (quiet hours, retry backoff).

Legacy: stores written before the index tables hold its events; the migration
(`notification/application/migration.py`) reads them once into the tables, and nothing writes it
any more. Stored events embed this module path and class names: do not move or rename them.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event


class Agenda(Aggregate):
    """Which notification goes out when; one per service (a fixed id)."""

    class Started(Aggregate.Created):
        pass

    class Planned(Aggregate.Event):
        notification_id: UUID
        due_at: datetime

    class Done(Aggregate.Event):
        notification_id: UUID

    @event(Started)
    def __init__(self, *, id: UUID) -> None:
        self.due: dict[str, datetime] = {}

    def plan(self, notification_id: UUID, due_at: datetime) -> None:
        """Send a notification at `due_at` (a later plan replaces an earlier one)."""
        if self.due.get(str(notification_id)) == due_at:
            return
        self._plan(notification_id=notification_id, due_at=due_at)

    @event(Planned)
    def _plan(self, notification_id: UUID, due_at: datetime) -> None:
        self.due[str(notification_id)] = due_at

    def done(self, notification_id: UUID) -> None:
        """The notification went out (or will never go): off the agenda."""
        if str(notification_id) in self.due:
            self._done(notification_id=notification_id)

    @event(Done)
    def _done(self, notification_id: UUID) -> None:
        self.due.pop(str(notification_id), None)

    def due_by(self, now: datetime) -> list[UUID]:
        """The notifications whose time has come, earliest first."""
        ready = sorted((at, nid) for nid, at in self.due.items() if at <= now)
        return [UUID(nid) for _, nid in ready]
