"""The notification application: case events in, messages queued, delivery reports recorded."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.utils import EnvType

from notification.application.composer import Composer, Draft
from notification.application.errors import NoNotificationsForReport
from notification.application.views import SentMessage
from notification.domain.errors import UnknownDeliveryStatus
from notification.domain.notification import Notification
from notification.domain.report_index import ReportNotifications
from shared.clock import Clock
from shared.contracts import CaseEvent, DeliveryReported
from shared.processing import BatchProcessApplication, Rejection, derived_id

A = TypeVar("A", bound=Aggregate)


def notification_id(case_event_id: UUID) -> UUID:
    """One notification per case event: a re-sent case event maps to the same one."""
    return derived_id("notification", case_event_id)


def report_index_id(tracking_id: str) -> UUID:
    """The index of one report's notifications, found by its tracking id."""
    return derived_id("report-notifications", tracking_id.upper())


class NotificationApplication(BatchProcessApplication):
    """Tells reporters what happened to their reports and tracks whether the message arrived."""

    name = "notification"
    rejectable_errors = (UnknownDeliveryStatus,)

    def __init__(self, env: EnvType | None = None, *, composer: Composer, clock: Clock) -> None:
        super().__init__(env=env)
        self._composer = composer
        self._clock = clock

    @singledispatchmethod
    def policy(self, domain_event: Any, processing_event: ProcessingEvent[UUID]) -> None:
        """Events this service has no use for change nothing."""

    @policy.register
    def _(self, event: CaseEvent, processing_event: ProcessingEvent[UUID]) -> None:
        draft = self._composer.compose(event)
        if draft is None:
            return
        nid = notification_id(event.event_id)
        if self.load(processing_event, nid, Notification) is not None:
            return
        notification = self._queue(nid, event, draft)
        index = self._index(processing_event, event)
        index.add(nid)
        processing_event.collect_events(notification, index)

    @policy.register
    def _(self, event: DeliveryReported, processing_event: ProcessingEvent[UUID]) -> None:
        notification = self.load(processing_event, event.notification_id, Notification)
        if notification is None:
            raise Rejection("unknown-notification", f"no notification {event.notification_id}")
        notification.report_delivery(event.status.value, event.detail, event.occurred_at)
        processing_event.collect_events(notification)

    def messages_for(self, tracking_id: str) -> list[SentMessage]:
        """The messages sent for a report, oldest first, with their delivery status."""
        try:
            index = self._stored(report_index_id(tracking_id), ReportNotifications)
        except AggregateNotFoundError:
            raise NoNotificationsForReport(tracking_id) from None
        return [SentMessage.of(self._stored(nid, Notification)) for nid in index.notification_ids]

    def _stored(self, aggregate_id: UUID, cls: type[A]) -> A:
        found: object = self.repository.get(aggregate_id)
        if not isinstance(found, cls):
            raise TypeError(f"{aggregate_id} is a {type(found).__name__}, not a {cls.__name__}")
        return found

    def _queue(self, nid: UUID, event: CaseEvent, draft: Draft) -> Notification:
        return Notification(
            id=nid,
            report_id=event.report_id,
            tracking_id=event.tracking_id,
            case_event_type=event.event_type,
            channel=event.channel.value,
            reporter_ref=event.reporter_ref,
            template=draft.template,
            subject=draft.subject,
            text=draft.text,
            queued_at=self._clock.now(),
        )

    def _index(
        self, processing_event: ProcessingEvent[UUID], event: CaseEvent
    ) -> ReportNotifications:
        index_id = report_index_id(event.tracking_id)
        found = self.load(processing_event, index_id, ReportNotifications)
        if found is not None:
            return found
        return ReportNotifications(
            id=index_id, report_id=event.report_id, tracking_id=event.tracking_id
        )
