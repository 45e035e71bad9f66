"""The Notification aggregate: one message to one recipient about one triggering event.

Stored events embed this module path and class names: do not move or rename them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from notification.domain.errors import NotificationFinished, UnknownDeliveryStatus

REQUESTED = "requested"
SENT = "sent"
ACCEPTED = "accepted"
DELIVERED = "delivered"
FAILED = "failed"
RETRIED = "retried"
GIVEN_UP = "given-up"
DELIVERY_STATUSES = (ACCEPTED, DELIVERED, FAILED)
FINAL = (DELIVERED, GIVEN_UP)

REPORTER = "reporter"


def check_delivery_status(status: str) -> None:
    """Only the statuses an adapter can report are accepted."""
    if status not in DELIVERY_STATUSES:
        raise UnknownDeliveryStatus(status)


class Notification(Aggregate):
    """A rendered message for one recipient: requested, sent, retried until it arrives or not."""

    class Queued(Aggregate.Created):
        report_id: UUID
        tracking_id: str
        case_event_type: str
        channel: str
        reporter_ref: str
        template: str
        subject: str
        text: str
        queued_at: datetime
        audience: str = REPORTER
        address: str = ""
        html: str = ""
        immediate: bool = False
        sent_at: datetime | None = None  # set on `Sent`: created and handed to the adapter at once

        def mutate(self, aggregate: Any) -> Any:
            """The notification this event makes (a `Sent` too): what eventsourcing's `mutate`
            of a created event does (the class looked up by topic, the event's fields filtered
            by `__base_init__`'s and `__init__`'s signatures), without its generic steps."""
            if aggregate is not None or self.originator_topic != TOPIC:
                return super().mutate(aggregate)
            notification = Notification.__new__(Notification)
            notification.__base_init__(self.originator_id, self.originator_version, self.timestamp)
            Notification.__init__(
                notification, self.originator_id, self.report_id, self.tracking_id,
                self.case_event_type, self.channel, self.reporter_ref, self.template,
                self.subject, self.text, self.queued_at, self.audience, self.address, self.html,
                self.immediate, self.sent_at,
            )  # fmt: skip
            return notification

    class Sent(Queued):
        """Requested and sent at once (the first attempt): one stored event, not two (issue F3)."""

    class Dispatched(Aggregate.Event):
        attempt: int
        at: datetime
        message: dict[str, Any]

    class DeliveryRecorded(Aggregate.Event):
        status: str
        detail: str
        reported_at: datetime

    class RetryScheduled(Aggregate.Event):
        detail: str
        reported_at: datetime
        retry_at: datetime

    class GaveUp(Aggregate.Event):
        detail: str
        reported_at: datetime

    @event(Queued)
    def __init__(  # not keyword-only: eventsourcing treats keyword-only defaults as required
        self,
        id: UUID,
        report_id: UUID,
        tracking_id: str,
        case_event_type: str,
        channel: str,
        reporter_ref: str,
        template: str,
        subject: str,
        text: str,
        queued_at: datetime,
        audience: str = REPORTER,
        address: str = "",
        html: str = "",
        immediate: bool = False,
        sent_at: datetime | None = None,
    ) -> None:
        self.report_id = report_id
        self.tracking_id = tracking_id
        self.case_event_type = case_event_type
        self.channel = channel
        self.reporter_ref = reporter_ref
        self.template = template
        self.subject = subject
        self.text = text
        self.queued_at = queued_at
        self.audience = audience
        self.address = address
        self.html = html
        self.immediate = immediate
        self.status = REQUESTED
        self.status_detail = ""
        self.status_at: datetime | None = None
        self.attempt = 0
        self.attempts: list[dict[str, Any]] = []
        self.retry_at: datetime | None = None
        if sent_at is not None:
            self._dispatched(1, sent_at)

    @classmethod
    def send(cls, id: UUID, sent_at: datetime, **fields: Any) -> Notification:
        """A notification requested and handed to its adapter in one go (attempt 1).

        What eventsourcing's `_create(cls.Sent, ...)` makes (see `_made`). Most messages are
        sent at once; a test proves the same event and the same aggregate as `_create`."""
        fields["sent_at"] = sent_at
        return cls._made(cls.Sent, id, fields)

    @classmethod
    def queue(cls, id: UUID, **fields: Any) -> Notification:
        """A notification requested, to be sent later (quiet hours, the digest).

        What `Notification(id=id, **fields)` makes (see `_made`); a test proves the same event
        and the same aggregate."""
        return cls._made(cls.Queued, id, fields)

    @classmethod
    def _made(cls, created: type[Queued], id: UUID, fields: dict[str, Any]) -> Notification:
        """The created event made, and the aggregate built from the same values as the event's
        `mutate` builds it, without eventsourcing's generic steps (an id made or checked, the
        class's topic looked up, the arguments copied, the event's fields filtered twice by
        the methods' signatures)."""
        timestamp = created.create_timestamp()
        made = created(
            originator_topic=TOPIC,
            originator_id=id,
            originator_version=cls.INITIAL_VERSION,
            timestamp=timestamp,
            **fields,  # (passed in a mapping: mypy does not see event fields)
        )
        notification = cls.__new__(cls)
        notification.__base_init__(id, cls.INITIAL_VERSION, timestamp)
        cls.__init__(notification, id, **fields)
        notification.pending_events.append(made)
        return notification

    @property
    def finished(self) -> bool:
        """Delivered or given up: nothing more will happen."""
        return self.status in FINAL

    def message(self) -> dict[str, Any]:
        """What an adapter needs to deliver this notification (carried by every dispatch)."""
        return {
            "report_id": str(self.report_id),
            "tracking_id": self.tracking_id,
            "channel": self.channel,
            "reporter_ref": self.reporter_ref,
            "address": self.address,
            "subject": self.subject,
            "text": self.text,
            "html": self.html,
            "template": self.template,
        }

    def dispatch(self, at: datetime) -> None:
        """Hand the message to its channel's adapter (the next attempt)."""
        if self.finished:
            raise NotificationFinished(self.id, self.status)
        self._dispatch(attempt=self.attempt + 1, at=at, message=self.message())

    @event(Dispatched)
    def _dispatch(self, attempt: int, at: datetime, message: dict[str, Any]) -> None:
        self._dispatched(attempt, at)

    def _dispatched(self, attempt: int, at: datetime) -> None:
        self.attempt = attempt
        self.status = SENT if attempt == 1 else RETRIED
        self.status_detail = ""
        self.status_at = at
        self.retry_at = None
        self.attempts.append({"attempt": attempt, "sent_at": at, "status": self.status})

    def report_delivery(
        self, status: str, detail: str, reported_at: datetime, attempt: int | None = None
    ) -> None:
        """Record an accepted or delivered report; stale, repeated or late ones change nothing."""
        check_delivery_status(status)
        if not self._current(attempt) or status == self.status:
            return
        if status == ACCEPTED and self.status == DELIVERED:
            return
        self._record_delivery(status=status, detail=detail, reported_at=reported_at)

    def fail(self, detail: str, reported_at: datetime, retry_at: datetime | None) -> bool:
        """A failed attempt: retry at `retry_at`, or give up when None; True if it gave up."""
        if self.status in (FAILED, *FINAL):
            return False
        if retry_at is None:
            self._give_up(detail=detail, reported_at=reported_at)
            return True
        self._schedule_retry(detail=detail, reported_at=reported_at, retry_at=retry_at)
        return False

    def current(self, attempt: int | None) -> bool:
        """Whether a report about `attempt` concerns the latest try and can still change it."""
        return self._current(attempt) and not self.finished

    def _current(self, attempt: int | None) -> bool:
        return self.attempt > 0 and (attempt is None or attempt == self.attempt)

    @event(DeliveryRecorded)
    def _record_delivery(self, status: str, detail: str, reported_at: datetime) -> None:
        self._outcome(status, detail, reported_at)

    @event(RetryScheduled)
    def _schedule_retry(self, detail: str, reported_at: datetime, retry_at: datetime) -> None:
        self._outcome(FAILED, detail, reported_at)
        self.retry_at = retry_at

    @event(GaveUp)
    def _give_up(self, detail: str, reported_at: datetime) -> None:
        self._outcome(FAILED, detail, reported_at)
        self.status = GIVEN_UP

    def _outcome(self, status: str, detail: str, at: datetime) -> None:
        self.status = status
        self.status_detail = detail
        self.status_at = at
        if self.attempts:
            self.attempts[-1].update(status=status, detail=detail, at=at)


TOPIC = f"{Notification.__module__}:{Notification.__qualname__}"  # as eventsourcing names it
