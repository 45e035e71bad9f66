"""The eventsourcing side of Kafka consumption: a batch of messages, one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Tracking
from eventsourcing.system import ProcessApplication

from shared.messaging.deadletter import DeadLetter, SourceRecord, dead_letter_id

EVENT_ID_NAMESPACE = UUID("5b4b3e9e-8c0f-4a5e-9d7e-6c1f2a3b4c5d")

A = TypeVar("A", bound=Aggregate)


def derived_id(*parts: object) -> UUID:
    """A UUID that is the same every time for the same parts (idempotency keys, event ids)."""
    return uuid.uuid5(EVENT_ID_NAMESPACE, ":".join(str(p) for p in parts))


class Rejection(Exception):
    """A message the service will not act on, for a reason it can name (dead-lettered)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Delivery:
    """One Kafka record handed to an application: its message, or why it cannot be read."""

    source: SourceRecord | None
    message: Any = None
    failure: Rejection | None = None


class Batch(ProcessingEvent[UUID]):
    """One transaction's messages; knows the record now handled and the records refused."""

    def __init__(self, tracking: Tracking | None = None) -> None:
        super().__init__(tracking)
        self.current: SourceRecord | None = None
        self.refused: list[tuple[SourceRecord, Rejection]] = []

    def refuse(self, source: SourceRecord, rejection: Rejection) -> None:
        """Dead-letter a record other than the current one (a parked message refused later)."""
        self.refused.append((source, rejection))


def _dead_letter(service: str, source: SourceRecord, rejection: Rejection) -> DeadLetter:
    return DeadLetter.record(service, source, rejection.reason, rejection.detail)


class BatchProcessApplication(ProcessApplication[UUID]):
    """A process application fed from Kafka: one transaction per partition batch.

    Subclasses implement `policy` (singledispatch on the integration event type) and may list
    the typed business errors that reject one message without failing the batch.
    """

    rejectable_errors: ClassVar[tuple[type[Exception], ...]] = ()

    def __init__(self, env: Any = None) -> None:
        super().__init__(env)
        self.recorded_listeners: list[Callable[[], None]] = []

    def _notify(self, recordings: Any) -> None:
        """After every write (policy or use case): wake whoever waits for new events (the relay)."""
        super()._notify(recordings)
        if recordings:
            for listener in self.recorded_listeners:
                listener()

    def position(self, tracking_name: str) -> int | None:
        """The last position recorded for one topic partition."""
        return self.recorder.max_tracking_id(tracking_name)

    def process_batch(
        self, messages: Sequence[Any], tracking: Tracking, *, service: str | None = None
    ) -> list[tuple[Any, Rejection]]:
        """Apply the policy to every message and record all new events with the position.

        `messages` are `Delivery`s (from the consumer) or bare messages (tests). A delivery that
        failed to decode, or whose message the policy rejects, becomes a `DeadLetter` recorded in
        the same transaction as the position.
        """
        rejected: list[tuple[Any, Rejection]] = []
        service = service or self.name
        with self.processing_lock:
            batch = Batch(tracking=tracking)
            for item in messages:
                delivery = item if isinstance(item, Delivery) else Delivery(None, item)
                rejection = delivery.failure or self._apply(delivery, batch)
                if rejection is not None:
                    rejected.append((delivery.message, rejection))
                    if delivery.source is not None:  # a fresh record: no dead letter yet
                        batch.collect_events(_dead_letter(service, delivery.source, rejection))
            batch.current = None
            for source, rejection in batch.refused:  # records seen before: once only
                self._dead_letter(batch, service, source, rejection)
            recordings = self._record(batch)
            self._take_snapshots(batch)
            self._notify(recordings)
        return rejected

    def _apply(self, delivery: Delivery, batch: Batch) -> Rejection | None:
        batch.current = delivery.source
        try:
            self.policy(delivery.message, batch)
        except Rejection as rejection:
            return rejection
        except self.rejectable_errors as error:
            return Rejection(type(error).__name__, str(error))
        return None

    def _dead_letter(
        self, batch: Batch, service: str, source: SourceRecord, rejection: Rejection
    ) -> None:
        if self.load(batch, dead_letter_id(service, source), DeadLetter) is None:
            batch.collect_events(_dead_letter(service, source, rejection))

    def load(
        self, processing_event: ProcessingEvent[UUID], aggregate_id: UUID, cls: type[A]
    ) -> A | None:
        """An aggregate as this batch sees it: changed earlier in the batch, stored, or absent."""
        found = processing_event.aggregates.get(aggregate_id)
        if found is None:
            try:
                found = self.repository.get(aggregate_id)
            except AggregateNotFoundError:
                return None
        if not isinstance(found, cls):
            raise TypeError(f"{aggregate_id} is a {type(found).__name__}, not a {cls.__name__}")
        return found
