"""The outbox relay: tails a service's notification log and publishes, position in the same DB."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import ProcessRecorder, Tracking

from shared.contracts import IntegrationEvent
from shared.logging import get_logger
from shared.messaging import codec
from shared.messaging.deadletter import RecordProducer

log = get_logger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """One integration event bound for one topic under one key."""

    topic: str
    key: str
    event: IntegrationEvent


Translate = Callable[[Any], Iterable[Outgoing]]


class OutboxRelay:
    """Publishes every stored domain event's integration events exactly in log order.

    After a crash it may publish a notification again (the same `event_id`, derived from the
    stored event); it never skips one, because the position is stored only after the broker
    acknowledged everything before it.
    """

    def __init__(
        self,
        app: Any,
        producer: RecordProducer,
        translate: Translate,
        *,
        name: str = "outbox-relay",
        batch_size: int = 500,
        idle_seconds: float = 0.05,
    ) -> None:
        self._app = app
        self._recorder: ProcessRecorder = app.recorder
        self._producer = producer
        self._translate = translate
        self.name = name
        self._batch_size = batch_size
        self._idle_seconds = idle_seconds
        self.published = 0

    def position(self) -> int:
        """The last notification id published and acknowledged."""
        return self._recorder.max_tracking_id(self.name) or 0

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished notifications; returns how many."""
        start = await asyncio.to_thread(self.position)
        notifications = await asyncio.to_thread(
            self._recorder.select_notifications,
            start,
            self._batch_size,
            inclusive_of_start=False,
        )
        if not notifications:
            return 0
        pending = []
        for notification in notifications:
            domain_event = self._app.mapper.to_domain_event(notification)
            for out in self._translate(domain_event):
                pending.append(
                    await self._producer.send(
                        out.topic,
                        value=codec.encode(out.event),
                        key=out.key.encode(),
                        headers=codec.headers(out.event, notification.id),
                    )
                )
        await asyncio.gather(*pending)
        last = notifications[-1].id
        await asyncio.to_thread(self._recorder.insert_tracking, Tracking(self.name, last))
        self.published += len(pending)
        return len(notifications)

    async def run(self, stopping: asyncio.Event) -> None:
        """Publish until told to stop; on a broker error wait and try again."""
        while not stopping.is_set():
            try:
                count = await self.publish_pending()
            except Exception as error:  # the broker or database is away: retry, never skip
                log.error("relay-failed", relay=self.name, error=repr(error))
                count = 0
                await _wait(stopping, 1.0)
            if count == 0:
                await _wait(stopping, self._idle_seconds)


async def _wait(stopping: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
