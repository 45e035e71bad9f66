"""The ReportNotifications aggregate: which notifications one report has had, in order.

Stored events embed this module path and class names: do not move or rename them.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event


class ReportNotifications(Aggregate):
    """The index from a report's tracking id to its notifications, and which kinds of contact
    the reporter left (None: not known yet, or never said by an older report event)."""

    class Started(Aggregate.Created):
        report_id: UUID
        tracking_id: str
        contact_kinds: list[str] | None = None

    class NotificationAdded(Aggregate.Event):
        notification_id: UUID

    class ContactsNoted(Aggregate.Event):
        contact_kinds: list[str]

    @event(Started)
    def __init__(
        self, id: UUID, report_id: UUID, tracking_id: str, contact_kinds: list[str] | None = None
    ) -> None:  # not keyword-only: eventsourcing treats keyword-only defaults as required
        self.report_id = report_id
        self.tracking_id = tracking_id
        self.notification_ids: list[UUID] = []
        self.contact_kinds = None if contact_kinds is None else list(contact_kinds)

    def note_contacts(self, contact_kinds: list[str]) -> None:
        """The report's event said which kinds of contact the reporter left (once is enough)."""
        if self.contact_kinds != list(contact_kinds):
            self._note_contacts(contact_kinds=list(contact_kinds))

    @event(ContactsNoted)
    def _note_contacts(self, contact_kinds: list[str]) -> None:
        self.contact_kinds = list(contact_kinds)

    def add(self, notification_id: UUID) -> None:
        """Remember a notification once, however often it is added."""
        if notification_id in self.notification_ids:
            return
        self._add(notification_id=notification_id)

    @event(NotificationAdded)
    def _add(self, notification_id: UUID) -> None:
        self.notification_ids.append(notification_id)
