"""Errors of the notification use cases."""

from __future__ import annotations


class NoNotificationsForReport(Exception):
    """No message has been sent for this tracking id."""

    def __init__(self, tracking_id: str) -> None:
        super().__init__(f"no notifications for report {tracking_id}")
        self.tracking_id = tracking_id
