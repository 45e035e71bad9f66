"""Delivery policy: notification ids, quiet hours and retries, the digest's time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from uuid import UUID

from notification.application.rules import REPORTER
from notification.application.timing import QuietHours, RetryPolicy
from notification.domain.notification import Notification
from shared.contracts import CaseEvent, Channel
from shared.processing import derived_id


def notification_id(trigger_id: UUID, recipient: str = REPORTER) -> UUID:
    """One notification per (triggering event, recipient): a replayed trigger maps to the same."""
    if recipient == REPORTER:
        return derived_id("notification", trigger_id)
    return derived_id("notification", trigger_id, recipient)


AGENDA_SHARDS = 8  # the agenda aggregates main kept (one per partition shard), before the table


def agenda_ids() -> list[UUID]:
    """Every agenda aggregate an older store may hold (moved into the agenda table once)."""
    return [
        derived_id("notification-agenda"),
        *(derived_id("notification-agenda", shard) for shard in range(AGENDA_SHARDS)),
    ]


def waiting_id() -> UUID:
    """The waiting-list aggregate an older store may hold (moved into its table once)."""
    return derived_id("notification-waiting")


def problems_id() -> UUID:
    """The list of delivery problems an older store may hold (moved into its table once)."""
    return derived_id("notification-problems")


@dataclass(frozen=True)
class About:
    """The report a notification concerns, and what caused it."""

    report_id: UUID
    tracking_id: str
    cause: str

    @classmethod
    def of(cls, event: CaseEvent) -> About:
        """The report and cause of a case event."""
        return cls(event.report_id, event.tracking_id, event.event_type)


@dataclass(frozen=True)
class Delivery:
    """When messages go and how hard the service tries."""

    quiet: QuietHours = field(
        default_factory=lambda: QuietHours(
            time(21, 0), time(7, 0), (Channel.SMS.value, Channel.WHATSAPP.value)
        )
    )
    retry: RetryPolicy = field(
        default_factory=lambda: RetryPolicy(4, timedelta(minutes=1), timedelta(hours=1))
    )
    digest_at: time = time(8, 0)
    patience: timedelta = timedelta(hours=4)

    def release(self, notification: Notification, at: datetime) -> datetime | None:
        """When a message due `at` may go (None: at once); immediate answers never wait."""
        return self.release_at(notification.channel, notification.immediate, at)

    def release_at(self, channel: str, immediate: bool, at: datetime) -> datetime | None:
        """When a message on `channel` due `at` may go (None: at once)."""
        if immediate:
            return None
        return self.quiet.release(channel, at)
