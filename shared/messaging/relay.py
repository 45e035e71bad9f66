"""The outbox relay: tails a service's notification log and publishes, position in the same DB."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import ProcessRecorder, Tracking

from shared.contracts import IntegrationEvent
from shared.logging import get_logger
from shared.messaging import codec
from shared.messaging.deadletter import RecordProducer, outgoing_dead_letter

log = get_logger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """One integration event bound for one topic under one key."""

    topic: str
    key: str
    event: IntegrationEvent


Translate = Callable[[Any], Iterable[Outgoing]]
Observe = Callable[[Sequence[Any], float], None]  # a published batch's notifications, seconds


def _unobserved(notifications: Sequence[Any], seconds: float) -> None:
    return None


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
        idle_seconds: float = 1.0,
        observe: Observe = _unobserved,
    ) -> None:
        self._observe = observe
        self._app = app
        self._recorder: ProcessRecorder = app.recorder
        self._producer = producer
        self._translate = translate
        self.name = name
        self._batch_size = batch_size
        self._idle_seconds = idle_seconds
        self.published = 0
        self._position: int | None = None
        self._wake = asyncio.Event()
        self._listening = False
        self.failing_since: float | None = None

    def position(self) -> int:
        """The last notification id published and acknowledged."""
        if self._position is None:
            self._position = self._recorder.max_tracking_id(self.name) or 0
        return self._position

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished notifications; returns how many."""
        started = time.perf_counter()
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
            dead = outgoing_dead_letter(domain_event)
            if dead is not None:  # the original record, byte for byte, on every re-send
                pending.append(
                    await self._producer.send(
                        dead.topic, value=dead.value, key=dead.key, headers=dead.headers
                    )
                )
                continue
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
        try:
            await asyncio.to_thread(self._recorder.insert_tracking, Tracking(self.name, last))
        except Exception:
            self._position = None  # re-read: another relay may have moved it
            raise
        self._position = last
        self.published += len(pending)
        self._observe(notifications, time.perf_counter() - started)
        return len(notifications)

    async def run(self, stopping: asyncio.Event) -> None:
        """Publish until told to stop; on a broker error wait and try again.

        Run again (a replica's new term as leader), it starts from the stored position.
        """
        loop = asyncio.get_running_loop()
        listeners = getattr(self._app, "recorded_listeners", None)
        if listeners is not None and not self._listening:
            listeners.append(lambda: loop.call_soon_threadsafe(self._wake.set))
            self._listening = True
        self._position = None
        while not stopping.is_set():
            self._wake.clear()  # before reading: a write after this point wakes the next wait
            try:
                count = await self.publish_pending()
                self.failing_since = None
            except Exception as error:  # the broker or database is away: retry, never skip
                log.error("relay-failed", relay=self.name, error=repr(error))
                self.failing_since = self.failing_since or loop.time()
                count = 0
                await _wait(stopping, 1.0)
            if count == 0:
                await self._idle(stopping)

    def stuck(self, grace_seconds: float) -> bool:
        """Whether publishing has failed for longer than the grace period."""
        since = self.failing_since
        return since is not None and asyncio.get_running_loop().time() - since > grace_seconds

    async def _idle(self, stopping: asyncio.Event) -> None:
        """Sleep until new events are recorded, the service stops, or the idle time ends."""
        waiters = [asyncio.ensure_future(stopping.wait()), asyncio.ensure_future(self._wake.wait())]
        await asyncio.wait(waiters, timeout=self._idle_seconds, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()


async def _wait(stopping: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
