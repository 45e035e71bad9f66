"""Typed errors of the notification domain."""

from __future__ import annotations


class NotificationError(Exception):
    """Base class of every notification business error."""


class UnknownDeliveryStatus(NotificationError):
    """An adapter reported a delivery status the domain does not know."""

    def __init__(self, status: str) -> None:
        super().__init__(f"unknown delivery status {status!r}")
        self.status = status


class NotificationFinished(NotificationError):
    """A delivered or given-up notification is never sent again."""

    def __init__(self, notification_id: object, status: str) -> None:
        super().__init__(f"notification {notification_id} is {status}: not sent again")
        self.notification_id = notification_id
        self.status = status
