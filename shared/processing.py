"""The eventsourcing side of Kafka consumption: a batch of messages, one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Tracking
from eventsourcing.system import ProcessApplication

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
        self, messages: Sequence[Any], tracking: Tracking
    ) -> list[tuple[Any, Rejection]]:
        """Apply the policy to every message and record all new events with the position."""
        rejected: list[tuple[Any, Rejection]] = []
        with self.processing_lock:
            processing_event: ProcessingEvent[UUID] = ProcessingEvent(tracking=tracking)
            for message in messages:
                try:
                    self.policy(message, processing_event)
                except Rejection as rejection:
                    rejected.append((message, rejection))
                except self.rejectable_errors as error:
                    rejected.append((message, Rejection(type(error).__name__, str(error))))
            recordings = self._record(processing_event)
            self._take_snapshots(processing_event)
            self._notify(recordings)
        return rejected

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
