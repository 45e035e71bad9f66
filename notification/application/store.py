"""The notification service's own aggregates: finding, creating and reading them."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.domain import Aggregate

from notification.application.errors import NoNotificationsForReport
from notification.application.policy import (
    agenda_id,
    agenda_ids,
    agenda_shard,
    problems_id,
    report_index_id,
    waiting_id,
)
from notification.application.views import SentMessage
from notification.domain.agenda import Agenda
from notification.domain.duplicates import Duplicates
from notification.domain.notification import Notification
from notification.domain.problems import DeliveryProblems
from notification.domain.report_index import ReportNotifications
from notification.domain.waiting import Waiting
from shared.processing import BatchProcessApplication, derived_id

A = TypeVar("A", bound=Aggregate)
PE = ProcessingEvent[UUID]


class NotificationStore(BatchProcessApplication):
    """The aggregates every use case of the service shares, and the queries over them."""

    snapshotting_intervals: ClassVar[Any] = {Agenda: 100, Waiting: 100, DeliveryProblems: 100}

    def record_collected(self, pe: PE) -> None:
        """Store what a job (not a Kafka batch) collected, and wake the relay."""
        if pe.events:
            recordings = self._record(pe)
            self._take_snapshots(pe)
            self._notify(recordings)

    def agenda(self, pe: PE) -> Agenda:
        """The agenda this batch plans on: its partition's shard (the service's own otherwise)."""
        current = getattr(pe, "current", None)
        aid = agenda_id(agenda_shard(current.partition if current else None))
        return self.load(pe, aid, Agenda) or Agenda(id=aid)

    def agendas(self, pe: PE) -> list[Agenda]:
        """Every agenda that exists: the notifications waiting for their time."""
        found = [self.load(pe, aid, Agenda) for aid in agenda_ids()]
        return [agenda for agenda in found if agenda is not None]

    def waiting(self, pe: PE) -> Waiting:
        """The reports waiting for the admin."""
        return self.load(pe, waiting_id(), Waiting) or Waiting(id=waiting_id())

    def problems(self, pe: PE) -> DeliveryProblems:
        """The failed and given-up notifications."""
        return self.load(pe, problems_id(), DeliveryProblems) or DeliveryProblems(id=problems_id())

    def duplicates(self, pe: PE, tracking_id: str) -> Duplicates:
        dup_id = derived_id("duplicates", tracking_id)
        found = self.load(pe, dup_id, Duplicates)
        return found or Duplicates(id=dup_id, tracking_id=tracking_id)

    def index(self, pe: PE, report_id: UUID, tracking_id: str) -> ReportNotifications:
        index_id = report_index_id(tracking_id)
        found = self.load(pe, index_id, ReportNotifications)
        return found or ReportNotifications(
            id=index_id, report_id=report_id, tracking_id=tracking_id
        )

    def messages_for(self, tracking_id: str) -> list[SentMessage]:
        """The messages sent for a report, oldest first, with their delivery status."""
        try:
            index = self.stored(report_index_id(tracking_id), ReportNotifications)
        except AggregateNotFoundError:
            raise NoNotificationsForReport(tracking_id) from None
        return [SentMessage.of(self.stored(nid, Notification)) for nid in index.notification_ids]

    def delivery_problems(self) -> list[SentMessage]:
        """Failed (awaiting retry) and given-up messages, oldest first."""
        try:
            problems = self.stored(problems_id(), DeliveryProblems)
        except AggregateNotFoundError:
            return []
        found = [SentMessage.of(self.stored(nid, Notification)) for nid in problems.ids()]
        return sorted(found, key=lambda message: message.queued_at)

    def stored(self, aggregate_id: UUID, cls: type[A]) -> A:
        """An aggregate from the store, of the expected class."""
        found: object = self.repository.get(aggregate_id)
        if not isinstance(found, cls):
            raise TypeError(f"{aggregate_id} is a {type(found).__name__}, not a {cls.__name__}")
        return found
