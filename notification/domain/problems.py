"""The DeliveryProblems aggregate main (717a24b) kept: notifications that failed or were given up.

Today the list is a table (`notification_problems`); an older store's aggregate is read once, to
move it there. Stored events embed this module path and class names: do not move or rename them.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event


class DeliveryProblems(Aggregate):
    """The failed (awaiting retry) and given-up notifications; one per service (a fixed id)."""

    class Started(Aggregate.Created):
        pass

    class Noted(Aggregate.Event):
        notification_id: UUID
        status: str

    class Cleared(Aggregate.Event):
        notification_id: UUID

    @event(Started)
    def __init__(self, *, id: UUID) -> None:
        self.statuses: dict[str, str] = {}

    def note(self, notification_id: UUID, status: str) -> None:
        """A notification failed or was given up."""
        if self.statuses.get(str(notification_id)) != status:
            self._note(notification_id=notification_id, status=status)

    @event(Noted)
    def _note(self, notification_id: UUID, status: str) -> None:
        self.statuses[str(notification_id)] = status

    def clear(self, notification_id: UUID) -> None:
        """A failed notification got through after all."""
        if str(notification_id) in self.statuses:
            self._clear(notification_id=notification_id)

    @event(Cleared)
    def _clear(self, notification_id: UUID) -> None:
        self.statuses.pop(str(notification_id), None)

    def ids(self) -> list[UUID]:
        """The notifications with a delivery problem."""
        return [UUID(nid) for nid in self.statuses]
