"""The idempotent consumer: decode, dead-letter the unreadable, process a partition batch once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Protocol

from eventsourcing.persistence import IntegrityError, PersistenceError, Tracking

from shared.logging import get_logger
from shared.messaging import codec
from shared.messaging.deadletter import DeadLetterPublisher
from shared.processing import Rejection

log = get_logger(__name__)


class BatchProcessor(Protocol):
    """What the consumer needs of an application."""

    def position(self, tracking_name: str) -> int | None: ...

    def process_batch(
        self, messages: Sequence[Any], tracking: Tracking
    ) -> list[tuple[Any, Rejection]]: ...


def tracking_name(topic: str, partition: int) -> str:
    """One tracking row per topic partition."""
    return f"{topic}:{partition}"


class IdempotentConsumer:
    """Feeds Kafka records to an application; a record seen twice changes nothing."""

    def __init__(
        self, processor: BatchProcessor, deadletters: DeadLetterPublisher, *, max_bytes: int
    ) -> None:
        self._processor = processor
        self._deadletters = deadletters
        self._max_bytes = max_bytes

    async def handle(self, records: Sequence[Any]) -> None:
        """Process one poll's records, partition by partition, in offset order."""
        groups: dict[tuple[str, int], list[Any]] = {}
        for record in records:
            groups.setdefault((record.topic, record.partition), []).append(record)
        for (topic, partition), group in groups.items():
            await self._handle_partition(topic, partition, sorted(group, key=lambda r: r.offset))

    async def _handle_partition(self, topic: str, partition: int, records: list[Any]) -> None:
        name = tracking_name(topic, partition)
        done = await asyncio.to_thread(self._processor.position, name) or 0
        fresh = [r for r in records if r.offset + 1 > done]
        if not fresh:
            return
        readable: list[tuple[Any, Any]] = []
        for record in fresh:
            try:
                event = codec.decode(topic, record.value, self._max_bytes)
            except codec.MalformedMessage as bad:
                await self._deadletters.publish(record, bad.reason, bad.detail)
                continue
            if isinstance(event, codec.UnknownEventType):
                log.info("skipped-unknown-event-type", topic=topic, event_type=event.event_type)
                continue
            readable.append((record, event))
        tracking = Tracking(name, fresh[-1].offset + 1)
        try:
            rejected = await self._process(readable, tracking)
        except IntegrityError:
            now_done = await asyncio.to_thread(self._processor.position, name) or 0
            if now_done < tracking.notification_id:
                raise  # another writer changed an aggregate first: retry the batch
            log.info("already-processed", tracking=name, position=tracking.notification_id)
            return
        by_event = {id(event): record for record, event in readable}
        for event, rejection in rejected:
            await self._deadletters.publish(by_event[id(event)], rejection.reason, rejection.detail)

    async def _process(
        self, readable: list[tuple[Any, Any]], tracking: Tracking
    ) -> list[tuple[Any, Rejection]]:
        events = [event for _, event in readable]
        try:
            return await asyncio.to_thread(self._processor.process_batch, events, tracking)
        except (PersistenceError, IntegrityError):
            raise
        except Exception as error:
            if len(events) <= 1:
                await asyncio.to_thread(self._processor.process_batch, [], tracking)
                return [(e, Rejection("processing-failed", repr(error))) for e in events]
            log.warning("batch-failed-retrying-one-by-one", error=repr(error))
        return await self._one_by_one(readable, tracking)

    async def _one_by_one(
        self, readable: list[tuple[Any, Any]], tracking: Tracking
    ) -> list[tuple[Any, Rejection]]:
        """A bug hit by one message must not stop the partition: isolate it."""
        rejected: list[tuple[Any, Rejection]] = []
        for index, (record, event) in enumerate(readable):
            last = index == len(readable) - 1
            position = tracking if last else Tracking(tracking.application_name, record.offset + 1)
            try:
                rejected += await asyncio.to_thread(
                    self._processor.process_batch, [event], position
                )
            except (PersistenceError, IntegrityError):
                raise
            except Exception as error:
                rejected.append((event, Rejection("processing-failed", repr(error))))
                if last:
                    await asyncio.to_thread(self._processor.process_batch, [], tracking)
        return rejected
