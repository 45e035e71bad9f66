"""The outbox relay: sends the outbox's rows in order, its position in the same store.

Guarantee: at least once, in row order. A row is sent as stored (bytes encoded when its domain
event was recorded, `shared.messaging.outbox`), and the position is stored only after the broker
acknowledged every row up to it; after a crash the rows after the stored position are sent
again, byte for byte, so a consumer sees the same `event_id` (and a dead letter the same copy).
The sends of a batch are in flight together; the relay awaits their acknowledgements at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import Tracking

from shared.logging import get_logger
from shared.messaging.deadletter import RecordProducer
from shared.messaging.outbox import (
    OutboxRecorder,
    OutboxRow,
    Outgoing,
    Translate,
    install_outbox,
)
from shared.wakeup import recorded

log = get_logger(__name__)

__all__ = ["OutboxRelay", "Outgoing", "Translate", "position_name"]

Observe = Callable[[Sequence[OutboxRow], float], None]  # a published batch's rows, seconds


def _unobserved(rows: Sequence[OutboxRow], seconds: float) -> None:
    return None


def _nothing() -> None:
    return None


def position_name(relay: str) -> str:
    """Where a relay stores its position in the outbox (`relay` alone: the old log position)."""
    return f"{relay}:outbox"


class OutboxRelay:
    """Publishes the outbox's rows exactly in id order.

    Constructed, it installs the application's outbox with `translate` (once; see
    `install_outbox`: events an older relay left unpublished become rows first).
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
        install_outbox(app, translate, legacy_relay=name)
        self._observe = observe
        self._app = app
        self._recorder: OutboxRecorder = app.recorder
        self._producer = producer
        self.name = name
        self.position_name = position_name(name)
        self._batch_size = batch_size
        self._idle_seconds = idle_seconds
        self.published = 0
        self._position: int | None = None
        self._ahead: list[OutboxRow] | None = None  # the rows after the position, read ahead
        self.failing_since: float | None = None

    def position(self) -> int:
        """The last outbox row published and acknowledged."""
        if self._position is None:
            self._position = self._app.recorder.max_tracking_id(self.position_name) or 0
        return self._position

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished rows; returns how many."""
        if self._ahead == []:  # read before the caller's last write, maybe: read again
            self._ahead = None
        return await self._publish(_nothing)

    async def _publish(self, before_read: Callable[[], None]) -> int:
        """Publish the rows read ahead, or read them; then store the position and read ahead.

        Storing the position and reading the next rows share one worker call (one thread hop per
        batch sent, not two). `before_read` is called before each read of the outbox.
        """
        started = time.perf_counter()
        rows, self._ahead = self._ahead, None
        if rows is None:
            before_read()
            rows = await asyncio.to_thread(self._read)
        if not rows:
            return 0
        send = self._producer.send
        pending = [
            await send(r.topic, value=r.value, key=r.key, headers=r.record_headers()) for r in rows
        ]
        await asyncio.gather(*pending)
        before_read()
        try:
            self._ahead = await asyncio.to_thread(self._advance, rows[-1].id)
        except Exception:
            self._position = None  # re-read: another relay may have moved it
            raise
        self.published += len(rows)
        self._observe(rows, time.perf_counter() - started)
        return len(rows)

    def _read(self) -> list[OutboxRow]:
        """In the worker thread: the rows after the position (read once per term)."""
        return self._recorder.select_outbox(self.position(), self._batch_size)

    def _advance(self, last: int) -> list[OutboxRow] | None:
        """In the worker thread: store the position, then read the rows after it (None: unread)."""
        self._app.recorder.insert_tracking(Tracking(self.position_name, last))
        self._position = last
        try:
            return self._recorder.select_outbox(last, self._batch_size)
        except Exception as error:  # the next round reads again, and says so if it fails
            log.warning("relay-read-ahead-failed", relay=self.name, error=repr(error)[:300])
            return None

    async def run(self, stopping: asyncio.Event) -> None:
        """Publish until told to stop; on a broker error wait and try again.

        Idle, it waits for a write (`shared.wakeup`: in process, and on PostgreSQL by LISTEN, so
        another replica's write wakes it too), at most `idle_seconds`. Run again (a replica's
        new term as leader), it starts from the stored position.
        """
        loop = asyncio.get_running_loop()
        waiter = recorded(self._app).waiter()
        self._position, self._ahead = None, None
        while not stopping.is_set():
            try:  # the waiter is cleared before each read: a write after it wakes the next wait
                count = await self._publish(waiter.clear)
                self.failing_since = None
            except Exception as error:  # the broker or database is away: retry, never skip
                log.error("relay-failed", relay=self.name, error=repr(error))
                self.failing_since = self.failing_since or loop.time()
                count = 0
                await _wait(stopping, 1.0)
            if count == 0:
                await waiter.wait(stopping, self._idle_seconds)

    def stuck(self, grace_seconds: float) -> bool:
        """Whether publishing has failed for longer than the grace period."""
        since = self.failing_since
        return since is not None and asyncio.get_running_loop().time() - since > grace_seconds


async def _wait(stopping: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
