"""Typed errors of the notification domain."""

from __future__ import annotations


class NotificationError(Exception):
    """Base class of every notification business error."""


class UnknownDeliveryStatus(NotificationError):
    """An adapter reported a delivery status the domain does not know."""

    def __init__(self, status: str) -> None:
        super().__init__(f"unknown delivery status {status!r}")
        self.status = status
