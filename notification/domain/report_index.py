"""The ReportNotifications aggregate: which notifications one report has had, in order.

Legacy: stores written before the index tables hold its events; the migration
(`notification/application/migration.py`) reads them once into the tables, and nothing writes it
any more. Stored events embed this module path and class names: do not move or rename them.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event


class ReportNotifications(Aggregate):
    """The index from a report's tracking id to its notifications, and what the report's event
    said of the contacts the reporter left: `heard` once it came (`contact_kinds` None: it did
    not say, an event older than ReportContent v3). Case events that need the contacts and came
    first wait in `parked` (their wire payloads) until it does."""

    class Started(Aggregate.Created):
        report_id: UUID
        tracking_id: str
        contact_kinds: list[str] | None = None
        heard: bool = False

    class NotificationAdded(Aggregate.Event):
        notification_id: UUID

    class ContactsNoted(Aggregate.Event):
        contact_kinds: list[str] | None

    class CaseEventParked(Aggregate.Event):
        payload: dict[str, Any]

    @event(Started)
    def __init__(
        self,
        id: UUID,
        report_id: UUID,
        tracking_id: str,
        contact_kinds: list[str] | None = None,
        heard: bool = False,
    ) -> None:  # not keyword-only: eventsourcing treats keyword-only defaults as required
        self.report_id = report_id
        self.tracking_id = tracking_id
        self.notification_ids: list[UUID] = []
        self.contact_kinds = None if contact_kinds is None else list(contact_kinds)
        self.heard = heard
        self.parked: list[dict[str, Any]] = []

    def note_contacts(self, contact_kinds: list[str] | None) -> list[dict[str, Any]]:
        """The report's event came and said which kinds of contact were left (None: it did not
        say); returns the parked case events, released."""
        kinds = None if contact_kinds is None else list(contact_kinds)
        if self.heard and self.contact_kinds == kinds:
            return []
        released = list(self.parked)
        self._note_contacts(contact_kinds=kinds)
        return released

    @event(ContactsNoted)
    def _note_contacts(self, contact_kinds: list[str] | None) -> None:
        self.contact_kinds = contact_kinds
        self.heard = True
        self.parked = []

    def park(self, payload: dict[str, Any]) -> None:
        """A case event waits for the report's event (once, by its event id)."""
        if all(known["event_id"] != payload["event_id"] for known in self.parked):
            self._park(payload=payload)

    @event(CaseEventParked)
    def _park(self, payload: dict[str, Any]) -> None:
        self.parked.append(dict(payload))

    def add(self, notification_id: UUID) -> None:
        """Remember a notification once, however often it is added."""
        if notification_id in self.notification_ids:
            return
        self._add(notification_id=notification_id)

    @event(NotificationAdded)
    def _add(self, notification_id: UUID) -> None:
        self.notification_ids.append(notification_id)
